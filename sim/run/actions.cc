#include "sim/run/actions.h"

#include <cstdio>

#include "core/services/pong/service.h"
#include "sim/run/leader_view.h"

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
      crash_leader(now);
      break;
    case ActionKind::kCrashFollower:
      crash_follower(now);
      break;
    case ActionKind::kCrashLeaderAfterPoint:
      arm_crash_after_point(now, a);
      break;
    case ActionKind::kCrash:
      crash(now, a.node);
      break;
    case ActionKind::kRestart:
      restart(now, a.node);
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
      cut_inbound(now, a.node);
      break;
    case ActionKind::kHeal:
      heal(now);
      break;
    case ActionKind::kSetNetwork:
      set_network(now, a.network);
      break;
    case ActionKind::kCrashAll:
      crash_all(now);
      break;
    case ActionKind::kRestartAll:
      restart_all(now);
      break;
    case ActionKind::kWipeDisk:
      wipe_disk(now, a.node);
      break;
  }
  figures_.check_failovers(now);
}

void ScenarioActions::crash_leader(TimeUs now) {
  const LeaderView v = leader_now(run_);
  std::optional<HostIndex> target;
  if (v.ok) {
    target = v.leader;
  } else {
    // Fall back to the live leader of the highest epoch, if any.
    for (HostIndex h = 0; h < run_.servers(); ++h) {
      if (run_.live(h) && run_.server(h).is_leader() &&
          (!target || run_.server(h).epoch() > run_.server(*target).epoch())) {
        target = h;
      }
    }
  }
  if (!target) {
    run_.note(now, "crash-leader: no live leader to crash");
  } else {
    run_.sim.crash(*target);
  }
}

void ScenarioActions::crash_follower(TimeUs now) {
  std::optional<HostIndex> target;
  for (HostIndex h = 0; h < run_.servers() && !target; ++h) {
    if (run_.live(h) && !run_.server(h).is_leader()) target = h;
  }
  if (!target) {
    run_.note(now, "crash-follower: no live follower to crash");
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

void ScenarioActions::crash(TimeUs now, int node) {
  const HostIndex h = RunContext::host_of(node);
  if (!run_.sim.crash(h)) run_.note(now, run_.name(h) + " is already down");
}

void ScenarioActions::restart(TimeUs now, int node) {
  const HostIndex h = RunContext::host_of(node);
  if (!run_.sim.restart(h)) run_.note(now, run_.name(h) + " is already up");
}

void ScenarioActions::crash_all(TimeUs now) {
  int crashed = 0;
  for (HostIndex h = 0; h < run_.servers(); ++h) crashed += run_.sim.crash(h) ? 1 : 0;
  run_.note(now, "crash-all: " + std::to_string(crashed) + " servers crashed at once");
}

void ScenarioActions::restart_all(TimeUs now) {
  int restarted = 0;
  for (HostIndex h = 0; h < run_.servers(); ++h) restarted += run_.sim.restart(h) ? 1 : 0;
  run_.note(now, "restart-all: " + std::to_string(restarted) + " servers restarted");
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

void ScenarioActions::partition(TimeUs now, const ScenarioAction& a) {
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
  // The partition is among the servers: clients keep every link (a client cut off from its
  // leader is what cut/cut-inbound model).
  for (HostIndex c = run_.servers(); c < run_.sim.host_count(); ++c) {
    for (HostIndex j = 0; j < run_.sim.host_count(); ++j) {
      net.connect(c, j);
      net.connect(j, c);
    }
  }
  run_.network_note(now, text);
}

void ScenarioActions::cut(TimeUs now, const ScenarioAction& a) {
  run_.sim.network().cut(RunContext::host_of(a.from), RunContext::host_of(a.to));
  run_.network_note(now, "cut link node " + std::to_string(a.from) + " -> node " +
                             std::to_string(a.to) + " (one-way)");
}

void ScenarioActions::connect(TimeUs now, const ScenarioAction& a) {
  run_.sim.network().connect(RunContext::host_of(a.from), RunContext::host_of(a.to));
  run_.network_note(
      now, "connect link node " + std::to_string(a.from) + " -> node " + std::to_string(a.to));
}

void ScenarioActions::cut_inbound(TimeUs now, int node) {
  const HostIndex target = RunContext::host_of(node);
  // Every link, from servers and clients alike: the host hears nobody.
  for (HostIndex h = 0; h < run_.sim.host_count(); ++h) {
    if (h != target) run_.sim.network().cut(h, target);
  }
  run_.network_note(now,
                    "cut every link into node " + std::to_string(node) + " (it can still send)");
  if (run_.live(target) && run_.server(target).is_leader()) {
    matches_.client_fault(now, target, "cut-inbound");
  }
}

void ScenarioActions::heal(TimeUs now) {
  run_.sim.network().heal();
  run_.network_note(now, "heal: every link up");
  ++heals_;  // A trap's crash still to come is cancelled too.
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
