// Whole matches in the emulator: bots really play, the run is reproducible with client
// traffic included, and the match figures reach the JSON summary.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/report.h"
#include "sim/runner.h"
#include "tests/sim/repo_scenario.h"

namespace dp::sim {
namespace {

Scenario load(const std::string& name) { return testing::load_repo_scenario(name); }

TEST(MatchRunner, SameMatchScenarioAndSeedGiveTheSameDigest) {
  const Scenario s = load("match-leader-crash.toml");
  const RunResult a = run_scenario(s);
  const RunResult b = run_scenario(s);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.figures.client_states_accepted, b.figures.client_states_accepted);
  ASSERT_EQ(a.figures.matches.size(), b.figures.matches.size());
  for (std::size_t i = 0; i < a.figures.matches.size(); ++i) {
    EXPECT_EQ(a.figures.matches[i].score, b.figures.matches[i].score);
  }
  RunOptions other;
  other.seed = 43;
  EXPECT_NE(run_scenario(s, other).digest, a.digest);
}

TEST(MatchRunner, LeaderCrashMatchIsPlayedAndMeasured) {
  const RunResult r = run_scenario(load("match-leader-crash.toml"));
  const Figures& f = r.figures;
  EXPECT_EQ(f.clients, 2);
  ASSERT_EQ(f.matches.size(), 1u);
  EXPECT_TRUE(f.matches[0].finished);
  EXPECT_EQ(f.matches_finished, 1);
  EXPECT_EQ(std::max(f.matches[0].score.left, f.matches[0].score.right), 5);
  ASSERT_EQ(f.client_failovers.size(), 1u);
  EXPECT_TRUE(f.client_failovers[0].completed);
  EXPECT_EQ(f.client_failovers[0].rehomed, 2);
  ASSERT_TRUE(f.max_client_failover_us.has_value());
  EXPECT_GT(*f.max_client_failover_us, 0);
  EXPECT_LT(*f.max_client_failover_us, 500 * kUsPerMs);
  EXPECT_GT(f.client_rx_bytes_per_s, 0);
  EXPECT_GT(f.follower_rx_bytes_per_s, 0);
  // The replica check really compared positions, not nothing.
  EXPECT_GT(f.replica_positions_compared, 0u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(r.invariants[i].passed) << r.invariants[i].detail;

  std::ostringstream json;
  write_json_report(r, json);
  for (const char* key :
       {"\"failover_ms\":", "\"election_failover_ms\":", "\"longest_stall_ms\":",
        "\"client_rx_bytes_per_s\":", "\"follower_rx_bytes_per_s\":", "\"retransmitted_events\":",
        "\"snapshots_sent\":", "\"matches_finished\":1"}) {
    EXPECT_NE(json.str().find(key), std::string::npos) << key;
  }
}

TEST(MatchRunner, AnUnreachableTargetFailsEveryMatchFinishes) {
  auto parsed = parse_scenario_text(R"(title = "too short"
seed = 1
duration_ms = 5000
[cluster]
servers = 3
[clients]
count = 2
skill_percent = 70
[[expect]]
kind = "every-match-finishes"
[[expect]]
kind = "max-client-failover"
max_ms = 500
)",
                                    "short.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  const RunResult r = run_scenario(*parsed);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.expectations.size(), 2u);
  EXPECT_FALSE(r.expectations[0].passed);
  EXPECT_NE(r.expectations[0].detail.find("0 of 1"), std::string::npos) << r.expectations[0].detail;
  EXPECT_FALSE(r.expectations[1].passed);  // No fault, nothing to measure.
}

}  // namespace
}  // namespace dp::sim
