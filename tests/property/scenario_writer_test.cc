// The scenario writer and the determinism check: a scenario written as TOML and parsed back
// runs to the same trace digest (for every committed scenario and for swarm-generated ones),
// and two runs of one scenario agree record for record.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "sim/runner.h"
#include "sim/swarm/determinism.h"
#include "sim/swarm/scenario_writer.h"
#include "sim/swarm/swarm_scenario.h"

namespace dp::sim {
namespace {

void expect_round_trip(const Scenario& original, const std::string& what) {
  auto text = write_scenario_toml(original);
  ASSERT_TRUE(text.ok()) << what << ": " << text.error();
  auto parsed = parse_scenario_text(text.value(), what + " (written)");
  ASSERT_TRUE(parsed.ok()) << what << ": " << parsed.error().str() << "\n" << text.value();
  // Writing the parsed scenario gives the same text: nothing was lost or invented.
  auto again = write_scenario_toml(parsed.value());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.value(), text.value()) << what;
  EXPECT_EQ(run_scenario(parsed.value()).digest, run_scenario(original).digest) << what;
}

// Every file under scenarios/ (teaching/ and regressions/ included).
TEST(ScenarioWriter, CommittedScenariosRoundTripToTheSameDigest) {
  int count = 0;
  std::set<std::filesystem::path> files;  // Sorted, so the test order is stable.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(DP_SCENARIO_DIR)) {
    if (entry.path().extension() == ".toml") files.insert(entry.path());
  }
  for (const auto& path : files) {
    auto loaded = load_scenario_file(path.string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().str();
    expect_round_trip(loaded.value(), path.filename().string());
    ++count;
  }
  EXPECT_GT(count, 0);
}

TEST(ScenarioWriter, SwarmScenariosRoundTripToTheSameDigest) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    expect_round_trip(generate_swarm_scenario(seed), "swarm seed " + std::to_string(seed));
  }
}

