#include "sim/run/actions.h"

#include <cstdio>

#include "core/services/pong/service.h"
#include "sim/run/leader_view.h"
#include "sim/run/operator_requests.h"

namespace dp::sim {
namespace {

const pong::RoomBook& book_of(const ServerNode& server) {
  return server.replica().services().find<pong::PongService>()->book();
}

}  // namespace

void ScenarioActions::apply(const ScenarioAction& a) {
  const TimeUs now = run_.sim.now();
  switch (a.kind) {
    case ActionKind::kCrashLeader:
      if (a.chat) {
        crash_chat_leader(now);
      } else {
        crash_leader(now);
      }
      break;
    case ActionKind::kCrashFollower:
      crash_follower(now, a.chat);
      break;
    case ActionKind::kCrashLeaderAfterPoint:
      arm_crash_after_point(now, a);
      break;
    case ActionKind::kCrash:
      crash(now, run_.host_of(a.node, a.chat));
      break;
    case ActionKind::kRestart:
      restart(now, run_.host_of(a.node, a.chat));
      break;
    case ActionKind::kPartition:
      partition(now, a);
      break;
    case ActionKind::kCut:
      cut(now, a);
      break;
    case ActionKind::kConnect:
      connect(now, a);
      break;
    case ActionKind::kCutInbound:
      cut_inbound(now, run_.host_of(a.node, a.chat));
      break;
    case ActionKind::kHeal:
      heal(now);
      break;
    case ActionKind::kSetNetwork:
      set_network(now, a.network);
      break;
    case ActionKind::kCrashAll:
      crash_all(now, a.chat);
      break;
    case ActionKind::kRestartAll:
      restart_all(now, a.chat);
      break;
    case ActionKind::kWipeDisk:
      wipe_disk(now, a.node);
      break;
    case ActionKind::kCrashLeaderAfterShown:
    case ActionKind::kIsolateLeaderBeforePoint:
    case ActionKind::kCrashLeaderDuringSnapshot:
    case ActionKind::kCrashOnlyCopy:
      targeted_.arm(now, a);
      break;
    case ActionKind::kFlap:
      flaps_.start(now, a);
      break;
    case ActionKind::kMoveLeader:
      move_leader(now, a.to);
      break;
    case ActionKind::kDrain:
      drain(now, a.node);
      break;
    case ActionKind::kForgeCoordinator:
    case ActionKind::kReplay:
    case ActionKind::kSpoofInput:
    case ActionKind::kSpoofLeave:
    case ActionKind::kFloodDiscovery:
      attack(now, a);
      break;
  }
  figures_.check_failovers(now);
}

void ScenarioActions::crash_leader(TimeUs now) {
  if (const auto target = live_leader(run_)) {
    run_.sim.crash(*target);
  } else {
    run_.note(now, "crash-leader: no live leader to crash");
  }
}

void ScenarioActions::crash_chat_leader(TimeUs now) {
  // The chat cluster's live leader of the highest epoch.
  std::optional<HostIndex> target;
  for (HostIndex h = run_.chat_servers_begin(); h < run_.chat_servers_end(); ++h) {
    if (run_.live(h) && run_.server(h).is_leader() &&
        (!target || run_.server(h).epoch() > run_.server(*target).epoch())) {
      target = h;
    }
  }
  if (!target) {
    run_.note(now, "crash-leader: the chat cluster has no live leader to crash");
  } else {
    run_.sim.crash(*target);
  }
}

void ScenarioActions::move_leader(TimeUs now, int to) {
  const auto leader = live_leader(run_);
  if (!leader) {
    run_.note(now, "move-leader: no live leader to ask");
    return;
  }
  const HostIndex successor = RunContext::host_of(to);
  run_.note(now, "pong-ctl move-leader: " + run_.name(*leader) + " is asked to hand over to " +
                     run_.name(successor));
  send_operator_request(run_, *leader, wire::CtlCommand::kMoveLeader,
                        run_.result.hosts[successor].id);
}

void ScenarioActions::drain(TimeUs now, int node) {
  const HostIndex h = RunContext::host_of(node);
  run_.note(now, "pong-ctl drain: " + run_.name(h) + " is asked to drain");
  send_operator_request(run_, h, wire::CtlCommand::kDrain);
}

void ScenarioActions::crash_follower(TimeUs now, bool chat) {
  std::optional<HostIndex> target;
  const HostIndex begin = chat ? run_.chat_servers_begin() : 0;
  const HostIndex end = chat ? run_.chat_servers_end() : run_.servers();
  for (HostIndex h = begin; h < end && !target; ++h) {
    if (run_.live(h) && !run_.server(h).is_leader()) target = h;
  }
  if (!target) {
    run_.note(now, std::string("crash-follower: no live follower to crash") +
                       (chat ? " in the chat cluster" : ""));
  } else {
    run_.sim.crash(*target);
  }
}

void ScenarioActions::arm_crash_after_point(TimeUs now, const ScenarioAction& a) {
  const LeaderView v = leader_now(run_);
  if (!v.ok) {
    run_.note(now, "crash-leader-after-point: no leader to arm (" + v.detail + ")");
    return;
  }
  Armed armed;
  armed.host = v.leader;
  armed.delay_us = a.delay_us;
  for (const auto& [id, room] : book_of(run_.server(v.leader)).rooms()) {
    armed.points[id] = pong::score_of(room.match).total();
  }
  armed_ = armed;
  run_.note(now, "armed: crash " + run_.name(v.leader) + " " +
                     std::to_string(a.delay_us / kUsPerMs) +
                     " ms after its rooms score the next point");
}

void ScenarioActions::check_armed_point(TimeUs now) {
  for (const auto& [id, room] : book_of(run_.server(armed_->host)).rooms()) {
    const pong::Score score = pong::score_of(room.match);
    auto it = armed_->points.find(id);
    if (score.total() <= (it == armed_->points.end() ? 0 : it->second)) continue;
    const HostIndex target = armed_->host;
    const TimeUs delay = armed_->delay_us;
    armed_.reset();
    run_.note(now, "room " + std::to_string(id) + " scores " + score.str() + " on leader " +
                       run_.name(target) + "; crashing it " + std::to_string(delay / kUsPerMs) +
                       " ms later");
    run_.sim.schedule_call(now + delay, [this, target, heals = heals_] {
      if (heals != heals_) {
        run_.note(run_.sim.now(), "the crash of " + run_.name(target) +
                                      " the trap scheduled is cancelled: the faults were healed");
        return;
      }
      if (run_.live(target)) run_.sim.crash(target);
      figures_.check_failovers(run_.sim.now());
    });
    return;
  }
}

void ScenarioActions::crash(TimeUs now, HostIndex h) {
  if (!run_.sim.crash(h)) run_.note(now, run_.name(h) + " is already down");
}

void ScenarioActions::restart(TimeUs now, HostIndex h) {
  if (!run_.sim.restart(h)) run_.note(now, run_.name(h) + " is already up");
}

void ScenarioActions::crash_all(TimeUs now, bool chat) {
  int crashed = 0;
  const HostIndex begin = chat ? run_.chat_servers_begin() : 0;
  const HostIndex end = chat ? run_.chat_servers_end() : run_.servers();
  for (HostIndex h = begin; h < end; ++h) crashed += run_.sim.crash(h) ? 1 : 0;
  run_.note(now, std::string("crash-all: ") + std::to_string(crashed) +
                     (chat ? " chat servers" : " servers") + " crashed at once");
}

void ScenarioActions::restart_all(TimeUs now, bool chat) {
  int restarted = 0;
  const HostIndex begin = chat ? run_.chat_servers_begin() : 0;
  const HostIndex end = chat ? run_.chat_servers_end() : run_.servers();
  for (HostIndex h = begin; h < end; ++h) restarted += run_.sim.restart(h) ? 1 : 0;
  run_.note(now, std::string("restart-all: ") + std::to_string(restarted) +
                     (chat ? " chat servers" : " servers") + " restarted");
}

void ScenarioActions::wipe_disk(TimeUs now, int node) {
  const HostIndex h = RunContext::host_of(node);
  const NodeId old_id = run_.sim.host(h).spec.id;
  // A replaced machine: a new id (the same high word keeps the node's place in the Bully
  // order), drawn from the run's generator so the run stays deterministic.
  const NodeId new_id{old_id.hi, run_.sim.setup_rng().next_u64()};
  run_.sim.wipe_disk(h, new_id);
  matches_.on_disk_lost(now, h);
  run_.result.hosts[h].id = new_id;
  run_.result.hosts[h].former_ids.push_back(old_id);
  run_.note(now, run_.name(h) + "'s disk is wiped (a replaced machine, new id " +
                     new_id.short_str() + "); it stays down until restarted");
}

void ScenarioActions::attack(TimeUs now, const ScenarioAction& a) {
  if (attacker_ == nullptr) return;  // The run was built without its host.
  const AttackSpec& k = a.attack;
  const auto client_host = [&](int n) { return run_.servers() + static_cast<HostIndex>(n - 1); };
  switch (a.kind) {
    case ActionKind::kForgeCoordinator:
      run_.note(now, attacker_->forge_coordinator(k));
      break;
    case ActionKind::kReplay:
      run_.note(now, attacker_->replay(k));
      break;
    case ActionKind::kSpoofInput:
    case ActionKind::kSpoofLeave:
      run_.note(now, attacker_->spoof(
                         a.kind == ActionKind::kSpoofLeave, k,
                         k.client > 0 ? std::optional(client_host(k.client)) : std::nullopt));
      break;
    case ActionKind::kFloodDiscovery:
      if (k.client > 0) {
        const HostIndex h = client_host(k.client);
        run_.note(now, attacker_->flood_discovery(k, run_.sim.host(h).spec.endpoints.client,
                                                  run_.client_name(h)));
      } else {
        run_.note(now, attacker_->flood_discovery(k, Endpoint{kOutsideVictimIp, kOutsideVictimPort},
                                                  "a machine outside"));
      }
      break;
    default:
      break;
  }
}

void ScenarioActions::partition(TimeUs now, const ScenarioAction& a) {
  if (a.chat) {
    partition_chat(now, a);
    return;
  }
  std::vector<std::vector<HostIndex>> groups;
  std::string text = "partition:";
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    text += g == 0 ? " {" : " | {";
    std::vector<HostIndex> group;
    for (std::size_t k = 0; k < a.groups[g].size(); ++k) {
      group.push_back(RunContext::host_of(a.groups[g][k]));
      text += (k == 0 ? "" : ",") + std::to_string(a.groups[g][k]);
    }
    text += "}";
    groups.push_back(std::move(group));
  }
  Network& net = run_.sim.network();
  net.partition(groups, run_.sim.host_count());
  // The partition is among the game's servers: clients, and the chat cluster (another fault
  // domain), keep every link (a client cut off from its leader is what cut/cut-inbound model).
  for (HostIndex c = run_.servers(); c < run_.sim.host_count(); ++c) {
    for (HostIndex j = 0; j < run_.sim.host_count(); ++j) {
      net.connect(c, j);
      net.connect(j, c);
    }
  }
  run_.network_note(now, text);
}

