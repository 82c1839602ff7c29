// Properties over generated fault schedules: whatever crashes, partitions (symmetric, one-way,
// non-transitive), loss, duplication, reordering and latency a schedule throws at a cluster of
// 2-7 servers (and bot clients), every invariant of the runner holds, and once everything
// heals the cluster settles on one leader and every match finishes. RapidCheck shrinks a
// failing schedule to a small one; the failure message carries it as a scenario file.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <sstream>

#include "sim/runner.h"
#include "sim/swarm/scenario_writer.h"
#include "sim/swarm/violation.h"
#include "tests/property/fault_schedule.h"

namespace dp::sim::property {
namespace {

// Runs a property for `max_success` cases with a fixed seed, so ctest runs are repeatable;
// RC_PARAMS="seed=N" (or any RC_PARAMS) hands the seed back to RapidCheck.
template <class Testable>
rc::detail::TestResult check_cases(int max_success, Testable&& testable) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.maxSuccess = max_success;
  if (std::getenv("RC_PARAMS") == nullptr) params.seed = 0x5eed'0005;
  rc::detail::TestMetadata metadata;
  metadata.id = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  return rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
}

std::string describe(const rc::detail::TestResult& result) {
  std::ostringstream out;
  rc::detail::printResultMessage(result, out);
  return out.str();
}

// The violations of one run, one per line ("" when it passed).
std::string violations_text(const Scenario& s, const RunResult& r) {
  std::string text;
  for (const Violation& v : violations_of(s, r)) text += v.name + ": " + v.detail + "\n";
  return text;
}

void log_reproduction(const Scenario& s) {
  auto toml = write_scenario_toml(s);
  RC_LOG() << "reproduce with pong-sim run FILE, FILE =\n"
           << (toml.ok() ? toml.value() : "(unwritable: " + toml.error() + ")") << "\n";
}

TEST(ClusterProperty, EveryInvariantHoldsUnderGeneratedFaults) {
  const auto result = check_cases(300, [] {
    const int servers = *rc::gen::inRange(2, 8);
    const auto steps = *gen_schedule();
    const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1000);
    const int timing = *rc::gen::inRange(0, 3);
    const int network = *rc::gen::inRange(0, 4);
    const bool classic = *rc::gen::inRange(0, 4) == 0;
    const Scenario s = to_scenario(steps, {.servers = servers,
                                           .timing = timing,
                                           .network = network,
                                           .classic = classic,
                                           .seed = seed});
    const RunResult r = run_scenario(s);
    const std::string failed = violations_text(s, r);
    if (!failed.empty()) log_reproduction(s);
    RC_ASSERT(failed == "");
  });
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << describe(result);
}

TEST(ClusterProperty, MatchesSurviveGeneratedFaults) {
  const auto result = check_cases(40, [] {
    const int servers = *rc::gen::inRange(2, 6);
    const int clients = 2 * *rc::gen::inRange(1, 3);
    const auto steps = *gen_schedule();
    const int timing = *rc::gen::inRange(0, 3);
    const int network = *rc::gen::inRange(0, 4);
    const Scenario s = to_scenario(
        steps,
        {.servers = servers, .timing = timing, .network = network, .clients = clients, .seed = 11});
    const RunResult r = run_scenario(s);
    const std::string failed = violations_text(s, r);
    if (!failed.empty()) log_reproduction(s);
    RC_ASSERT(failed == "");
  });
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << describe(result);
}

// Shrinking works: a deliberately wrong property ("the leader never changes after 2 s") fails
// on many schedules, and RapidCheck must reduce the first counterexample to a few faults (a
// local minimum: every remaining fault is needed for the failure).
TEST(ClusterProperty, ShrinkingReducesAFailureToAFewFaults) {
  static std::vector<FaultStep> last_failing;
  static std::size_t first_failing_size = 0;
  last_failing.clear();
  first_failing_size = 0;
  const auto result = check_cases(60, [] {
    const auto steps = *gen_schedule();
    Scenario s = to_scenario(steps, {.servers = 3, .seed = 3});
    // Only the deliberately wrong expectation: no leader change from 2 s to the heal.
    s.expectations.clear();
    Expectation wrong;
    wrong.kind = ExpectKind::kNoLeaderChange;
    wrong.from_us = 2 * kUsPerSecond;
    wrong.to_us = TimeUs{kSafetyMsMax} * kUsPerMs + kUsPerSecond;
    s.expectations.push_back(wrong);
    const RunResult r = run_scenario(s);
    const bool changed = !r.expectations[0].passed;
    if (changed) {
      if (first_failing_size == 0) first_failing_size = steps.size();
      last_failing = steps;  // The last failure is the shrunk one.
    }
    RC_ASSERT(!changed);
  });
  ASSERT_TRUE(result.template is<rc::detail::FailureResult>())
      << "the wrong property was never falsified";
  EXPECT_GE(last_failing.size(), 1u);
  EXPECT_LE(last_failing.size(), 3u) << describe(result);
  EXPECT_TRUE(last_failing.size() < first_failing_size || first_failing_size <= 3)
      << "first failure had " << first_failing_size << " faults; shrunk to " << last_failing.size();
  // Each remaining fault is needed: dropping any one makes the wrong property hold.
  for (std::size_t i = 0; i < last_failing.size(); ++i) {
    std::vector<FaultStep> fewer = last_failing;
    fewer.erase(fewer.begin() + static_cast<long>(i));
    Scenario s = to_scenario(fewer, {.servers = 3, .seed = 3});
    s.expectations.clear();
    Expectation wrong;
    wrong.kind = ExpectKind::kNoLeaderChange;
    wrong.from_us = 2 * kUsPerSecond;
    wrong.to_us = TimeUs{kSafetyMsMax} * kUsPerMs + kUsPerSecond;
    s.expectations.push_back(wrong);
    EXPECT_TRUE(run_scenario(s).expectations[0].passed) << "fault " << i << " was not needed";
  }
}

// A follower that applies across a gap instead of NACKing (ReplicaConfig::
// inject_bug_skip_nack) must be caught by the invariants and shrunk to a few faults.
TEST(ClusterProperty, InjectedSkipNackBugIsCaughtAndShrunk) {
  static std::vector<FaultStep> last_failing;
  last_failing.clear();
  const auto result = check_cases(40, [] {
    const auto steps = *gen_schedule();
    Scenario s = to_scenario(steps, {.servers = 3, .clients = 2, .seed = 5});
    s.inject_bug_skip_nack = true;
    // The bug needs a lost batch to show; a lossy base network gives the generated faults
    // that chance in every case.
    s.network.loss_ppm = std::max<std::uint32_t>(s.network.loss_ppm, 20000);
    const RunResult r = run_scenario(s);
    const bool caught =
        has_violation(s, r,
                      "invariant: no replica applies with a gap or fails to apply an entry") ||
        has_violation(s, r,
                      "invariant: replicas that applied the same prefix have identical state");
    if (caught) last_failing = steps;
    RC_ASSERT(!caught);
  });
  ASSERT_TRUE(result.template is<rc::detail::FailureResult>()) << "the injected bug went unseen";
  EXPECT_LE(last_failing.size(), 3u) << describe(result);
}

}  // namespace
}  // namespace dp::sim::property
