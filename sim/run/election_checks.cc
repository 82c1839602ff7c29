#include "sim/run/election_checks.h"

#include <algorithm>

namespace dp::sim {

TimeUs ElectionChecks::worst_delay_us(const LinkParams& link) {
  const TimeUs base = link.latency_max_us + link.jitter_us;
  if (link.reorder_ppm == 0) return base;
  return base + (link.reorder_delay_us > 0 ? link.reorder_delay_us : base + kUsPerMs);
}

TimeUs ElectionChecks::failover_bound_us(const ClusterTiming& t, TimeUs worst_delay_us) {
  return t.heartbeat_timeout_us + t.heartbeat_interval_us + t.answer_timeout_us +
         8 * worst_delay_us + kFailoverMarginUs;
}

TimeUs ElectionChecks::quiet_us(const ClusterTiming& t) {
  return t.heartbeat_timeout_us + t.election_backoff_max_us + 2 * t.answer_timeout_us;
}

ElectionChecks::ElectionChecks(RunContext& run, InvariantObserver& invariants)
    : run_(run),
      invariants_(invariants),
      first_start_(static_cast<std::size_t>(run.servers()), -1) {}

bool ElectionChecks::network_clean() const {
  const Network& net = run_.sim.network();
  return net.uniform() && net.default_link().loss_ppm == 0 && net.all_connected(run_.servers()) &&
         !run_.has_attacker;
}

void ElectionChecks::on_host_started(TimeUs now, HostIndex h, bool) {
  if (!run_.is_game_server(h)) return;
  if (first_start_[h] < 0) first_start_[h] = now;
  host_events_.push_back(now);
}

void ElectionChecks::on_host_crashing(TimeUs now, HostIndex h) {
  if (!run_.is_game_server(h)) return;
  host_events_.push_back(now);
  Crash c;
  c.at_us = now;
  c.node = RunContext::number(h);
  c.clean_network = network_clean();
  c.delay_us = worst_delay_us(run_.sim.network().default_link());
  // The survivors must be a majority to elect (PreVote): a cluster of two cannot.
  c.others_up = 2 * (run_.servers() - 1) > run_.servers();
  for (HostIndex o = 0; o < run_.servers(); ++o)
    c.others_up = c.others_up && (o == h || run_.live(o));
  crashes_.push_back(c);
}

bool ElectionChecks::first_start_clean(TimeUs first_leader_at) const {
  if (!network_clean()) return false;
  const ClusterTiming& t = run_.scenario.timing;
  const TimeUs delay = worst_delay_us(run_.sim.network().default_link());
  if (2 * delay >= t.answer_timeout_us) return false;
  const auto [lo, hi] = std::minmax_element(first_start_.begin(), first_start_.end());
  if (*lo < 0) return false;  // Someone had not started yet.
  if (*hi - *lo + 2 * delay >= t.discovery_window_us) return false;
  for (const ScenarioAction& a : run_.scenario.actions) {
    if (a.at_us <= first_leader_at) return false;
  }
  // Only the first starts happened so far (no crash, no restart).
  return host_events_.size() == first_start_.size();
}

void ElectionChecks::on_node_event(HostIndex h, const NodeEvent& e) {
  if (first_leader_seen_ || !run_.is_game_server(h) || e.kind != NodeEventKind::kBecameLeader) {
    return;
  }
  first_leader_seen_ = true;
  const HostIndex highest = run_.servers() - 1;
  if (h == highest || !first_start_clean(e.at)) return;
  invariants_.violate(Invariant::kFirstLeaderHighest,
                      run_.name(h) + " became the first leader at " +
                          RunContext::seconds_str(e.at) + " after a clean start, not " +
                          run_.name(highest) + ", the highest id");
}

bool ElectionChecks::quiet_around(const Crash& c, TimeUs bound) const {
  const TimeUs from = c.at_us - quiet_us(run_.scenario.timing);
  const TimeUs to = c.at_us + bound;
  for (const TimeUs at : host_events_) {
    if (at >= from && at <= to && at != c.at_us) return false;
  }
  int crashes_now = 0;
  for (const TimeUs at : host_events_) crashes_now += at == c.at_us ? 1 : 0;
  if (crashes_now != 1) return false;
  for (const ScenarioAction& a : run_.scenario.actions) {
    const bool the_crash =
        a.at_us == c.at_us && (a.kind == ActionKind::kCrash || a.kind == ActionKind::kCrashLeader);
    if (a.at_us >= from && a.at_us <= to && !the_crash) return false;
  }
  return true;
}

void ElectionChecks::finish() {
  const TimeUs end = run_.sim.now();
  for (const Failover& f : run_.result.figures.failovers) {
    const auto c = std::find_if(crashes_.begin(), crashes_.end(), [&](const Crash& x) {
      return x.at_us == f.crashed_at_us && x.node == f.crashed_node;
    });
    if (c == crashes_.end() || !c->clean_network || !c->others_up) continue;
    const TimeUs bound = failover_bound_us(run_.scenario.timing, c->delay_us);
    if (!quiet_around(*c, bound)) continue;
    const bool late = f.completed ? f.duration_us() > bound : end - f.crashed_at_us > bound;
    if (!late) continue;
    invariants_.violate(
        Invariant::kFailoverBound,
        "after node " + std::to_string(f.crashed_node) + " crashed at " +
            RunContext::seconds_str(f.crashed_at_us) + " on a clean network, " +
            (f.completed ? "the new leadership took " + RunContext::ms_str(f.duration_us())
                         : std::string("no new leadership settled")) +
            "; the bound is " + RunContext::ms_str(bound) +
            " (heartbeat timeout + interval + answer timeout + 8 delays + margin)");
  }
}

}  // namespace dp::sim
