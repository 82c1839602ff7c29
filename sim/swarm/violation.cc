#include "sim/swarm/violation.h"

namespace dp::sim {

const char* expect_kind_name(ExpectKind kind) {
  switch (kind) {
    case ExpectKind::kOneLeader:
      return "one-leader";
    case ExpectKind::kLeaderIs:
      return "leader-is";
    case ExpectKind::kNoLeaderChange:
      return "no-leader-change";
    case ExpectKind::kMaxElections:
      return "max-elections";
    case ExpectKind::kMaxFailover:
      return "max-failover";
    case ExpectKind::kEpochsMonotonic:
      return "epochs-monotonic";
    case ExpectKind::kEveryMatchFinishes:
      return "every-match-finishes";
    case ExpectKind::kMaxClientFailover:
      return "max-client-failover";
    case ExpectKind::kMaxStall:
      return "max-stall";
    case ExpectKind::kSnapshotInstalled:
      return "snapshot-installed";
    case ExpectKind::kResultsOnDisk:
      return "results-on-disk";
    case ExpectKind::kEveryRaceFinishes:
      return "every-race-finishes";
    case ExpectKind::kSpectatorsWatch:
      return "spectators-watch";
    case ExpectKind::kChatDelivered:
      return "chat-delivered";
    case ExpectKind::kChatMaxLatency:
      return "chat-max-latency";
    case ExpectKind::kChatRateLimited:
      return "chat-rate-limited";
    case ExpectKind::kMaxLeaderChanges:
      return "max-leader-changes";
    case ExpectKind::kAuthRefusedMin:
      return "auth-refused-min";
    case ExpectKind::kMaxAmplification:
      return "max-amplification";
    case ExpectKind::kMessageCount:
      return "message-count";
    case ExpectKind::kMatchResult:
      return "match-result";
    case ExpectKind::kServingLeaderIs:
      return "serving-leader-is";
  }
  return "?";
}

std::vector<Violation> violations_of(const Scenario& scenario, const RunResult& result) {
  std::vector<Violation> out;
  // A failed assertion stopped the run: nothing after it was checked, and it matters most.
  if (result.run_error.rfind(kAssertionFailed, 0) == 0) {
    out.push_back({"assertion", result.run_error});
    return out;
  }
  for (const InvariantResult& inv : result.invariants) {
    if (!inv.passed) out.push_back({"invariant: " + inv.name, inv.detail});
  }
  for (std::size_t i = 0; i < result.expectations.size(); ++i) {
    const ExpectationResult& e = result.expectations[i];
    if (e.passed) continue;
    const std::string kind =
        i < scenario.expectations.size() ? expect_kind_name(scenario.expectations[i].kind) : "?";
    out.push_back({"liveness: " + kind, e.description + ": " + e.detail});
  }
  if (!result.run_error.empty()) out.push_back({"simulation bound", result.run_error});
  return out;
}

bool has_violation(const Scenario& scenario, const RunResult& result, const std::string& name) {
  for (const Violation& v : violations_of(scenario, result)) {
    if (v.name == name) return true;
  }
  return false;
}

}  // namespace dp::sim
