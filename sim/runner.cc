#include "sim/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <set>

#include "core/cluster/server_node.h"
#include "core/wire/header.h"
#include "sim/digest.h"
#include "sim/server_host.h"

namespace dp::sim {
namespace {

std::string seconds_str(TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e6);
  return buf;
}

std::string msg_kind_name(std::uint8_t kind) {
  if (wire::is_known_msg_type(kind)) return wire::msg_type_name(static_cast<wire::MsgType>(kind));
  return "type-" + std::to_string(kind);
}

// Digest record tags: one per kind of thing fed into the canonical stream.
enum DigestTag : std::uint8_t {
  kTagDeliver = 1,
  kTagDrop = 2,
  kTagNodeEvent = 3,
  kTagStart = 4,
  kTagCrash = 5,
};

// The state of one run: observer of the simulator, and keeper of checks and figures.
class Run final : public SimObserver {
 public:
  Run(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario),
        options_(options),
        sim_(options.seed.value_or(scenario.seed)),
        last_epoch_(static_cast<std::size_t>(scenario.servers)) {
    result_.file = scenario.file;
    result_.title = scenario.title;
    result_.seed = options.seed.value_or(scenario.seed);
    result_.duration_us = scenario.duration_us;
    result_.invariants = {{"never two leaders in one epoch", true, ""},
                          {"epochs never go backwards on any node", true, ""}};
  }

  RunResult run() {
    setup();
    const auto wall_start = std::chrono::steady_clock::now();
    const RunStatus status = sim_.run_until(scenario_.duration_us);
    const auto wall_end = std::chrono::steady_clock::now();
    if (status == RunStatus::kQueueFull) {
      result_.run_error = "the event queue hit its bound; the run was stopped";
    } else if (status == RunStatus::kEventBudgetHit) {
      result_.run_error = "the run exceeded its event budget; the run was stopped";
    }
    finish(std::chrono::duration<double>(wall_end - wall_start).count());
    return std::move(result_);
  }

  // SimObserver.
  void on_send(TimeUs, HostIndex, const OutDatagram& d) override {
    ++result_.figures.messages_by_type[msg_kind_name(d.kind)];
  }

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override {
    digest_.add_u8(kTagDeliver);
    digest_.add_i64(now);
    digest_.add_i64(t.sent_at);
    digest_.add_u64(t.from_host);
    digest_.add_u64(t.to_host);
    digest_.add_u8(static_cast<std::uint8_t>(t.channel));
    digest_.add_u8(static_cast<std::uint8_t>((t.duplicate ? 1 : 0) | (t.reordered ? 2 : 0)));
    digest_.add_bytes(bytes);
    if (options_.record_trace) {
      TraceRecord r;
      r.what = TraceRecord::What::kMessage;
      r.at_us = t.sent_at;
      r.arrive_us = now;
      r.from = t.from_host;
      r.to = t.to_host;
      r.kind = t.kind;
      r.flow_id = t.flow_id;
      add_trace(std::move(r));
    }
  }

  void on_drop(TimeUs now, const Transit& t, DropReason why) override {
    digest_.add_u8(kTagDrop);
    digest_.add_i64(now);
    digest_.add_i64(t.sent_at);
    digest_.add_u64(t.from_host);
    digest_.add_u64(t.to_host);
    digest_.add_u8(t.kind);
    digest_.add_u8(static_cast<std::uint8_t>(why));
    if (options_.record_trace) {
      TraceRecord r;
      r.what = TraceRecord::What::kDrop;
      r.at_us = now;
      r.from = t.from_host;
      r.to = t.to_host;
      r.kind = t.kind;
      r.name = drop_reason_name(why);
      add_trace(std::move(r));
    }
  }