void ScenarioActions::partition_chat(TimeUs now, const ScenarioAction& a) {
  // Links among the chat servers only: up inside a group, down across; every other link
  // (the game's, the clients') is left as it is.
  std::map<HostIndex, std::size_t> group_of;
  std::string text = "chat partition:";
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    text += g == 0 ? " {" : " | {";
    for (std::size_t k = 0; k < a.groups[g].size(); ++k) {
      group_of[run_.host_of(a.groups[g][k], true)] = g;
      text += (k == 0 ? "" : ",") + std::to_string(a.groups[g][k]);
    }
    text += "}";
  }
  Network& net = run_.sim.network();
  for (HostIndex i = run_.chat_servers_begin(); i < run_.chat_servers_end(); ++i) {
    for (HostIndex j = run_.chat_servers_begin(); j < run_.chat_servers_end(); ++j) {
      if (i == j) continue;
      const auto gi = group_of.find(i);
      const auto gj = group_of.find(j);
      if (gi != group_of.end() && gj != group_of.end() && gi->second == gj->second) {
        net.connect(i, j);
      } else {
        net.cut(i, j);
      }
    }
  }
  run_.network_note(now, text);
}

void ScenarioActions::cut(TimeUs now, const ScenarioAction& a) {
  const HostIndex from = run_.host_of(a.from, a.chat);
  const HostIndex to = run_.host_of(a.to, a.chat);
  run_.sim.network().cut(from, to);
  run_.network_note(now, "cut link " + run_.name(from) + " -> " + run_.name(to) + " (one-way)");
}

