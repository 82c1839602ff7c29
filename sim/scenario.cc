#include "sim/scenario.h"

#include "core/wire/message_types.h"

#include <algorithm>
#include <cstdio>

namespace dp::sim {

const char* action_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::kCrashLeader:
      return "crash-leader";
    case ActionKind::kCrashFollower:
      return "crash-follower";
    case ActionKind::kCrashLeaderAfterPoint:
      return "crash-leader-after-point";
    case ActionKind::kCrash:
      return "crash";
    case ActionKind::kRestart:
      return "restart";
    case ActionKind::kPartition:
      return "partition";
    case ActionKind::kCut:
      return "cut";
    case ActionKind::kConnect:
      return "connect";
    case ActionKind::kCutInbound:
      return "cut-inbound";
    case ActionKind::kHeal:
      return "heal";
    case ActionKind::kSetNetwork:
      return "set-network";
    case ActionKind::kCrashAll:
      return "crash-all";
    case ActionKind::kRestartAll:
      return "restart-all";
    case ActionKind::kWipeDisk:
      return "wipe-disk";
    case ActionKind::kCrashLeaderAfterShown:
      return "crash-leader-after-shown";
    case ActionKind::kIsolateLeaderBeforePoint:
      return "isolate-leader-before-point";
    case ActionKind::kCrashLeaderDuringSnapshot:
      return "crash-leader-during-snapshot";
    case ActionKind::kFlap:
      return "flap";
    case ActionKind::kMoveLeader:
      return "move-leader";
    case ActionKind::kDrain:
      return "drain";
    case ActionKind::kCrashOnlyCopy:
      return "crash-only-copy";
    case ActionKind::kForgeCoordinator:
      return "forge-coordinator";
    case ActionKind::kReplay:
      return "replay";
    case ActionKind::kSpoofInput:
      return "spoof-input";
    case ActionKind::kSpoofLeave:
      return "spoof-leave";
    case ActionKind::kFloodDiscovery:
      return "flood-discovery";
  }
  return "?";
}

const char* forge_signing_name(ForgeSigning signing) {
  switch (signing) {
    case ForgeSigning::kNone:
      return "none";
    case ForgeSigning::kWrongKey:
      return "wrong-key";
    case ForgeSigning::kOtherMode:
      return "classic-mode";
    case ForgeSigning::kKeyless:
      return "keyless";
  }
  return "?";
}

namespace {
std::string seconds(TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e6);
  return buf;
}
}  // namespace

void sort_actions_by_time(std::vector<ScenarioAction>& actions) {
  std::stable_sort(
      actions.begin(), actions.end(),
      [](const ScenarioAction& a, const ScenarioAction& b) { return a.at_us < b.at_us; });
}

std::string Expectation::describe() const {
  switch (kind) {
    case ExpectKind::kOneLeader:
      return "exactly one leader at " + seconds(at_us);
    case ExpectKind::kLeaderIs:
      return "leader is node " + std::to_string(node) + " at " + seconds(at_us);
    case ExpectKind::kNoLeaderChange:
      return "no leader change from " + seconds(from_us) + " to " + seconds(to_us);
    case ExpectKind::kMaxElections:
      return "at most " + std::to_string(count) + " elections started";
    case ExpectKind::kMaxFailover:
      return "every failover completes within " + std::to_string(max_us / kUsPerMs) + " ms";
    case ExpectKind::kEpochsMonotonic:
      return "epochs never go backwards on any node";
    case ExpectKind::kEveryMatchFinishes:
      return "every match finishes with exactly one winner (at least " + std::to_string(count) +
             " match" + (count == 1 ? "" : "es") + ")";
    case ExpectKind::kEveryRaceFinishes:
      return "every race finishes with one result seen by all its racers (at least " +
             std::to_string(count) + " race" + (count == 1 ? "" : "s") + ")";
    case ExpectKind::kSpectatorsWatch:
      return "every spectator watches to the end, never waiting over " +
             std::to_string(max_us / kUsPerMs) + " ms for a state";
    case ExpectKind::kMaxClientFailover:
      return "every client sees the new leader within " + std::to_string(max_us / kUsPerMs) +
             " ms of a leader fault";
    case ExpectKind::kMaxStall:
      return (client == 0 ? std::string("no client")
                          : "client " + std::to_string(client) + " never") +
             " stalls longer than " + std::to_string(max_us / kUsPerMs) + " ms";
    case ExpectKind::kMessageCount: {
      std::string bounds;
      if (count > 0) bounds = "at least " + std::to_string(count);
      if (max_count >= 0) {
        bounds += (bounds.empty() ? "at most " : " and at most ") + std::to_string(max_count);
      }
      return bounds + " " + wire::msg_type_label(msg_type) + " datagrams sent from " +
             seconds(from_us) + " to " + seconds(to_us);
    }
    case ExpectKind::kServingLeaderIs:
      return "node " + std::to_string(node) + " serves the players at " + seconds(at_us);
    case ExpectKind::kMatchResult:
      return "client " + std::to_string(client) + "'s match ends " + std::to_string(score_left) +
             "-" + std::to_string(score_right) +
             (winner > 0 ? ", won by client " + std::to_string(winner) : std::string());
    case ExpectKind::kSnapshotInstalled:
      return "node " + std::to_string(node) + " installs a snapshot after " + seconds(from_us);
    case ExpectKind::kResultsOnDisk:
      return (node == 0 ? std::string("every live server's disk")
                        : "node " + std::to_string(node) + "'s disk") +
             " holds at least " + std::to_string(count) + " match result" +
             (count == 1 ? "" : "s") +
             (at_us > 0 ? " at " + seconds(at_us) : std::string(" at the end"));
    case ExpectKind::kChatDelivered:
      return "every chat message" +
             (to_us > 0 ? " queued before " + seconds(to_us) : std::string()) +
             " is acknowledged and shown to every chat client following the channel";
    case ExpectKind::kChatMaxLatency:
      return "every chat message is acknowledged within " + std::to_string(max_us / kUsPerMs) +
             " ms of being queued";
    case ExpectKind::kChatRateLimited:
      return "every chat flooder is held to its rate limit";
    case ExpectKind::kMaxLeaderChanges:
      return "at most " + std::to_string(count) + " leader change" + (count == 1 ? "" : "s") +
             " from " + seconds(from_us) + " to " + seconds(to_us);
    case ExpectKind::kAuthRefusedMin:
      return "the servers refuse at least " + std::to_string(count) +
             " datagrams by authentication";
    case ExpectKind::kMaxAmplification: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", ratio);
      return std::string("discovery floods are amplified at most ") + buf +
             "x (bytes to the victim / bytes sent)";
    }
  }
  return "?";
}

}  // namespace dp::sim
