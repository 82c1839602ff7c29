// Whole runs of the real cluster code in the emulator: determinism of the trace digest,
// failing expectations really fail, and the JSON and trace outputs are well formed.
#include "sim/runner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "sim/json_writer.h"
#include "sim/report.h"
#include "tests/sim/repo_scenario.h"

namespace dp::sim {
namespace {

Scenario load(const std::string& name) { return testing::load_repo_scenario(name); }

TEST(Runner, SameScenarioAndSeedGiveTheSameDigest) {
  const Scenario s = load("election-lossy.toml");
  const RunResult a = run_scenario(s);
  const RunResult b = run_scenario(s);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.figures.deliveries, b.figures.deliveries);
  EXPECT_EQ(a.figures.elections_started, b.figures.elections_started);
}

TEST(Runner, AFailedAssertionStopsTheRunAndSaysHowToReplayIt) {
  Scenario s = load("match-clean.toml");
  s.inject_bug_commit_ahead = true;  // The leader commits past what it applied.
  RunOptions options;
  options.seed = 99;
  const RunResult r = run_scenario(s, options);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.run_error.rfind(kAssertionFailed, 0), 0u) << r.run_error;
  EXPECT_NE(r.run_error.find("a leader commits only what it applied"), std::string::npos);
  EXPECT_NE(r.run_error.find("pong-sim run " + s.file + " --seed 99"), std::string::npos)
      << r.run_error;
  // Stopped where the assertion failed: the first commit, well before the 60 s of the file.
  EXPECT_GT(r.figures.simulated_seconds, 0.1);
  EXPECT_LT(r.figures.simulated_seconds, 5.0);
  std::ostringstream text;
  write_text_report(r, text);
  EXPECT_NE(text.str().find("FAIL  assertion failed"), std::string::npos);
}

TEST(Runner, DifferentSeedsGiveDifferentDigests) {
  const Scenario s = load("election-leader-crash.toml");
  RunOptions seven;
  seven.seed = 7;
  RunOptions eight;
  eight.seed = 8;
  const RunResult a = run_scenario(s, seven);
  const RunResult b = run_scenario(s, eight);
  const RunResult c = run_scenario(s);
  EXPECT_NE(a.digest, b.digest);
  EXPECT_NE(a.digest, c.digest);
  EXPECT_EQ(a.seed, 7u);
}

TEST(Runner, TraceRecordingDoesNotChangeTheRun) {
  const Scenario s = load("election-leader-crash.toml");
  RunOptions traced;
  traced.record_trace = true;
  EXPECT_EQ(run_scenario(s).digest, run_scenario(s, traced).digest);
}

TEST(Runner, TheStatusViewShowsEveryServerAtEachChangeAndChangesNothing) {
  const Scenario s = load("election-leader-crash.toml");
  const RunResult plain = run_scenario(s);
  RunOptions with_status;
  with_status.status = true;
  const RunResult r = run_scenario(s, with_status);
  EXPECT_EQ(r.digest, plain.digest);
  EXPECT_TRUE(plain.status.empty());
  ASSERT_GT(r.status.size(), 5u);
  bool leader_seen = false;
  bool crash_seen = false;
  for (const std::string& line : r.status) {
    // One column per server, exactly one of them starred.
    EXPECT_EQ(std::count(line.begin(), line.end(), '|'), s.servers - 1) << line;
    EXPECT_EQ(std::count(line.begin(), line.end(), '*'), 1) << line;
    leader_seen = leader_seen || line.find(" L 1/n") != std::string::npos;
    crash_seen = crash_seen || (leader_seen && line.find(" X") != std::string::npos);
  }
  EXPECT_TRUE(leader_seen) << "no line shows a serving leader";
  EXPECT_TRUE(crash_seen) << "no line shows the crashed leader down";
  std::ostringstream text;
  write_text_report(r, text, true);
  EXPECT_NE(text.str().find("\nStatus ("), std::string::npos);
}