void ScenarioActions::connect(TimeUs now, const ScenarioAction& a) {
  const HostIndex from = run_.host_of(a.from, a.chat);
  const HostIndex to = run_.host_of(a.to, a.chat);
  run_.sim.network().connect(from, to);
  run_.network_note(now, "connect link " + run_.name(from) + " -> " + run_.name(to));
}

void ScenarioActions::cut_inbound(TimeUs now, HostIndex target) {
  // Every link, from servers and clients alike: the host hears nobody.
  for (HostIndex h = 0; h < run_.sim.host_count(); ++h) {
    if (h != target) run_.sim.network().cut(h, target);
  }
  run_.network_note(now, "cut every link into " + run_.name(target) + " (it can still send)");
  if (run_.is_game_server(target) && run_.live(target) && run_.server(target).is_leader()) {
    matches_.client_fault(now, target, "cut-inbound");
  }
}

void ScenarioActions::heal(TimeUs now) {
  run_.sim.network().heal();
  run_.network_note(now, "heal: every link up");
  ++heals_;  // A trap's crash still to come is cancelled too.
  targeted_.heal(now);
  if (armed_) {
    // Healing ends the faults: a crash trap still waiting for a point is disarmed.
    armed_.reset();
    run_.note(now, "the armed crash-leader-after-point trap is disarmed");
  }
}

