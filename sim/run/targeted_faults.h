// Faults aimed at the dangerous moments: actions that arm at their time, wait for a moment
// the cluster is most fragile, and strike there, once.
//
//   crash-leader-after-shown      a pong client is first shown a new score in its room (its
//                                 StateShown note): crash the leader delay_us later, so a
//                                 point a player saw must survive the leader;
//   isolate-leader-before-point   a leading game server orders a point (its PointScored note,
//                                 which observers get before the step's datagrams are routed):
//                                 cut all its links both ways in that same step, so the point
//                                 never leaves it, and bring them back for_us later;
//   crash-leader-during-snapshot  a chunk of a snapshot from the leader reaches a game server:
//                                 crash the leader then, so the follower holds a part of a
//                                 transfer (or a whole one it cannot ACK to anybody);
//   crash-only-copy               one follower synced to the leader's epoch has applied more
//                                 than every other: crash it (and restart it restart_after_us
//                                 later, if asked).
// A heal disarms every trap still waiting and cancels what the traps scheduled.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>

#include "sim/run/cluster_figures.h"
#include "sim/run/pong_matches.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class TargetedFaults {
 public:
  TargetedFaults(RunContext& run, ClusterFigures& figures, PongMatches& matches)
      : run_(run), figures_(figures), matches_(matches) {}

  // Arms the trap of `a` (one of the four kinds above); one of a kind is armed at a time.
  void arm(TimeUs now, const ScenarioAction& a);
  // Disarms every trap and cancels what they scheduled.
  void heal(TimeUs now);
  bool armed() const { return after_shown_ || before_point_ || during_snapshot_ || only_copy_; }

  // Forwarded by ScenarioActions, the observer the simulator knows.
  void on_node_event(HostIndex h, const NodeEvent& e);
  void on_deliver(TimeUs now, const Transit& t);
  void after_step(TimeUs now, HostIndex h);

 private:
  using RoomKey = std::pair<std::uint64_t, std::uint32_t>;  // As PongMatches keys rooms.

  void on_shown(HostIndex h, const NodeEvent& e);
  void on_point(HostIndex h, const NodeEvent& e);
  void isolate(TimeUs now, HostIndex leader);
  void check_only_copy(TimeUs now);
  // Runs `fn` at `at` unless a heal comes first.
  template <class Fn>
  void unless_healed(TimeUs at, Fn fn);

  RunContext& run_;
  ClusterFigures& figures_;
  PongMatches& matches_;
  std::map<RoomKey, int> shown_;        // The highest score total shown in each room, all run long.
  std::optional<TimeUs> after_shown_;   // Its delay.
  std::optional<TimeUs> before_point_;  // How long the isolation lasts.
  bool during_snapshot_ = false;
  std::optional<TimeUs> only_copy_;  // Its restart delay (-1: none).
  std::uint64_t heals_ = 0;
  // crash-leader-during-snapshot struck: the follower whose step with the chunk is reported.
  std::optional<HostIndex> snapshot_taker_;
  bool snapshot_installed_ = false;
};

}  // namespace dp::sim
