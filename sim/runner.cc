#include "sim/runner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <set>

#include "core/client/client_node.h"
#include "core/cluster/server_node.h"
#include "core/wire/header.h"
#include "sim/client_host.h"
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
        last_epoch_(static_cast<std::size_t>(scenario.servers)),
        retransmits_(static_cast<std::size_t>(scenario.servers)) {
    result_.file = scenario.file;
    result_.title = scenario.title;
    result_.seed = options.seed.value_or(scenario.seed);
    result_.duration_us = scenario.duration_us;
    result_.servers = scenario.servers;
    result_.invariants = {{"never two leaders in one epoch", true, ""},
                          {"epochs never go backwards on any node", true, ""},
                          {"replicas that applied the same prefix have identical rooms", true, ""},
                          {"no replica applies with a gap or fails to apply an event", true, ""}};
    if (!scenario.clients.empty()) {
      result_.invariants.push_back({"every client's (epoch, seq) strictly increases", true, ""});
      result_.invariants.push_back({"no client's displayed score ever decreases", true, ""});
    }
    detailed_ = static_cast<int>(scenario.clients.size()) <= kMaxDetailedClients;
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
  void on_send(TimeUs, HostIndex, const OutDatagram& d) override { ++sent_by_kind_[d.kind]; }

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override {
    digest_.add_u8(kTagDeliver);
    digest_.add_i64(now);
    digest_.add_i64(t.sent_at);
    digest_.add_u64(t.from_host);
    digest_.add_u64(t.to_host);
    digest_.add_u8(static_cast<std::uint8_t>(t.channel));
    digest_.add_u8(static_cast<std::uint8_t>((t.duplicate ? 1 : 0) | (t.reordered ? 2 : 0)));
    digest_.add_bytes(bytes);
    if (is_client(t.to_host)) {
      ClientTrack& c = clients_[t.to_host - servers()];
      if (c.rx_bytes == 0) c.first_rx_us = now;
      c.rx_bytes += bytes.size();
      c.last_rx_us = now;
    } else if (!is_client(t.from_host) && t.channel == Channel::kControl &&
               !server(t.to_host).is_leader()) {
      follower_rx_bytes_ += bytes.size();
    }
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
    if (is_client(h)) {
      on_client_event(h, e);
      return;
    }
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
      case NodeEventKind::kSnapshotSent:
        ++f.snapshots_sent;
        break;
      case NodeEventKind::kPointScored:
      case NodeEventKind::kMatchOver:
        scored_at_[{static_cast<std::uint32_t>(e.a), static_cast<std::uint16_t>(e.b)}] = e.at;
        break;
      case NodeEventKind::kReplicaSnapshot: {
        ++f.snapshots_installed;
        snapshot_installs_.push_back({e.at, number(h)});
        TimelineEntry t;
        t.at_us = e.at;
        t.what = TimelineEntry::What::kNote;
        t.text = name(h) + " installed a snapshot of the rooms (as of seq " + std::to_string(e.a) +
                 ") from " + server_name(e.peer);
        // Collapse repeats: one line per node per second is enough to tell the story.
        TimeUs& last = last_snapshot_line_[h];
        if (last == 0 || e.at - last >= kUsPerSecond) {
          last = e.at;
          add_timeline(std::move(t));
        }
        break;
      }
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
    if (is_client(h)) {
      clients_[h - servers()].started_us = now;
      instant(now, h, "started");
      return;
    }
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
    // Last look at the replica before its volatile state is gone.
    sample_replicas(now);
    bank_retransmits(h);
    const ServerNode& s = server(h);
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kCrashed;
    t.node = number(h);
    t.was_leader = s.is_leader();
    t.epoch = s.epoch();
    add_timeline(std::move(t));
    instant(now, h, s.is_leader() ? "crashed (leader)" : "crashed");
    // Game state lives in memory only. A score is shown once it is on min_replicas + 1
    // servers (leader included); once that many servers have crashed since it was scored
    // (every copy was made after that; a follower may crash between its ACK and the commit),
    // every copy may be gone: the cluster's fault tolerance was exceeded, and a fresh room is
    // not a score taken back.
    last_crash_us_.resize(static_cast<std::size_t>(servers()), -1);
    last_crash_us_[static_cast<std::size_t>(h)] = now;
    const int server_count = static_cast<int>(servers());
    const int copies =
        1 + (scenario_.min_replicas < 0 ? server_count / 2
                                        : std::min(scenario_.min_replicas, server_count - 1));
    bool forgot = false;
    for (ClientTrack& c : clients_) {
      TimeUs since = c.view.score_shown_at();
      if (auto it = scored_at_.find({c.view.room(), c.view.packed_score()});
          it != scored_at_.end()) {
        since = std::min(since, it->second);
      }
      int crashed_since = 0;
      for (TimeUs at : last_crash_us_) crashed_since += at >= since ? 1 : 0;
      if (crashed_since >= copies) {
        c.view.forget_scores();
        forgot = true;
      }
    }
    if (forgot && !total_outage_) {
      total_outage_ = true;
      note(now, std::to_string(copies) + " servers have crashed since the players saw their " +
                    "scores: every copy of a room (held in memory only) may be lost");
    }
    if (s.is_leader()) {
      Failover f;
      f.crashed_at_us = now;
      f.crashed_node = number(h);
      f.old_epoch = s.epoch();
      result_.figures.failovers.push_back(f);
      ++pending_failovers_;
      client_fault(now, h, "crash");
    }
  }

  void on_host_crashed(TimeUs now, HostIndex) override { check_failovers(now); }
  void after_step(TimeUs now, HostIndex h) override {
    if (is_client(h)) {
      client_step(now, h);
      return;
    }
    if (armed_ && armed_->host == h) check_armed_point(now);
    check_failovers(now);
  }

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
  // "node 3" for a server id, else its short id.
  std::string server_name(const NodeId& id) const {
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (sim_.host(h).spec.id == id) return name(h);
    }
    return "node " + id.short_str();
  }
  HostIndex servers() const { return static_cast<HostIndex>(scenario_.servers); }
  bool is_client(HostIndex h) const { return h >= servers(); }
  int client_number(HostIndex h) const { return static_cast<int>(h - servers()) + 1; }
  std::string client_name(HostIndex h) const {
    return "client " + std::to_string(client_number(h));
  }
  const ClientNode* client(HostIndex h) const {
    // Client hosts only ever run ClientNode.
    return static_cast<const ClientNode*>(sim_.node(h));
  }
  // "2/node 3" rather than the raw id, so details read like the timeline.
  std::string epoch_name(const Epoch& e) const {
    if (e.is_none()) return "none";
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (sim_.host(h).spec.id == e.leader) return std::to_string(e.term) + "/" + name(h);
    }
    return e.str();
  }
  const ServerNode& server(HostIndex h) const {
    // Hosts below servers() only ever run ServerNode.
    return static_cast<const ServerNode&>(*sim_.node(h));
  }
  bool live(HostIndex h) const { return sim_.host(h).up(); }
  // The servers; the checks about leaders and epochs walk only these.
  HostIndex host_count() const { return servers(); }

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
    RoomServiceConfig rooms;
    rooms.target_score = scenario_.target_score;
    rooms.min_replicas = scenario_.min_replicas < 0
                             ? RoomServiceConfig::kMajority
                             : static_cast<std::size_t>(scenario_.min_replicas);
    rooms.forfeit_timeout_us = scenario_.forfeit_timeout_us;
    rooms.inject_bug_skip_nack = scenario_.inject_bug_skip_nack;
    for (int i = 1; i <= scenario_.servers; ++i) {
      // The high word orders the servers (node N has the highest id); the seed picks the
      // low word, so a different seed changes every id and so every datagram.
      const NodeId id{static_cast<std::uint64_t>(i), sim_.setup_rng().next_u64()};
      const HostIndex h = sim_.add_host(
          server_host_spec(i, id), server_factory(scenario_.mode, scenario_.timing, rooms,
                                                  static_cast<std::uint32_t>(scenario_.servers)));
      result_.hosts.push_back({"node " + std::to_string(i), id, 0});
      sim_.schedule_start(h, sim_.setup_rng().range(0, scenario_.start_spread_us));
    }
    // Clients draw from a generator forked after the servers', so adding a client never
    // changes a server's id or start time.
    Rng client_rng = sim_.setup_rng().fork();
    for (std::size_t i = 0; i < scenario_.clients.size(); ++i) {
      const ClientSpec& spec = scenario_.clients[i];
      const int n = static_cast<int>(i) + 1;
      // Client ids sort below every server's (high word 0), so they never win anything.
      const NodeId id{0, client_rng.next_u64() | 1u};
      const int skill = static_cast<int>(client_rng.range(spec.skill_min, spec.skill_max));
      const TimeUs start = spec.start_us + client_rng.range(0, spec.start_spread_us);
      const HostIndex h =
          sim_.add_host(client_host_spec(n, id), bot_client_factory(skill, spec.room));
      result_.hosts.push_back({"client " + std::to_string(n), id, skill});
      clients_.emplace_back("client " + std::to_string(n));
      sim_.schedule_start(h, start);
    }
    result_.figures.clients = static_cast<int>(clients_.size());
    sim_.add_observer(this);
    schedule_sample(kSampleIntervalUs);
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
      case ActionKind::kCrashFollower: {
        std::optional<HostIndex> target;
        for (HostIndex h = 0; h < host_count() && !target; ++h) {
          if (live(h) && !server(h).is_leader()) target = h;
        }
        if (!target) {
          note(now, "crash-follower: no live follower to crash");
        } else {
          sim_.crash(*target);
        }
        break;
      }
      case ActionKind::kCrashLeaderAfterPoint: {
        const LeaderView v = leader_now();
        if (!v.ok) {
          note(now, "crash-leader-after-point: no leader to arm (" + v.detail + ")");
          break;
        }
        Armed armed;
        armed.host = v.leader;
        armed.delay_us = a.delay_us;
        for (const auto& [id, room] : server(v.leader).rooms().book().rooms()) {
          armed.points[id] = room.match.score[0] + room.match.score[1];
        }
        armed_ = armed;
        note(now, "armed: crash " + name(v.leader) + " " + std::to_string(a.delay_us / kUsPerMs) +
                      " ms after its rooms score the next point");
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
        // The partition is among the servers: clients keep every link (a client cut off
        // from its leader is what cut/cut-inbound model).
        for (HostIndex c = servers(); c < sim_.host_count(); ++c) {
          for (HostIndex j = 0; j < sim_.host_count(); ++j) {
            sim_.network().connect(c, j);
            sim_.network().connect(j, c);
          }
        }
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
      case ActionKind::kCutInbound: {
        const HostIndex target = host_of(a.node);
        // Every link, from servers and clients alike: the host hears nobody.
        for (HostIndex h = 0; h < sim_.host_count(); ++h) {
          if (h != target) sim_.network().cut(h, target);
        }
        network_note(now,
                     "cut every link into node " + std::to_string(a.node) + " (it can still send)");
        if (live(target) && server(target).is_leader()) client_fault(now, target, "cut-inbound");
        break;
      }
      case ActionKind::kHeal:
        sim_.network().heal();
        network_note(now, "heal: every link up");
        if (armed_) {
          // Healing ends the faults: a crash trap still waiting for a point is disarmed.
          armed_.reset();
          note(now, "the armed crash-leader-after-point trap is disarmed");
        }
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

  // --- Clients and matches ---

  void on_client_event(HostIndex h, const NodeEvent& e) {
    const int n = client_number(h);
    switch (e.kind) {
      case NodeEventKind::kDatagramRejected:
        ++result_.figures.datagrams_rejected;
        break;
      case NodeEventKind::kClientRehomed:
        if (detailed_) {
          client_note(e.at, client_name(h) + " re-homed: first state from " + server_name(e.peer) +
                                ", epoch " + epoch_name(e.epoch) + since_fault(e.at));
        }
        break;
      case NodeEventKind::kSuspectLeader:
        if (detailed_) {
          client_note(e.at, client_name(h) + " heard nothing from " + server_name(e.peer) +
                                " and looks for the cluster again");
        }
        break;
      case NodeEventKind::kClientStateShown: {
        const auto room = static_cast<std::uint32_t>(e.a);
        const auto left = static_cast<std::uint8_t>((e.b >> 8) & 0xff);
        const auto right = static_cast<std::uint8_t>(e.b & 0xff);
        const ClientNode* c = client(h);
        RoomTrack& r = rooms_[room];
        r.summary.room = room;
        ClientTrack& t = clients_[static_cast<std::size_t>(n - 1)];
        const bool seated = c != nullptr && c->shown() != nullptr && c->shown()->your_slot <= 1;
        // Two leaders during a split brain can both open a "room 1"; the seat a client shows
        // last is the one it plays in.
        if (seated && t.room == room) r.summary.players[c->shown()->your_slot] = n;
        if (t.room != room && seated) {
          // A client re-seated by a new leader (its old room was lost with the old leader's
          // state) no longer plays in the old room.
          if (auto old = rooms_.find(t.room); old != rooms_.end()) {
            for (int& player : old->second.summary.players) {
              if (player == n) player = 0;
            }
          }
          t.room = room;
          const std::uint8_t slot = c->shown()->your_slot;
          const bool opened = r.summary.players[0] == 0 && r.summary.players[1] == 0;
          r.summary.players[slot] = n;
          if (!detailed_ && ++seated_count_ == static_cast<int>(clients_.size())) {
            match_note(e.at, "all " + std::to_string(seated_count_) + " bots are seated, in " +
                                 std::to_string(rooms_.size()) + " rooms");
          }
          if (detailed_) {
            match_note(e.at, client_name(h) + " (skill " + std::to_string(skill_of(h)) + ") " +
                                 (opened ? "opened room " : "joined room ") + std::to_string(room) +
                                 " as the " + (slot == 0 ? "left" : "right") + " player");
          }
        }
        if (left + right > r.shown[0] + r.shown[1] && left >= r.shown[0] && right >= r.shown[1]) {
          r.shown[0] = left;
          r.shown[1] = right;
          if (detailed_) {
            match_note(e.at, "room " + std::to_string(room) + ": " + std::to_string(left) + "-" +
                                 std::to_string(right) + "  (as " + client_name(h) +
                                 " saw it, from " + server_name(e.peer) + ")");
          }
        }
        break;
      }
      default:
        break;
    }
  }

  void client_step(TimeUs now, HostIndex h) {
    const ClientNode* c = client(h);
    if (c == nullptr) return;
    const int n = client_number(h);
    ClientTrack& t = clients_[static_cast<std::size_t>(n - 1)];
    if (c->states_accepted() != t.states_seen && c->shown() != nullptr) {
      t.states_seen = c->states_accepted();
      const wire::RoomState& st = *c->shown();
      t.view.on_state(now, c->shown_position(), st.room, st.score_left, st.score_right);
      if (!t.view.order_passed()) violate(4, *t.view.order_violation());
      if (!t.view.score_passed()) violate(5, *t.view.score_violation());
      const std::size_t done_before = completed_client_failovers();
      client_failovers_.on_state(now, n, c->shown_position().epoch);
      report_completed_failovers(done_before, c->shown_position().epoch);
    }
    if (!t.finished && (c->phase() == ClientPhase::kFinished || c->phase() == ClientPhase::kLeft)) {
      t.finished = true;
      const std::size_t done_before = completed_client_failovers();
      client_failovers_.on_unseated(now, n);
      report_completed_failovers(done_before, c->shown_position().epoch);
      if (c->result()) {
        const FinalResult& f = *c->result();
        RoomTrack& r = rooms_[f.room];
        if (!r.over_reported) {
          r.over_reported = true;
          const int winner = r.summary.players[f.winner_slot & 1];
          std::string text = "room " + std::to_string(f.room) + ": GAME OVER " +
                             std::to_string(f.score_left) + "-" + std::to_string(f.score_right) +
                             ", ";
          text += winner != 0 ? "client " + std::to_string(winner) : std::string("the player");
          text += std::string(" (") + (f.winner_slot == 0 ? "left" : "right") + ") wins";
          if (detailed_ || ++over_lines_ <= 3) match_note(now, text);
        }
      }
    }
  }

  // A leader fault: start measuring until every seated client sees a newer leader.
  void client_fault(TimeUs now, HostIndex leader, const char* what) {
    if (clients_.empty()) return;
    std::vector<int> seated;
    for (HostIndex h = servers(); h < sim_.host_count(); ++h) {
      const ClientNode* c = client(h);
      if (c == nullptr || c->room() == 0) continue;
      if (c->phase() == ClientPhase::kFinished || c->phase() == ClientPhase::kLeft) continue;
      seated.push_back(client_number(h));
    }
    client_failovers_.on_fault(now, number(leader), what, server(leader).epoch(), seated);
    last_fault_us_ = now;
  }

  std::size_t completed_client_failovers() const {
    std::size_t done = 0;
    for (const ClientFailover& f : client_failovers_.failovers()) done += f.completed ? 1 : 0;
    return done;
  }

  void report_completed_failovers(std::size_t done_before, const Epoch& epoch) {
    if (completed_client_failovers() == done_before) return;
    for (std::size_t i = 0; i < client_failovers_.failovers().size(); ++i) {
      const ClientFailover& f = client_failovers_.failovers()[i];
      if (!f.completed || reported_failovers_.count(i)) continue;
      reported_failovers_.insert(i);
      if (f.rehomed == 0) continue;
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.1f ms", static_cast<double>(f.duration_us()) / 1e3);
      client_note(f.completed_at_us, "all " + std::to_string(f.rehomed) + " seated client" +
                                         (f.rehomed == 1 ? "" : "s") +
                                         " now see the new leader (epoch " + epoch_name(epoch) +
                                         "): client failover " + ms + " after the " + f.what +
                                         " of node " + std::to_string(f.server));
    }
  }

  std::string since_fault(TimeUs now) const {
    if (last_fault_us_ < 0) return "";
    char buf[48];
    std::snprintf(buf, sizeof buf, ", %.1f ms after the fault",
                  static_cast<double>(now - last_fault_us_) / 1e3);
    return buf;
  }

  int skill_of(HostIndex h) const { return result_.hosts[h].skill_percent; }

  void check_armed_point(TimeUs now) {
    const ServerNode& s = server(armed_->host);
    for (const auto& [id, room] : s.rooms().book().rooms()) {
      const int points = room.match.score[0] + room.match.score[1];
      auto it = armed_->points.find(id);
      if (points <= (it == armed_->points.end() ? 0 : it->second)) continue;
      const HostIndex target = armed_->host;
      const TimeUs delay = armed_->delay_us;
      armed_.reset();
      note(now, "room " + std::to_string(id) + " scores " + std::to_string(room.match.score[0]) +
                    "-" + std::to_string(room.match.score[1]) + " on leader " + name(target) +
                    "; crashing it " + std::to_string(delay / kUsPerMs) + " ms later");
      sim_.schedule_call(now + delay, [this, target] {
        if (live(target)) sim_.crash(target);
        check_failovers(sim_.now());
      });
      return;
    }
  }

  // --- Sampling ---

  void schedule_sample(TimeUs at) {
    if (at > scenario_.duration_us) return;
    sim_.schedule_call(at, [this, at] {
      sample_replicas(at);
      for (HostIndex h = 0; h < host_count(); ++h) {
        if (!live(h)) continue;
        update_retransmits(h);
        if (!server(h).is_leader()) follower_us_ += kSampleIntervalUs;
      }
      schedule_sample(at + kSampleIntervalUs);
    });
  }

  void sample_replicas(TimeUs now) {
    samples_.clear();
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (!live(h)) continue;
      const RoomService& rooms = server(h).rooms();
      samples_.push_back(
          {number(h), rooms.synced_epoch(), rooms.applied_seq(), rooms.book().digest()});
      const RoomServiceStats& st = rooms.stats();
      if (st.gap_applies > 0 || st.apply_errors > 0) {
        violate(3, name(h) + " counted " + std::to_string(st.gap_applies) + " gap applies and " +
                       std::to_string(st.apply_errors) + " apply errors by " + seconds_str(now));
      }
    }
    if (!replicas_.add(now, samples_)) violate(2, replicas_.detail());
  }

  void update_retransmits(HostIndex h) {
    std::uint64_t current = 0;
    for (const auto& [id, link] : server(h).rooms().sequencer().followers()) {
      current += link.retransmitted_events;
    }
    Retransmits& r = retransmits_[h];
    // A smaller sum means the sequencer started over (new epoch, lost follower): bank the
    // old one.
    if (current < r.last) r.banked += r.last;
    r.last = current;
  }
  // A crash loses the sequencer's counters: bank what it had.
  void bank_retransmits(HostIndex h) {
    update_retransmits(h);
    retransmits_[h].banked += retransmits_[h].last;
    retransmits_[h].last = 0;
  }

  void violate(std::size_t index, const std::string& detail) {
    if (index >= result_.invariants.size()) return;
    InvariantResult& inv = result_.invariants[index];
    if (!inv.passed) return;  // Keep the first violation.
    inv.passed = false;
    inv.detail = detail;
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

  void finish_matches(TimeUs now) {
    Figures& f = result_.figures;
    sample_replicas(now);
    f.replica_positions_compared = replicas_.positions_compared();
    for (HostIndex h = 0; h < host_count(); ++h) {
      if (live(h)) update_retransmits(h);
      f.retransmitted_events += retransmits_[h].banked + retransmits_[h].last;
    }
    f.follower_rx_bytes_per_s = follower_us_ > 0 ? static_cast<double>(follower_rx_bytes_) * 1e6 /
                                                       static_cast<double>(follower_us_)
                                                 : 0;
    f.client_failovers = client_failovers_.failovers();
    f.max_client_failover_us = client_failovers_.max_us();
    double rate_sum = 0;
    int rated = 0;
    for (HostIndex h = servers(); h < sim_.host_count(); ++h) {
      const ClientNode* c = client(h);
      const ClientTrack& t = clients_[h - servers()];
      if (t.last_rx_us > t.first_rx_us) {
        const double rate = static_cast<double>(t.rx_bytes) * 1e6 /
                            static_cast<double>(t.last_rx_us - t.first_rx_us);
        rate_sum += rate;
        ++rated;
        f.client_rx_bytes_per_s_max = std::max(f.client_rx_bytes_per_s_max, rate);
      }
      if (c == nullptr) continue;
      if (c->longest_stall_us() > f.longest_stall_us) {
        f.longest_stall_us = c->longest_stall_us();
        f.longest_stall_client = client_number(h);
      }
      f.client_states_accepted += c->states_accepted();
      f.client_rehomes += c->stats().rehomes;
      f.client_rediscoveries += c->stats().rediscoveries;
      if (c->score_went_backwards() && !total_outage_) {
        violate(5, client_name(h) + " reports that a displayed score went backwards");
      }
    }
    f.client_rx_bytes_per_s = rated > 0 ? rate_sum / rated : 0;
    // Matches: a room is finished when both players accepted the same game-over result.
    for (auto& [id, r] : rooms_) {
      MatchSummary m = r.summary;
      m.score[0] = r.shown[0];
      m.score[1] = r.shown[1];
      std::optional<FinalResult> results[2];
      for (int slot = 0; slot < 2; ++slot) {
        if (m.players[slot] == 0) continue;
        const ClientNode* c = client(servers() + static_cast<HostIndex>(m.players[slot] - 1));
        if (c != nullptr && c->result() && c->result()->room == id) results[slot] = c->result();
      }
      if (results[0] && results[1] && results[0]->winner_slot == results[1]->winner_slot &&
          results[0]->score_left == results[1]->score_left &&
          results[0]->score_right == results[1]->score_right && results[0]->winner_slot <= 1) {
        m.finished = true;
        m.winner_slot = results[0]->winner_slot;
        m.score[0] = results[0]->score_left;
        m.score[1] = results[0]->score_right;
        m.finished_at_us = std::max(results[0]->at_us, results[1]->at_us);
        ++f.matches_finished;
      }
      f.matches.push_back(m);
    }
  }

  void check_every_match_finishes(const Expectation& e, ExpectationResult& r) const {
    const Figures& f = result_.figures;
    int two_player = 0;
    std::string unfinished;
    int unfinished_count = 0;
    for (const MatchSummary& m : f.matches) {
      if (m.players[0] == 0 || m.players[1] == 0) continue;
      ++two_player;
      if (m.finished) continue;
      if (++unfinished_count <= 3) {
        if (!unfinished.empty()) unfinished += "; ";
        unfinished += "room " + std::to_string(m.room) + " stopped at " +
                      std::to_string(m.score[0]) + "-" + std::to_string(m.score[1]);
      }
    }
    r.passed = unfinished_count == 0 && f.matches_finished >= e.count;
    r.detail = std::to_string(f.matches_finished) + " of " + std::to_string(two_player) +
               " two-player rooms finished";
    if (unfinished_count > 0) {
      r.detail += " (" + unfinished + (unfinished_count > 3 ? "; ..." : "") + ")";
    }
  }

  void check_client_failover(const Expectation& e, ExpectationResult& r) const {
    const Figures& f = result_.figures;
    r.passed = !f.client_failovers.empty();
    r.detail = f.client_failovers.empty() ? "no leader fault, nothing to measure" : "";
    for (const ClientFailover& fo : f.client_failovers) {
      if (!r.detail.empty()) r.detail += "; ";
      if (!fo.completed) {
        r.passed = false;
        r.detail += std::to_string(fo.clients - fo.rehomed - fo.finished_first) + " of " +
                    std::to_string(fo.clients) + " clients never saw a leader newer than " +
                    epoch_name(fo.old_epoch) + " after the " + fo.what + " at " +
                    seconds_str(fo.fault_at_us);
      } else if (fo.rehomed == 0) {
        r.detail +=
            "no client was waiting after the " + fo.what + " at " + seconds_str(fo.fault_at_us);
      } else {
        r.passed = r.passed && fo.duration_us() <= e.max_us;
        r.detail += std::to_string(fo.duration_us() / kUsPerMs) + " ms (" +
                    std::to_string(fo.rehomed) + " clients)";
      }
    }
  }

  void finish(double wall_seconds) {
    finish_matches(sim_.now());
    Figures& f = result_.figures;
    for (const auto& [kind, count] : sent_by_kind_)
      f.messages_by_type[msg_kind_name(kind)] += count;
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
        case ExpectKind::kEveryMatchFinishes:
          check_every_match_finishes(e, r);
          break;
        case ExpectKind::kMaxClientFailover:
          check_client_failover(e, r);
          break;
        case ExpectKind::kMaxStall:
          r.passed = f.longest_stall_us <= e.max_us && f.clients > 0;
          r.detail = f.clients == 0
                         ? "no clients"
                         : "longest stall " + std::to_string(f.longest_stall_us / kUsPerMs) +
                               " ms (client " + std::to_string(f.longest_stall_client) + ")";
          break;
        case ExpectKind::kSnapshotInstalled: {
          r.passed = false;
          int count = 0;
          TimeUs first = -1;
          for (const auto& [at, node] : snapshot_installs_) {
            if (node != e.node || at < e.from_us) continue;
            ++count;
            if (first < 0) first = at;
          }
          r.passed = count > 0;
          r.detail = count == 0
                         ? "node " + std::to_string(e.node) + " installed none"
                         : std::to_string(count) + " installed, the first at " + seconds_str(first);
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
  void match_note(TimeUs now, std::string text) {
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kMatch;
    t.text = std::move(text);
    add_timeline(std::move(t));
  }
  void client_note(TimeUs now, std::string text) {
    TimelineEntry t;
    t.at_us = now;
    t.what = TimelineEntry::What::kClient;
    t.text = std::move(text);
    add_timeline(std::move(t));
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

  // Clients and matches.
  struct ClientTrack {
    explicit ClientTrack(std::string name) : view(std::move(name)) {}
    ClientViewCheck view;
    std::uint64_t states_seen = 0;
    std::uint32_t room = 0;
    bool finished = false;
    TimeUs started_us = 0;
    std::uint64_t rx_bytes = 0;
    TimeUs first_rx_us = 0;
    TimeUs last_rx_us = 0;
  };
  struct RoomTrack {
    MatchSummary summary;
    std::uint8_t shown[2] = {0, 0};  // Highest score any player was shown.
    bool over_reported = false;
  };
  struct Armed {  // crash-leader-after-point, waiting for the point.
    HostIndex host = 0;
    TimeUs delay_us = 0;
    std::map<std::uint32_t, int> points;  // Room -> points scored when armed.
  };
  struct Retransmits {
    std::uint64_t banked = 0;
    std::uint64_t last = 0;
  };
  bool detailed_ = true;
  std::vector<ClientTrack> clients_;   // By client number - 1.
  bool total_outage_ = false;          // Every server crashed since a score was shown.
  std::vector<TimeUs> last_crash_us_;  // By server; -1 until it first crashes.
  // When a leader last scored each (room, packed score): every copy of the point was made
  // after that, so a crash since then may have taken one.
  std::map<std::pair<std::uint32_t, std::uint16_t>, TimeUs> scored_at_;
  std::map<std::uint32_t, RoomTrack> rooms_;
  ClientFailoverTracker client_failovers_;
  std::set<std::size_t> reported_failovers_;
  TimeUs last_fault_us_ = -1;
  int over_lines_ = 0;
  int seated_count_ = 0;
  std::optional<Armed> armed_;
  ReplicaAgreementCheck replicas_;
  std::vector<ReplicaSample> samples_;    // Scratch.
  std::vector<Retransmits> retransmits_;  // By server.
  std::uint64_t follower_rx_bytes_ = 0;
  TimeUs follower_us_ = 0;  // Summed over live followers, in sample steps.
  std::vector<std::pair<TimeUs, int>> snapshot_installs_;  // (time, server number).
  std::map<HostIndex, TimeUs> last_snapshot_line_;
  std::map<std::uint8_t, std::uint64_t> sent_by_kind_;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  Run run(scenario, options);
  return run.run();
}

}  // namespace dp::sim