TEST(Runner, CountsResultsAndOnePlayersStallAreJudged) {
  Scenario s = load("match-leader-crash-counted.toml");
  const RunResult good = run_scenario(s);
  EXPECT_TRUE(good.passed);
  for (Expectation& e : s.expectations) {
    if (e.kind == ExpectKind::kMessageCount) e.max_count = 0;  // The failover sends some.
    if (e.kind == ExpectKind::kMatchResult) e.score_right = 4;
    if (e.kind == ExpectKind::kMaxStall) e.max_us = 100 * kUsPerMs;  // Failover is ~300 ms.
  }
  const RunResult bad = run_scenario(s);
  EXPECT_FALSE(bad.passed);
  int failed = 0;
  for (const ExpectationResult& r : bad.expectations) failed += r.passed ? 0 : 1;
  // Every count but "no coordinator after 21 s" (0 sent), both stalls and the result.
  EXPECT_EQ(failed, 3 + 2 + 1);
  EXPECT_EQ(bad.expectations.back().detail, "ended 5-3, won by client 1 (room 1)");
}

TEST(Runner, TheServingLeaderIsTheOneThePlayersFollowNotAFrozenOne) {
  Scenario s = load("partition-serving-leader.toml");
  EXPECT_TRUE(run_scenario(s).passed);
  // During the partition node 5 still leads its side, frozen: it serves nobody.
  for (Expectation& e : s.expectations) {
    if (e.kind == ExpectKind::kServingLeaderIs && e.at_us == 17000 * kUsPerMs) e.node = 5;
  }
  const RunResult r = run_scenario(s);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.expectations[1].detail.find("newest state came from node 3"), std::string::npos)
      << r.expectations[1].detail;
}

TEST(Runner, WrongExpectationFailsTheRun) {
  auto parsed = parse_scenario_text(R"(title = "wrong"
seed = 1
duration_ms = 3000
[cluster]
servers = 3
[[expect]]
kind = "leader-is"
node = 1
at_ms = 2500
[[expect]]
kind = "max-failover"
max_ms = 100
)",
                                    "wrong.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.error().str();
  const RunResult r = run_scenario(*parsed);
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.expectations.size(), 2u);
  EXPECT_FALSE(r.expectations[0].passed);
  EXPECT_NE(r.expectations[0].detail.find("node 3"), std::string::npos) << r.expectations[0].detail;
  EXPECT_FALSE(r.expectations[1].passed);  // No crash, nothing to measure.
}

TEST(Runner, LeaderCrashFailsOverToNodeTwo) {
  const RunResult r = run_scenario(load("election-leader-crash.toml"));
  ASSERT_EQ(r.figures.failovers.size(), 1u);
  const Failover& f = r.figures.failovers[0];
  EXPECT_EQ(f.crashed_node, 3);
  EXPECT_TRUE(f.completed);
  EXPECT_EQ(f.new_leader, 2);
  EXPECT_GT(f.duration_us(), 0);
  EXPECT_TRUE(r.invariants[0].passed) << r.invariants[0].detail;
  EXPECT_TRUE(r.invariants[1].passed) << r.invariants[1].detail;
}

TEST(Runner, JsonSummaryAndTraceAreWellFormed) {
  RunOptions traced;
  traced.record_trace = true;
  const RunResult r = run_scenario(load("election-leader-crash.toml"), traced);
  std::ostringstream json;
  write_json_report(r, json);
  const std::string j = json.str();
  for (const char* key : {"\"passed\":", "\"expectations\":[", "\"figures\":{",
                          "\"failover_ms\":", "\"messages_by_type\":{", "\"digest\":\"",
                          "\"sim_seconds_per_wall_second\":"}) {
    EXPECT_NE(j.find(key), std::string::npos) << key;
  }
  std::ostringstream trace;
  write_chrome_trace(r, trace);
  const std::string t = trace.str();
  EXPECT_EQ(t.rfind("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[", 0), 0u);
  EXPECT_NE(t.find("\"ph\":\"s\""), std::string::npos);
  EXPECT_NE(t.find("\"ph\":\"f\""), std::string::npos);
  EXPECT_NE(t.find("\"bp\":\"e\""), std::string::npos);
  EXPECT_NE(t.find("\"name\":\"server 3\""), std::string::npos);
}

TEST(JsonWriter, EscapesControlCharactersAndQuotes) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace dp::sim