  void on_node_event(HostIndex h, const NodeEvent& e) override {
    digest_.add_u8(kTagNodeEvent);
    digest_.add_u64(h);
    digest_.add_i64(e.at);
    digest_.add_u8(static_cast<std::uint8_t>(e.kind));
    digest_.add_u64(e.peer.hi);
    digest_.add_u64(e.peer.lo);
    digest_.add_u64(e.epoch.term);
    digest_.add_u64(e.epoch.leader.hi);
    digest_.add_u64(e.epoch.leader.lo);
    digest_.add_i64(e.a);
    digest_.add_i64(e.b);

    Figures& f = result_.figures;
    switch (e.kind) {
      case NodeEventKind::kElectionStarted:
        ++f.elections_started;
        break;
      case NodeEventKind::kBecameLeader:
        ++f.leaders_elected;
        became_leader_.push_back({e.at, h, e.epoch});
        check_single_leader(h, e);
        check_monotonic(h, e);
        break;
      case NodeEventKind::kFollowing:
        check_monotonic(h, e);
        break;
      case NodeEventKind::kStaleEpochIgnored:
        ++f.stale_epoch_ignored;
        break;
      case NodeEventKind::kDatagramRejected:
        ++f.datagrams_rejected;
        break;
      default:
        break;
    }
    if (shown_in_timeline(e.kind)) {
      TimelineEntry t;
      t.at_us = e.at;
      t.what = TimelineEntry::What::kNodeEvent;
      t.node = number(h);
      t.event = e;
      add_timeline(std::move(t));
      if (options_.record_trace) {
        TraceRecord r;
        r.what = TraceRecord::What::kInstant;
        r.at_us = e.at;
        r.from = h;
        r.name = std::string(node_event_name(e.kind));
        if (!e.epoch.is_none()) r.name += " " + epoch_name(e.epoch);
        add_trace(std::move(r));
      }
    }
  }

  void on_host_started(TimeUs now, HostIndex h, bool restart) override {
    digest_.add_u8(kTagStart);
    digest_.add_i64(now);
    digest_.add_u64(h);
    TimelineEntry t;
    t.at_us = now;
    t.what = restart ? TimelineEntry::What::kRestarted : TimelineEntry::What::kStarted;
    t.node = number(h);
    t.disk_term = sim_.host(h).disk.highest_term;
    add_timeline(std::move(t));
    instant(now, h, restart ? "restarted" : "started");
  }

  void on_host_crashing(TimeUs now, HostIndex h) override {
    digest_.add_u8(kTagCrash);
    digest_.add_i64(now);
    digest_.add_u64(h);
    const ServerNode& s = server(h);
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kCrashed;
    t.node = number(h);
    t.was_leader = s.is_leader();
    t.epoch = s.epoch();
    add_timeline(std::move(t));
    instant(now, h, s.is_leader() ? "crashed (leader)" : "crashed");
    if (s.is_leader()) {
      Failover f;
      f.crashed_at_us = now;
      f.crashed_node = number(h);
      f.old_epoch = s.epoch();
      result_.figures.failovers.push_back(f);
      ++pending_failovers_;
    }
  }

  void on_host_crashed(TimeUs now, HostIndex) override { check_failovers(now); }
  void after_step(TimeUs now, HostIndex) override { check_failovers(now); }

 private:
  struct Leadership {
    TimeUs at_us;
    HostIndex host;
    Epoch epoch;
  };
  struct LeaderView {
    bool ok = false;
    HostIndex leader = 0;
    Epoch epoch;
    std::string detail;
  };

  static int number(HostIndex h) { return static_cast<int>(h) + 1; }
  std::string name(HostIndex h) const { return "node " + std::to_string(number(h)); }
  // "2/node 3" rather than the raw id, so details read like the timeline.
  std::string epoch_name(const Epoch& e) const {
    if (e.is_none()) return "none";
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (sim_.host(h).spec.id == e.leader) return std::to_string(e.term) + "/" + name(h);
    }
    return e.str();
  }
  const ServerNode& server(HostIndex h) const {
    // The runner only ever creates ServerNode hosts.
    return static_cast<const ServerNode&>(*sim_.node(h));
  }
  bool live(HostIndex h) const { return sim_.host(h).up(); }
  HostIndex host_count() const { return static_cast<HostIndex>(sim_.host_count()); }

