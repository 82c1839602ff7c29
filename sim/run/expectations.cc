#include "sim/run/expectations.h"

#include <cstdio>

#include "core/services/pong/book.h"
#include "sim/run/leader_view.h"

namespace dp::sim {

Expectations::Expectations(RunContext& run, const ClusterFigures& cluster,
                           const InvariantObserver& invariants, const ChatChecks& chat)
    : run_(run), cluster_(cluster), invariants_(invariants), chat_(chat) {}

void Expectations::schedule() {
  const auto& expectations = run_.scenario.expectations;
  run_.result.expectations.resize(expectations.size());
  for (std::size_t i = 0; i < expectations.size(); ++i) {
    const Expectation& e = expectations[i];
    run_.result.expectations[i].description = e.describe();
    if (e.kind == ExpectKind::kMessageCount) counted_.push_back(i);
    switch (e.kind) {
      case ExpectKind::kOneLeader:
      case ExpectKind::kLeaderIs:
        run_.sim.schedule_call(e.at_us, [this, i, &e] { check_leader(i, e); });
        break;
      case ExpectKind::kServingLeaderIs:
        run_.sim.schedule_call(e.at_us, [this, i, &e] { check_serving_leader(i, e); });
        break;
      case ExpectKind::kNoLeaderChange:
        run_.sim.schedule_call(e.from_us, [this, i] { no_change_start_[i] = top_epoch(run_); });
        run_.sim.schedule_call(e.to_us, [this, i, &e] { check_no_change(i, e); });
        break;
      case ExpectKind::kResultsOnDisk:
        if (e.at_us > 0)
          run_.sim.schedule_call(e.at_us, [this, i, &e] { check_results_on_disk(i, e); });
        break;
      default:
        break;  // Evaluated at the end.
    }
  }
}

void Expectations::check_leader(std::size_t i, const Expectation& e) {
  const LeaderView v = leader_now(run_);
  ExpectationResult& r = run_.result.expectations[i];
  if (!v.ok) {
    r.passed = false;
    r.detail = v.detail;
  } else if (e.kind == ExpectKind::kLeaderIs && RunContext::number(v.leader) != e.node) {
    r.passed = false;
    r.detail = "the leader is " + v.detail;
  } else {
    r.passed = true;
    r.detail = v.detail;
  }
  evaluated_.insert(i);
}

void Expectations::check_no_change(std::size_t i, const Expectation& e) {
  ExpectationResult& r = run_.result.expectations[i];
  evaluated_.insert(i);
  const Epoch start = no_change_start_[i];
  const Epoch end = top_epoch(run_);
  for (const ClusterFigures::Leadership& l : cluster_.leaderships()) {
    if (l.at_us >= e.from_us && l.at_us <= e.to_us) {
      r.passed = false;
      r.detail = run_.name(l.host) + " became leader of epoch " + run_.epoch_name(l.epoch) +
                 " at " + RunContext::seconds_str(l.at_us);
      return;
    }
  }
  if (start.is_none()) {
    r.passed = false;
    r.detail = "no leader at " + RunContext::seconds_str(e.from_us);
  } else if (start != end) {
    r.passed = false;
    r.detail = "top epoch went from " + run_.epoch_name(start) + " to " + run_.epoch_name(end);
  } else {
    r.passed = true;
    r.detail = "epoch " + run_.epoch_name(start) + " throughout";
  }
}

void Expectations::finish() {
  const Figures& f = run_.result.figures;
  for (std::size_t i = 0; i < run_.scenario.expectations.size(); ++i) {
    const Expectation& e = run_.scenario.expectations[i];
    ExpectationResult& r = run_.result.expectations[i];
    switch (e.kind) {
      case ExpectKind::kMaxElections:
        r.passed = static_cast<std::int64_t>(f.elections_started) <= e.count;
        r.detail = std::to_string(f.elections_started) + " elections started";
        break;
      case ExpectKind::kMaxFailover:
        check_max_failover(e, r);
        break;
      case ExpectKind::kEpochsMonotonic:
        r.passed = invariants_.held(Invariant::kEpochsMonotonic);
        r.detail =
            r.passed ? "held on every node" : invariants_.detail(Invariant::kEpochsMonotonic);
        break;
      case ExpectKind::kEveryMatchFinishes:
        check_every_match_finishes(e, r);
        break;
      case ExpectKind::kEveryRaceFinishes:
        check_every_race_finishes(e, r);
        break;
      case ExpectKind::kSpectatorsWatch:
        r.passed = f.spectators > 0 && f.spectators_watching == f.spectators &&
                   f.spectator_longest_gap_us <= e.max_us;
        r.detail = std::to_string(f.spectators_watching) + " of " + std::to_string(f.spectators) +
                   " spectators still watching; longest gap " +
                   std::to_string(f.spectator_longest_gap_us / kUsPerMs) + " ms";
        break;
      case ExpectKind::kMaxClientFailover:
        check_client_failover(e, r);
        break;
      case ExpectKind::kMaxStall:
        check_stall(e, r);
        break;
      case ExpectKind::kMessageCount:
        check_message_count(i, e, r);
        break;
      case ExpectKind::kMatchResult:
        check_match_result(e, r);
        break;
      case ExpectKind::kSnapshotInstalled:
        check_snapshot_installed(e, r);
        break;
      case ExpectKind::kResultsOnDisk:
        if (e.at_us == 0) check_results_on_disk(i, e);
        break;
      case ExpectKind::kChatDelivered:
      case ExpectKind::kChatMaxLatency:
      case ExpectKind::kChatRateLimited: {
        const ChatChecks::Verdict v =
            e.kind == ExpectKind::kChatDelivered    ? chat_.delivered(e.to_us)
            : e.kind == ExpectKind::kChatMaxLatency ? chat_.max_latency(e.max_us)
                                                    : chat_.rate_limited();
        r.passed = v.passed;
        r.detail = v.detail;
        break;
      }
      case ExpectKind::kMaxLeaderChanges:
        check_leader_changes(e, r);
        break;
      case ExpectKind::kAuthRefusedMin:
        r.passed = static_cast<std::int64_t>(f.auth_refused) >= e.count;
        r.detail = std::to_string(f.auth_refused) + " refused";
        break;
      case ExpectKind::kMaxAmplification: {
        if (!f.attack || !f.attack->flooded) {
          r.passed = false;
          r.detail = "no discovery flood, nothing to measure";
          break;
        }
        const AttackFigures& a = *f.attack;
        r.passed = a.amplification() <= e.ratio;
        char buf[160];
        std::snprintf(buf, sizeof buf, "%.4fx (%llu bytes to the victim for %llu sent)",
                      a.amplification(), static_cast<unsigned long long>(a.victim_bytes),
                      static_cast<unsigned long long>(a.flood_bytes));
        r.detail = buf;
        break;
      }
      default:
        if (!evaluated_.count(i)) {
          r.passed = false;
          r.detail = "not evaluated (the run stopped early)";
        }
        break;
    }
  }
}

void Expectations::check_max_failover(const Expectation& e, ExpectationResult& r) const {
  const Figures& f = run_.result.figures;
  r.passed = !f.failovers.empty();
  r.detail = f.failovers.empty() ? "no leader crashed, nothing to measure" : "";
  for (const Failover& fo : f.failovers) {
    if (!r.detail.empty()) r.detail += "; ";
    if (!fo.completed) {
      r.passed = false;
      r.detail += "crash of node " + std::to_string(fo.crashed_node) + " at " +
                  RunContext::seconds_str(fo.crashed_at_us) + " never failed over";
    } else {
      r.passed = r.passed && fo.duration_us() <= e.max_us;
      r.detail += std::to_string(fo.duration_us() / kUsPerMs) + " ms";
    }
  }
}

void Expectations::check_every_match_finishes(const Expectation& e, ExpectationResult& r) const {
  const Figures& f = run_.result.figures;
  int two_player = 0;
  std::string unfinished;
  int unfinished_count = 0;
  for (const MatchSummary& m : f.matches) {
    if (m.players[0] == 0 || m.players[1] == 0) continue;
    ++two_player;
    if (m.finished) continue;
    if (++unfinished_count <= 3) {
      if (!unfinished.empty()) unfinished += "; ";
      unfinished += "room " + std::to_string(m.room) + " stopped at " + m.score.str();
    }
  }
  r.passed = unfinished_count == 0 && f.matches_finished >= e.count;
  r.detail = std::to_string(f.matches_finished) + " of " + std::to_string(two_player) +
             " two-player rooms finished";
  if (unfinished_count > 0) {
    r.detail += " (" + unfinished + (unfinished_count > 3 ? "; ..." : "") + ")";
  }
}

void Expectations::check_every_race_finishes(const Expectation& e, ExpectationResult& r) const {
  const Figures& f = run_.result.figures;
  int raced = 0;
  std::string unfinished;
  int unfinished_count = 0;
  for (const RaceSummary& race : f.races) {
    if (race.racers.size() < 2) continue;
    ++raced;
    if (race.finished) continue;
    if (++unfinished_count <= 3) {
      if (!unfinished.empty()) unfinished += "; ";
      unfinished += "room " + std::to_string(race.room);
    }
  }
  r.passed = unfinished_count == 0 && f.races_finished >= e.count;
  r.detail = std::to_string(f.races_finished) + " of " + std::to_string(raced) + " races finished";
  if (unfinished_count > 0) {
    r.detail += " (unfinished: " + unfinished + (unfinished_count > 3 ? "; ..." : "") + ")";
  }
}

void Expectations::check_client_failover(const Expectation& e, ExpectationResult& r) const {
  const Figures& f = run_.result.figures;
  r.passed = !f.client_failovers.empty();
  r.detail = f.client_failovers.empty() ? "no leader fault, nothing to measure" : "";
  for (const ClientFailover& fo : f.client_failovers) {
    if (!r.detail.empty()) r.detail += "; ";
    if (!fo.completed) {
      r.passed = false;
      r.detail += std::to_string(fo.clients - fo.rehomed - fo.finished_first) + " of " +
                  std::to_string(fo.clients) + " clients never saw a leader newer than " +
                  run_.epoch_name(fo.old_epoch) + " after the " + fo.what + " at " +
                  RunContext::seconds_str(fo.fault_at_us);
    } else if (fo.rehomed == 0) {
      r.detail += "no client was waiting after the " + fo.what + " at " +
                  RunContext::seconds_str(fo.fault_at_us);
    } else {
      r.passed = r.passed && fo.duration_us() <= e.max_us;
      r.detail += std::to_string(fo.duration_us() / kUsPerMs) + " ms (" +
                  std::to_string(fo.rehomed) + " clients)";
    }
  }
}

void Expectations::check_results_on_disk(std::size_t i, const Expectation& e) {
  ExpectationResult& r = run_.result.expectations[i];
  evaluated_.insert(i);
  r.passed = true;
  r.detail.clear();
  int checked = 0;
  for (HostIndex h = 0; h < run_.servers(); ++h) {
    if (e.node != 0 ? RunContext::number(h) != e.node : !run_.live(h)) continue;
    const std::size_t held =
        run_.sim.host(h).disk.record_count(wire::kPongService, pong::RoomBook::kResultTable);
    r.passed = r.passed && static_cast<std::int64_t>(held) >= e.count;
    r.detail += (checked++ == 0 ? "" : ", ") + run_.name(h) + ": " + std::to_string(held);
  }
  if (checked == 0) {
    r.passed = false;
    r.detail = "no live server to look at";
  } else {
    r.detail += " results on disk";
  }
}

void Expectations::check_leader_changes(const Expectation& e, ExpectationResult& r) const {
  const auto& epochs = cluster_.new_epochs();
  std::int64_t changes = 0;
  std::string listed;
  for (std::size_t k = 1; k < epochs.size(); ++k) {
    const ClusterFigures::Leadership& l = epochs[k];
    if (l.at_us < e.from_us || l.at_us > e.to_us) continue;
    if (++changes <= 3) {
      listed += (listed.empty() ? "" : "; ") + std::string("epoch ") + run_.epoch_name(l.epoch) +
                " at " + RunContext::seconds_str(l.at_us) + " (" + run_.name(l.host) + ")";
    }
  }
  r.passed = changes <= e.count;
  r.detail = std::to_string(changes) + " leader change" + (changes == 1 ? "" : "s");
  if (changes > 0) r.detail += ": " + listed + (changes > 3 ? "; ..." : "");
}

void Expectations::check_snapshot_installed(const Expectation& e, ExpectationResult& r) const {
  int count = 0;
  TimeUs first = -1;
  for (const auto& [at, node] : cluster_.snapshot_installs()) {
    if (node != e.node || at < e.from_us) continue;
    ++count;
    if (first < 0) first = at;
  }
  r.passed = count > 0;
  r.detail = count == 0 ? "node " + std::to_string(e.node) + " installed none"
                        : std::to_string(count) + " installed, the first at " +
                              RunContext::seconds_str(first);
}

void Expectations::on_send(TimeUs now, HostIndex, const OutDatagram& d) {
  for (const std::size_t i : counted_) {
    const Expectation& e = run_.scenario.expectations[i];
    if (d.kind == e.msg_type && now >= e.from_us && now <= e.to_us) ++messages_[i];
  }
}

void Expectations::check_stall(const Expectation& e, ExpectationResult& r) const {
  const Figures& f = run_.result.figures;
  if (e.client == 0) {
    r.passed = f.longest_stall_us <= e.max_us && f.clients > 0;
    r.detail = f.clients == 0 ? "no clients"
                              : "longest stall " + std::to_string(f.longest_stall_us / kUsPerMs) +
                                    " ms (client " + std::to_string(f.longest_stall_client) + ")";
    return;
  }
  const HostIndex h = run_.servers() + static_cast<HostIndex>(e.client - 1);
  const ClientNode* c = run_.client(h);
  if (c == nullptr) {
    r.passed = false;
    r.detail = "client " + std::to_string(e.client) + " is not a Pong player";
    return;
  }
  const TimeUs stall = run_.stall_of(*c, h);  // As the run's figure counts it.
  r.passed = stall <= e.max_us;
  r.detail = "longest stall " + std::to_string(stall / kUsPerMs) + " ms";
}

void Expectations::check_message_count(std::size_t i, const Expectation& e,
                                       ExpectationResult& r) const {
  const auto it = messages_.find(i);
  const std::int64_t n = it != messages_.end() ? it->second : 0;
  r.passed = n >= e.count && (e.max_count < 0 || n <= e.max_count);
  r.detail = std::to_string(n) + " sent";
}

void Expectations::check_serving_leader(std::size_t i, const Expectation& e) {
  ExpectationResult& r = run_.result.expectations[i];
  evaluated_.insert(i);
  const HostIndex want = static_cast<HostIndex>(e.node - 1);
  const NodeId& id = run_.sim.host(want).spec.id;
  const TimeUs now = run_.sim.now();
  int served = 0;
  for (HostIndex h = run_.servers(); h < run_.clients_end(); ++h) {
    const ClientNode* c = run_.client(h);
    if (c == nullptr || !run_.live(h) || c->config().spectate || !c->seated_as_player()) continue;
    const Epoch& from = c->shown_position().epoch;
    const bool fresh = now - c->last_state_at_us() <= kServingWindowUs;
    if (from.leader != id || !fresh) {
      r.passed = false;
      r.detail = run_.client_name(h) + "'s newest state came from " +
                 run_.server_name(from.leader) + " (epoch " + run_.epoch_name(from) + ") at " +
                 RunContext::seconds_str(c->last_state_at_us());
      return;
    }
    ++served;
  }
  r.passed = served > 0;
  r.detail = served > 0 ? std::to_string(served) + " players served by " + run_.name(want)
                        : "no seated player to be served";
}

void Expectations::check_match_result(const Expectation& e, ExpectationResult& r) const {
  for (const MatchSummary& m : run_.result.figures.matches) {
    if (m.players[0] != e.client && m.players[1] != e.client) continue;
    const std::string score = std::to_string(m.score.left) + "-" + std::to_string(m.score.right);
    const int winner = m.winner_slot >= 0 && m.winner_slot < 2 ? m.players[m.winner_slot] : 0;
    r.passed = m.finished && m.score.left == e.score_left && m.score.right == e.score_right &&
               (e.winner == 0 || winner == e.winner);
    r.detail = std::string(m.finished ? "ended " : "not finished, last shown ") + score +
               (winner > 0 ? ", won by client " + std::to_string(winner) : std::string()) +
               " (room " + std::to_string(m.room) + ")";
    return;
  }
  r.passed = false;
  r.detail = "client " + std::to_string(e.client) + " played no match";
}

}  // namespace dp::sim