TEST(ScenarioWriter, TargetedFaultsRoundTrip) {
  Scenario s = generate_swarm_scenario(5);
  const auto armed = [](ActionKind kind, TimeUs at_ms) {
    ScenarioAction a;
    a.kind = kind;
    a.at_us = at_ms * kUsPerMs;
    return a;
  };
  ScenarioAction shown = armed(ActionKind::kCrashLeaderAfterShown, 1000);
  shown.delay_us = 4321 * kUsPerMs;
  ScenarioAction isolate = armed(ActionKind::kIsolateLeaderBeforePoint, 1500);
  isolate.for_us = 250 * kUsPerMs;
  ScenarioAction copy = armed(ActionKind::kCrashOnlyCopy, 2500);
  copy.restart_after_us = 0;
  for (const ScenarioAction& a :
       {shown, isolate, armed(ActionKind::kCrashLeaderDuringSnapshot, 2000), copy,
        armed(ActionKind::kCrashOnlyCopy, 3000)}) {
    s.actions.push_back(a);
  }
  std::stable_sort(
      s.actions.begin(), s.actions.end(),
      [](const ScenarioAction& a, const ScenarioAction& b) { return a.at_us < b.at_us; });
  const auto text = write_scenario_toml(s);
  ASSERT_TRUE(text.ok()) << text.error();
  for (const char* line : {"delay_ms = 4321\n", "for_ms = 250\n",
                           "\"crash-leader-during-snapshot\"", "restart_after_ms = 0\n"}) {
    EXPECT_NE(text.value().find(line), std::string::npos) << line;
  }
  auto parsed = parse_scenario_text(text.value(), "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  std::vector<ScenarioAction> targeted;
  for (const ScenarioAction& a : parsed->actions) {
    if (a.kind >= ActionKind::kCrashLeaderAfterShown && a.kind <= ActionKind::kCrashOnlyCopy) {
      targeted.push_back(a);
    }
  }
  ASSERT_EQ(targeted.size(), 5u);
  EXPECT_EQ(targeted[0].delay_us, shown.delay_us);
  EXPECT_EQ(targeted[1].for_us, isolate.for_us);
  EXPECT_EQ(targeted[2].kind, ActionKind::kCrashLeaderDuringSnapshot);
  EXPECT_EQ(targeted[3].restart_after_us, 0);
  EXPECT_LT(targeted[4].restart_after_us, 0) << "no restart written, none read";
  expect_round_trip(s, "swarm seed 5 with targeted faults");
}

TEST(ScenarioWriter, ASmallRingRoundTrips) {
  Scenario s = generate_swarm_scenario(6);
  s.ring_capacity = 32;
  const auto text = write_scenario_toml(s);
  ASSERT_TRUE(text.ok()) << text.error();
  EXPECT_NE(text.value().find("ring_capacity = 32\n"), std::string::npos);
  auto parsed = parse_scenario_text(text.value(), "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  EXPECT_EQ(parsed->ring_capacity, 32u);
  expect_round_trip(s, "swarm seed 6 with a 32-entry ring");
}

TEST(ScenarioWriter, TheDefaultRingIsNotWritten) {
  Scenario s = generate_swarm_scenario(1);
  s.ring_capacity = kMaxRingCapacity;
  const auto text = write_scenario_toml(s);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value().find("ring_capacity"), std::string::npos);
}

TEST(ScenarioWriter, QuotesAwkwardTitles) {
  Scenario s = generate_swarm_scenario(3);
  s.title = "quote \" backslash \\ tab \t newline \n unicode \xc3\xa9";
  auto text = write_scenario_toml(s);
  ASSERT_TRUE(text.ok());
  auto parsed = parse_scenario_text(text.value(), "t.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  EXPECT_EQ(parsed->title, s.title);
}

TEST(ScenarioWriter, RefusesTimesThatAreNotWholeMilliseconds) {
  Scenario s = generate_swarm_scenario(4);
  s.duration_us += 1;
  auto text = write_scenario_toml(s);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().find("duration"), std::string::npos) << text.error();
}

TEST(Determinism, TwoRunsOfOneScenarioAgree) {
  const DeterminismResult r = first_divergence(generate_swarm_scenario(21));
  EXPECT_TRUE(r.deterministic) << r.where << ": " << r.first << " vs " << r.second;
  EXPECT_GT(r.records_compared, 100u);
  EXPECT_EQ(r.digest_first, r.digest_second);
}

TEST(Determinism, KeepsTheScenariosOwnVerdict) {
  // --check-determinism exits with the scenario's verdict too: a deterministic run that
  // fails its expectations must not pass.
  Scenario s = generate_swarm_scenario(21);
  DeterminismResult r = first_divergence(s);
  EXPECT_TRUE(r.scenario_passed) << r.verdict;
  EXPECT_EQ(r.verdict.rfind("PASS", 0), 0u) << r.verdict;
  Expectation never;
  never.kind = ExpectKind::kMaxElections;
  never.count = 0;  // Every run elects at least once.
  s.expectations.push_back(never);
  r = first_divergence(s);
  EXPECT_TRUE(r.deterministic);
  EXPECT_FALSE(r.scenario_passed);
  EXPECT_EQ(r.verdict.rfind("FAIL", 0), 0u) << r.verdict;
}

TEST(Determinism, NamesTheFirstDifferingRecord) {
  // Two different seeds stand in for a nondeterministic run: the report must point at a
  // record and describe both sides.
  RunOptions traced;
  traced.record_trace = true;
  const Scenario s = generate_swarm_scenario(8);
  const RunResult a = run_scenario(s, traced);
  traced.seed = s.seed + 1;
  const RunResult b = run_scenario(s, traced);
  const DeterminismResult r = first_divergence(a, b);
  ASSERT_FALSE(r.deterministic);
  EXPECT_NE(r.where.find("trace record"), std::string::npos) << r.where;
  EXPECT_NE(r.first, r.second);
  EXPECT_FALSE(r.first.empty());
}

}  // namespace
}  // namespace dp::sim