  static bool shown_in_timeline(NodeEventKind kind) {
    switch (kind) {
      case NodeEventKind::kPeerDiscovered:
      case NodeEventKind::kPeerLost:
      case NodeEventKind::kSuspectLeader:
      case NodeEventKind::kElectionStarted:
      case NodeEventKind::kBecameLeader:
      case NodeEventKind::kFollowing:
      case NodeEventKind::kSteppedDown:
        return true;
      default:
        return false;
    }
  }

  void setup() {
    sim_.network().set_all_links(scenario_.network);
    for (int i = 1; i <= scenario_.servers; ++i) {
      // The high word orders the servers (node N has the highest id); the seed picks the
      // low word, so a different seed changes every id and so every datagram.
      const NodeId id{static_cast<std::uint64_t>(i), sim_.setup_rng().next_u64()};
      const HostIndex h =
          sim_.add_host(server_host_spec(i, id), server_factory(scenario_.mode, scenario_.timing));
      result_.hosts.push_back({"node " + std::to_string(i), id});
      sim_.schedule_start(h, sim_.setup_rng().range(0, scenario_.start_spread_us));
    }
    sim_.add_observer(this);
    for (const ScenarioAction& a : scenario_.actions) {
      sim_.schedule_call(a.at_us, [this, &a] { apply(a); });
    }
    result_.expectations.resize(scenario_.expectations.size());
    for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
      const Expectation& e = scenario_.expectations[i];
      result_.expectations[i].description = e.describe();
      switch (e.kind) {
        case ExpectKind::kOneLeader:
        case ExpectKind::kLeaderIs:
          sim_.schedule_call(e.at_us, [this, i, &e] { check_leader(i, e); });
          break;
        case ExpectKind::kNoLeaderChange:
          sim_.schedule_call(e.from_us, [this, i] { no_change_start_[i] = top_epoch(); });
          sim_.schedule_call(e.to_us, [this, i, &e] { check_no_change(i, e); });
          break;
        default:
          break;  // Evaluated at the end.
      }
    }
  }

  // --- Scenario actions ---

  void apply(const ScenarioAction& a) {
    const TimeUs now = sim_.now();
    auto host_of = [](int node) { return static_cast<HostIndex>(node - 1); };
    switch (a.kind) {
      case ActionKind::kCrashLeader: {
        const LeaderView v = leader_now();
        std::optional<HostIndex> target;
        if (v.ok) {
          target = v.leader;
        } else {
          // Fall back to the live leader of the highest epoch, if any.
          for (HostIndex h = 0; h < host_count(); ++h) {
            if (live(h) && server(h).is_leader() &&
                (!target || server(h).epoch() > server(*target).epoch())) {
              target = h;
            }
          }
        }
        if (!target) {
          note(now, "crash-leader: no live leader to crash");
        } else {
          sim_.crash(*target);
        }
        break;
      }
      case ActionKind::kCrash:
        if (!sim_.crash(host_of(a.node))) note(now, name(host_of(a.node)) + " is already down");
        break;
      case ActionKind::kRestart:
        if (!sim_.restart(host_of(a.node))) note(now, name(host_of(a.node)) + " is already up");
        break;
      case ActionKind::kPartition: {
        std::vector<std::vector<HostIndex>> groups;
        std::string text = "partition:";
        for (std::size_t g = 0; g < a.groups.size(); ++g) {
          text += g == 0 ? " {" : " | {";
          std::vector<HostIndex> group;
          for (std::size_t k = 0; k < a.groups[g].size(); ++k) {
            group.push_back(host_of(a.groups[g][k]));
            text += (k == 0 ? "" : ",") + std::to_string(a.groups[g][k]);
          }
          text += "}";
          groups.push_back(std::move(group));
        }
        sim_.network().partition(groups, sim_.host_count());
        network_note(now, text);
        break;
      }
      case ActionKind::kCut:
        sim_.network().cut(host_of(a.from), host_of(a.to));
        network_note(now, "cut link node " + std::to_string(a.from) + " -> node " +
                              std::to_string(a.to) + " (one-way)");
        break;
      case ActionKind::kConnect:
        sim_.network().connect(host_of(a.from), host_of(a.to));
        network_note(now, "connect link node " + std::to_string(a.from) + " -> node " +
                              std::to_string(a.to));
        break;
      case ActionKind::kCutInbound:
        for (HostIndex h = 0; h < host_count(); ++h) {
          if (h != host_of(a.node)) sim_.network().cut(h, host_of(a.node));
        }
        network_note(now,
                     "cut every link into node " + std::to_string(a.node) + " (it can still send)");
        break;
      case ActionKind::kHeal:
        sim_.network().heal();
        network_note(now, "heal: every link up");
        break;
      case ActionKind::kSetNetwork: {
        LinkParams p = sim_.network().default_link();
        const LinkParams& n = a.network.link;
        const std::uint32_t has = a.network.present;
        if (has & kNetLatencyMin) p.latency_min_us = n.latency_min_us;
        if (has & kNetLatencyMax) p.latency_max_us = n.latency_max_us;
        if (has & kNetJitter) p.jitter_us = n.jitter_us;
        if (has & kNetLoss) p.loss_ppm = n.loss_ppm;
        if (has & kNetDuplicate) p.duplicate_ppm = n.duplicate_ppm;
        if (has & kNetReorder) p.reorder_ppm = n.reorder_ppm;
        if (has & kNetReorderDelay) p.reorder_delay_us = n.reorder_delay_us;
        p.latency_max_us = std::max(p.latency_max_us, p.latency_min_us);
        sim_.network().set_all_links(p);
        char buf[160];
        std::snprintf(buf, sizeof buf,
                      "network: latency %lld-%lld us, jitter %lld us, loss %.2f%%, "
                      "duplicate %.2f%%, reorder %.2f%%",
                      static_cast<long long>(p.latency_min_us),
                      static_cast<long long>(p.latency_max_us), static_cast<long long>(p.jitter_us),
                      p.loss_ppm / 1e4, p.duplicate_ppm / 1e4, p.reorder_ppm / 1e4);
        network_note(now, buf);
        break;
      }
    }
    check_failovers(now);
  }

  // --- Checks ---

  Epoch top_epoch() const {
    Epoch top;
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (live(h)) top = std::max(top, server(h).epoch());
    }
    return top;
  }

  LeaderView leader_now() const {
    LeaderView v;
    const Epoch top = top_epoch();
    bool any_live = false;
    for (HostIndex h = 0; h < host_count(); ++h) any_live |= live(h);
    if (!any_live) {
      v.detail = "no server is up";
      return v;
    }
    if (top.is_none()) {
      v.detail = "no live server has a leader";
      return v;
    }
    std::vector<HostIndex> leaders;
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (live(h) && server(h).is_leader() && server(h).epoch() == top) leaders.push_back(h);
    }
    if (leaders.size() != 1) {
      v.detail = std::to_string(leaders.size()) + " live servers lead the highest epoch " +
                 epoch_name(top);
      return v;
    }
    const HostIndex leader = leaders[0];
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (h == leader || !live(h) || !sim_.network().connected(leader, h)) continue;
      const ServerNode& s = server(h);
      if (s.is_leader() || s.epoch() != top) {
        v.detail = name(h) + " can hear " + name(leader) + " but " +
                   (s.is_leader() ? "leads" : "follows") + " epoch " + epoch_name(s.epoch()) +
                   " instead of " + epoch_name(top);
        return v;
      }
    }
    v.ok = true;
    v.leader = leader;
    v.epoch = top;
    v.detail = name(leader) + " leads epoch " + epoch_name(top);
    return v;
  }

  void check_leader(std::size_t i, const Expectation& e) {
    const LeaderView v = leader_now();
    ExpectationResult& r = result_.expectations[i];
    if (!v.ok) {
      r.passed = false;
      r.detail = v.detail;
    } else if (e.kind == ExpectKind::kLeaderIs && number(v.leader) != e.node) {
      r.passed = false;
      r.detail = "the leader is " + v.detail;
    } else {
      r.passed = true;
      r.detail = v.detail;
    }
    evaluated_.insert(i);
  }

  void check_no_change(std::size_t i, const Expectation& e) {
    ExpectationResult& r = result_.expectations[i];
    evaluated_.insert(i);
    const Epoch start = no_change_start_[i];
    const Epoch end = top_epoch();
    for (const Leadership& l : became_leader_) {
      if (l.at_us >= e.from_us && l.at_us <= e.to_us) {
        r.passed = false;
        r.detail = name(l.host) + " became leader of epoch " + epoch_name(l.epoch) + " at " +
                   seconds_str(l.at_us);
        return;
      }
    }
    if (start.is_none()) {
      r.passed = false;
      r.detail = "no leader at " + seconds_str(e.from_us);
    } else if (start != end) {
      r.passed = false;
      r.detail = "top epoch went from " + epoch_name(start) + " to " + epoch_name(end);
    } else {
      r.passed = true;
      r.detail = "epoch " + epoch_name(start) + " throughout";
    }
  }

  void check_single_leader(HostIndex h, const NodeEvent& e) {
    InvariantResult& inv = result_.invariants[0];
    if (!inv.passed) return;  // Keep the first violation.
    if (e.epoch.leader != sim_.host(h).spec.id) {
      inv.passed = false;
      inv.detail = name(h) + " became leader of epoch " + epoch_name(e.epoch) +
                   ", which names another node, at " + seconds_str(e.at);
      return;
    }
    auto [it, inserted] = leader_of_epoch_.emplace(e.epoch, h);
    if (!inserted && it->second != h) {
      inv.passed = false;
      inv.detail = name(it->second) + " and " + name(h) + " both led epoch " + epoch_name(e.epoch) +
                   " (second at " + seconds_str(e.at) + ")";
    }
  }

  void check_monotonic(HostIndex h, const NodeEvent& e) {
    if (e.epoch.is_none()) return;
    Epoch& last = last_epoch_[h];
    InvariantResult& inv = result_.invariants[1];
    if (e.epoch < last && inv.passed) {
      inv.passed = false;
      inv.detail = name(h) + " went from epoch " + epoch_name(last) + " back to " +
                   epoch_name(e.epoch) + " at " + seconds_str(e.at);
    }
    last = std::max(last, e.epoch);
  }

  void check_failovers(TimeUs now) {
    if (pending_failovers_ == 0) return;
    // Every live server holds the same epoch, led by a live server.
    Epoch common;
    bool first = true;
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (!live(h)) continue;
      const Epoch& e = server(h).epoch();
      if (e.is_none()) return;
      if (first) {
        common = e;
        first = false;
      } else if (e != common) {
        return;
      }
    }
    if (first) return;  // Nobody is up.
    std::optional<HostIndex> leader;
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (live(h) && server(h).is_leader() && server(h).id() == common.leader) leader = h;
    }
    if (!leader) return;
    for (Failover& f : result_.figures.failovers) {
      if (f.completed || !(common > f.old_epoch)) continue;
      f.completed = true;
      f.completed_at_us = now;
      f.new_leader = number(*leader);
      f.new_epoch = common;
      --pending_failovers_;
    }
  }

  void finish(double wall_seconds) {
    Figures& f = result_.figures;
    const SimStats& stats = sim_.stats();
    f.datagrams_sent = stats.datagrams_sent;
    f.deliveries = stats.deliveries;
    for (int r = 0; r < 4; ++r) {
      if (stats.drops_by_reason[r] > 0) {
        f.drops_by_reason[drop_reason_name(static_cast<DropReason>(r))] = stats.drops_by_reason[r];
      }
    }
    f.events_processed = stats.events_processed;
    for (const Failover& fo : f.failovers) {
      if (fo.completed)
        f.max_failover_us = std::max(f.max_failover_us.value_or(0), fo.duration_us());
    }
    f.simulated_seconds = static_cast<double>(sim_.now()) / 1e6;
    f.wall_seconds = wall_seconds;
    f.sim_seconds_per_wall_second =
        wall_seconds > 0 ? f.simulated_seconds / wall_seconds : f.simulated_seconds * 1e6;

    for (std::size_t i = 0; i < scenario_.expectations.size(); ++i) {
      const Expectation& e = scenario_.expectations[i];
      ExpectationResult& r = result_.expectations[i];
      switch (e.kind) {
        case ExpectKind::kMaxElections:
          r.passed = static_cast<std::int64_t>(f.elections_started) <= e.count;
          r.detail = std::to_string(f.elections_started) + " elections started";
          break;
        case ExpectKind::kMaxFailover: {
          r.passed = !f.failovers.empty();
          r.detail = f.failovers.empty() ? "no leader crashed, nothing to measure" : "";
          for (const Failover& fo : f.failovers) {
            if (!r.detail.empty()) r.detail += "; ";
            if (!fo.completed) {
              r.passed = false;
              r.detail += "crash of node " + std::to_string(fo.crashed_node) + " at " +
                          seconds_str(fo.crashed_at_us) + " never failed over";
            } else {
              r.passed = r.passed && fo.duration_us() <= e.max_us;
              r.detail += std::to_string(fo.duration_us() / kUsPerMs) + " ms";
            }
          }
          break;
        }
        case ExpectKind::kEpochsMonotonic:
          r.passed = result_.invariants[1].passed;
          r.detail = r.passed ? "held on every node" : result_.invariants[1].detail;
          break;
        default:
          if (!evaluated_.count(i)) {
            r.passed = false;
            r.detail = "not evaluated (the run stopped early)";
          }
          break;
      }
    }
    result_.digest = digest_.value();
    bool passed = result_.run_error.empty();
    for (const ExpectationResult& r : result_.expectations) passed = passed && r.passed;
    for (const InvariantResult& r : result_.invariants) passed = passed && r.passed;
    result_.passed = passed;
  }

  // --- Recording ---

  void add_timeline(TimelineEntry t) {
    if (result_.timeline.size() >= kMaxTimelineEntries) {
      ++result_.timeline_dropped;
      return;
    }
    result_.timeline.push_back(std::move(t));
  }
  void add_trace(TraceRecord r) {
    if (result_.trace.size() >= kMaxTraceRecords) {
      ++result_.trace_dropped;
      return;
    }
    result_.trace.push_back(std::move(r));
  }
  void instant(TimeUs now, HostIndex h, std::string what) {
    if (!options_.record_trace) return;
    TraceRecord r;
    r.what = TraceRecord::What::kInstant;
    r.at_us = now;
    r.from = h;
    r.name = std::move(what);
    add_trace(std::move(r));
  }
  void note(TimeUs now, std::string text) {
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kNote;
    t.text = std::move(text);
    add_timeline(std::move(t));
  }
  void network_note(TimeUs now, std::string text) {
    if (options_.record_trace) {
      for (HostIndex h = 0; h < host_count(); ++h) instant(now, h, text);
    }
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kNetwork;
    t.text = std::move(text);
    add_timeline(std::move(t));
  }

  const Scenario& scenario_;
  const RunOptions& options_;
  Simulator sim_;
  RunResult result_;
  Digest digest_;
  std::vector<Epoch> last_epoch_;  // Per host: highest epoch adopted so far.
  std::map<Epoch, HostIndex> leader_of_epoch_;
  std::vector<Leadership> became_leader_;
  std::map<std::size_t, Epoch> no_change_start_;
  std::set<std::size_t> evaluated_;
  int pending_failovers_ = 0;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  Run run(scenario, options);
  return run.run();
}

}  // namespace dp::sim