void ScenarioActions::set_network(TimeUs now, const NetworkSpec& spec) {
  LinkParams p = run_.sim.network().default_link();
  const LinkParams& n = spec.link;
  const std::uint32_t has = spec.present;
  if (has & kNetLatencyMin) p.latency_min_us = n.latency_min_us;
  if (has & kNetLatencyMax) p.latency_max_us = n.latency_max_us;
  if (has & kNetJitter) p.jitter_us = n.jitter_us;
  if (has & kNetLoss) p.loss_ppm = n.loss_ppm;
  if (has & kNetDuplicate) p.duplicate_ppm = n.duplicate_ppm;
  if (has & kNetReorder) p.reorder_ppm = n.reorder_ppm;
  if (has & kNetReorderDelay) p.reorder_delay_us = n.reorder_delay_us;
  p.latency_max_us = std::max(p.latency_max_us, p.latency_min_us);
  run_.sim.network().set_all_links(p);
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "network: latency %lld-%lld us, jitter %lld us, loss %.2f%%, "
                "duplicate %.2f%%, reorder %.2f%%",
                static_cast<long long>(p.latency_min_us), static_cast<long long>(p.latency_max_us),
                static_cast<long long>(p.jitter_us), p.loss_ppm / 1e4, p.duplicate_ppm / 1e4,
                p.reorder_ppm / 1e4);
  run_.network_note(now, buf);
}

}  // namespace dp::sim
