#include "sim/run/targeted_faults.h"

#include <string>
#include <vector>

#include "core/services/pong/notes.h"
#include "core/wire/message_types.h"
#include "sim/run/leader_view.h"

namespace dp::sim {

template <class Fn>
void TargetedFaults::unless_healed(TimeUs at, Fn fn) {
  run_.sim.schedule_call(at, [this, heals = heals_, fn = std::move(fn)] {
    if (heals == heals_) fn();
  });
}

void TargetedFaults::arm(TimeUs now, const ScenarioAction& a) {
  const std::string name = action_name(a.kind);
  switch (a.kind) {
    case ActionKind::kCrashLeaderAfterShown:
      after_shown_ = a.delay_us;
      run_.note(now, "armed: " + name + ": crash the leader " +
                         std::to_string(a.delay_us / kUsPerMs) +
                         " ms after a client is first shown a new score");
      break;
    case ActionKind::kIsolateLeaderBeforePoint:
      before_point_ = a.for_us;
      run_.note(now, "armed: " + name + ": cut the leader off for " +
                         std::to_string(a.for_us / kUsPerMs) + " ms as it orders its next point");
      break;
    case ActionKind::kCrashLeaderDuringSnapshot:
      during_snapshot_ = true;
      run_.note(now, "armed: " + name + ": crash the leader as a follower takes in a snapshot");
      break;
    case ActionKind::kCrashOnlyCopy:
      only_copy_ = a.restart_after_us;
      run_.note(now, "armed: " + name + ": crash the follower that alone holds the newest entries");
      break;
    default:
      break;
  }
}

void TargetedFaults::heal(TimeUs now) {
  ++heals_;  // Whatever a trap scheduled is off.
  if (!armed()) return;
  after_shown_.reset();
  before_point_.reset();
  during_snapshot_ = false;
  only_copy_.reset();
  run_.note(now, "the armed targeted faults are disarmed");
}

void TargetedFaults::on_node_event(HostIndex h, const NodeEvent& e) {
  if (e.kind == NodeEventKind::kSnapshotInstalled && snapshot_taker_ == h) {
    snapshot_installed_ = true;
  }
  if (e.kind != NodeEventKind::kServiceNote) return;
  if (run_.is_client(h)) {
    on_shown(h, e);
  } else if (before_point_ && run_.is_game_server(h) && e.note.as<pong::PointScored>()) {
    if (run_.server(h).is_leader()) isolate(e.at, h);
  }
}

void TargetedFaults::on_shown(HostIndex h, const NodeEvent& e) {
  const auto shown = e.note.as<pong::StateShown>();
  if (!shown) return;
  const ClientNode* c = run_.client(h);
  int& best = shown_[{c != nullptr ? c->stats().clusters_changed : 0, shown->room}];
  if (shown->score.total() <= best) return;
  best = shown->score.total();
  if (!after_shown_) return;
  const TimeUs delay = *after_shown_;
  after_shown_.reset();
  run_.note(e.at, "crash-leader-after-shown: " + run_.client_name(h) + " is shown " +
                      shown->score.str() + " in room " + std::to_string(shown->room) +
                      ", a new score; crashing the leader " + std::to_string(delay / kUsPerMs) +
                      " ms later");
  unless_healed(e.at + delay, [this] {
    const TimeUs now = run_.sim.now();
    if (const auto leader = live_leader(run_)) {
      run_.sim.crash(*leader);
      figures_.check_failovers(now);
    } else {
      run_.note(now, "crash-leader-after-shown: no live leader to crash");
    }
  });
}

void TargetedFaults::isolate(TimeUs now, HostIndex leader) {
  const TimeUs for_us = *before_point_;
  before_point_.reset();
  // In the step that ordered the point, before its datagrams are routed: nothing it sends
  // from now on leaves. Only the links that are up now come back later.
  std::vector<Network::Link> cut = run_.sim.network().cut_up_links(
      Network::links_of(leader, static_cast<HostIndex>(run_.sim.host_count())));
  run_.network_note(now, "isolate-leader-before-point: " + run_.name(leader) +
                             " orders a point; every link of it is cut both ways for " +
                             std::to_string(for_us / kUsPerMs) + " ms");
  matches_.client_fault(now, leader, "isolate-leader-before-point");
  unless_healed(now + for_us, [this, leader, cut = std::move(cut)] {
    run_.sim.network().connect(cut);
    run_.network_note(run_.sim.now(),
                      "isolate-leader-before-point: " + run_.name(leader) + "'s links are back");
  });
}

void TargetedFaults::on_deliver(TimeUs now, const Transit& t) {
  if (!during_snapshot_ || t.kind != static_cast<std::uint8_t>(wire::MsgType::kSnapshot)) {
    return;
  }
  const HostIndex leader = t.from_host;
  if (!run_.is_game_server(leader) || !run_.is_game_server(t.to_host) || !run_.live(leader) ||
      !run_.server(leader).is_leader() || run_.server(t.to_host).is_leader()) {
    return;
  }
  during_snapshot_ = false;
  // Crashed here, before the follower takes the chunk in: the chunks still in flight are
  // lost with the leader (the simulator drops them), so the follower gets this one only.
  run_.note(now, "crash-leader-during-snapshot: " + run_.name(t.to_host) +
                     " takes in a snapshot chunk from " + run_.name(leader) + "; crashing " +
                     run_.name(leader) + " now");
  run_.sim.crash(leader);
  figures_.check_failovers(now);
  snapshot_taker_ = t.to_host;
  snapshot_installed_ = false;
}

void TargetedFaults::after_step(TimeUs now, HostIndex h) {
  if (snapshot_taker_ == h) {
    run_.note(now, "crash-leader-during-snapshot: " + run_.name(h) +
                       (snapshot_installed_ ? " installed the snapshot (it was whole) with nobody "
                                              "to ACK it to"
                                            : " holds a part of the snapshot only"));
    snapshot_taker_.reset();
  }
  if (only_copy_ && run_.is_game_server(h)) check_only_copy(now);
}

void TargetedFaults::check_only_copy(TimeUs now) {
  const auto leader = live_leader(run_);
  if (!leader) return;
  const Epoch& epoch = run_.server(*leader).epoch();
  std::optional<HostIndex> first;
  std::uint64_t most = 0;
  std::uint64_t next = 0;  // The most any other follower applied.
  for (HostIndex f = 0; f < run_.servers(); ++f) {
    if (f == *leader || !run_.live(f)) continue;
    const LogReplica& r = run_.server(f).replica();
    const std::uint64_t applied = r.synced_epoch() == epoch && !r.leading() ? r.applied_seq() : 0;
    if (applied > most) {
      next = most;
      most = applied;
      first = f;
    } else {
      next = std::max(next, applied);
    }
  }
  if (!first || most <= next) return;
  const HostIndex target = *first;
  const TimeUs restart_after = *only_copy_;
  only_copy_.reset();
  run_.note(now, "crash-only-copy: " + run_.name(target) + " has applied epoch " +
                     run_.epoch_name(epoch) + " through seq " + std::to_string(most) +
                     ", every other follower at most " + std::to_string(next) + "; crashing it");
  unless_healed(now, [this, target] {
    if (run_.live(target)) run_.sim.crash(target);
  });
  if (restart_after < 0) return;
  unless_healed(now + restart_after, [this, target] {
    if (!run_.sim.restart(target)) {
      run_.note(run_.sim.now(), "crash-only-copy: " + run_.name(target) + " is already up");
    }
  });
}

}  // namespace dp::sim
