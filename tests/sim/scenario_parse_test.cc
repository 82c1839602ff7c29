// Scenario files: a good file parses into the expected plan; every kind of mistake is
// reported with the key and the line, as pong-sim prints it.
#include "sim/scenario.h"
#include "tests/support/scenario_text.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace dp::sim {
namespace {

constexpr const char* kMinimal = R"(title = "t"
seed = 5
duration_ms = 1000
[cluster]
servers = 3
)";

using testing::error_of;

TEST(ScenarioParse, GoodFileParsesEveryPart) {
  const std::string text = std::string(kMinimal) + R"(mode = "classic"
heartbeat_interval_ms = 40
[network]
latency_min_us = 100
latency_max_us = 900
loss_percent = 2.5
duplicate_percent = 1
[[event]]
at_ms = 700
action = "partition"
groups = [[1, 2], [3]]
[[event]]
at_ms = 300
action = "crash-leader"
[[event]]
at_ms = 800
action = "cut"
from = 1
to = 3
[[expect]]
kind = "leader-is"
node = 2
at_ms = 900
[[expect]]
kind = "no-leader-change"
from_ms = 100
to_ms = 200
)";
  auto r = parse_scenario_text(text, "x.toml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const Scenario& s = *r;
  EXPECT_EQ(s.seed, 5u);
  EXPECT_EQ(s.duration_us, 1000 * kUsPerMs);
  EXPECT_EQ(s.servers, 3);
  EXPECT_EQ(s.mode, ElectionMode::kClassic);
  EXPECT_EQ(s.timing.heartbeat_interval_us, 40 * kUsPerMs);
  EXPECT_EQ(s.network.loss_ppm, 25000u);
  EXPECT_EQ(s.network.duplicate_ppm, 10000u);
  EXPECT_EQ(s.network.latency_max_us, 900);
  ASSERT_EQ(s.actions.size(), 3u);
  // Sorted by time.
  EXPECT_EQ(s.actions[0].kind, ActionKind::kCrashLeader);
  EXPECT_EQ(s.actions[1].kind, ActionKind::kPartition);
  EXPECT_EQ(s.actions[1].groups, (std::vector<std::vector<int>>{{1, 2}, {3}}));
  EXPECT_EQ(s.actions[2].kind, ActionKind::kCut);
  EXPECT_EQ(s.actions[2].from, 1);
  EXPECT_EQ(s.actions[2].to, 3);
  ASSERT_EQ(s.expectations.size(), 2u);
  EXPECT_EQ(s.expectations[0].kind, ExpectKind::kLeaderIs);
  EXPECT_EQ(s.expectations[0].node, 2);
  EXPECT_EQ(s.expectations[0].at_us, 900 * kUsPerMs);
}

TEST(ScenarioParse, UnknownTopLevelKeyNamesKeyAndLine) {
  const ScenarioError e = error_of("duratoin_typo = 5\n" + std::string(kMinimal));
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.key, "duratoin_typo");
  EXPECT_EQ(e.str(), "x.toml:1: unknown key 'duratoin_typo'");
}

TEST(ScenarioParse, UnknownNestedKeyNamesItsPath) {
  const ScenarioError e = error_of(std::string(kMinimal) + "sevrers = 4\n");
  EXPECT_EQ(e.line, 6);
  EXPECT_EQ(e.key, "cluster.sevrers");
  EXPECT_NE(e.str().find("unknown key 'cluster.sevrers'"), std::string::npos) << e.str();
}

TEST(ScenarioParse, WrongTypeNamesKeyLineAndTypes) {
  const ScenarioError e = error_of(R"(title = "t"
seed = 5
duration_ms = "long"
[cluster]
servers = 3
)");
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.key, "duration_ms");
  EXPECT_NE(e.message.find("must be an integer, not a string"), std::string::npos) << e.str();
}

TEST(ScenarioParse, BadActionNamesTheEventAndLine) {
  const ScenarioError e = error_of(std::string(kMinimal) + R"([[event]]
at_ms = 10
action = "explode"
)");
  EXPECT_EQ(e.line, 8);
  EXPECT_EQ(e.key, "event[1].action");
  EXPECT_NE(e.message.find("unknown action 'explode'"), std::string::npos) << e.str();
}

TEST(ScenarioParse, KeyNotValidForTheActionIsRejected) {
  const ScenarioError e = error_of(std::string(kMinimal) + R"([[event]]
at_ms = 10
action = "heal"
node = 2
)");
  EXPECT_EQ(e.line, 9);
  EXPECT_EQ(e.key, "event[1].node");
}

TEST(ScenarioParse, OutOfRangeValuesAreRejected) {
  EXPECT_EQ(
      error_of(std::string(kMinimal) + "[[event]]\nat_ms = 10\naction = \"crash\"\nnode = 4\n").key,
      "event[1].node");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[[event]]\nat_ms = 5000\naction = \"heal\"\n").key,
            "event[1].at_ms");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[network]\nloss_percent = 101\n").key,
            "network.loss_percent");
  EXPECT_EQ(error_of(std::string(kMinimal) +
                     "[[event]]\nat_ms = 1\naction = \"partition\"\ngroups = [[1, 2], [2]]\n")
                .key,
            "event[1].groups");
}

TEST(ScenarioParse, MissingRequiredKeyIsNamed) {
  const ScenarioError e = error_of("title = \"t\"\nduration_ms = 5\n[cluster]\nservers = 1\n");
  EXPECT_EQ(e.key, "seed");
  EXPECT_NE(e.message.find("missing required key 'seed'"), std::string::npos);
  EXPECT_EQ(error_of(std::string(kMinimal) + "[[expect]]\nkind = \"leader-is\"\nat_ms = 5\n").key,
            "expect[1].node");
}

TEST(ScenarioParse, TomlSyntaxErrorGivesLineAndColumn) {
  const ScenarioError e = error_of("title = \"t\"\nseed = = 5\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_GT(e.column, 0);
  EXPECT_EQ(e.str().rfind("x.toml:2:", 0), 0u) << e.str();
}

TEST(ScenarioParse, ClientsAndMatchSettingsParse) {
  auto r = parse_scenario_text(std::string(kMinimal) + R"(target_score = 3
min_replicas = 2
forfeit_timeout_ms = 2000
[clients]
count = 4
skill_min = 60
skill_max = 85
room = "arena"
start_ms = 200
start_spread_ms = 50
[[client]]
skill_percent = 90
[[event]]
at_ms = 500
action = "crash-leader-after-point"
delay_ms = 3
[[event]]
at_ms = 600
action = "crash-follower"
[[expect]]
kind = "every-match-finishes"
min_matches = 2
[[expect]]
kind = "max-client-failover"
max_ms = 400
[[expect]]
kind = "max-stall"
max_ms = 300
[[expect]]
kind = "snapshot-installed"
node = 2
after_ms = 100
)",
                               "m.toml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const Scenario& s = *r;
  EXPECT_EQ(s.target_score, 3);
  EXPECT_EQ(s.min_replicas, 2);
  EXPECT_EQ(s.forfeit_timeout_us, 2000 * kUsPerMs);
  ASSERT_EQ(s.clients.size(), 5u);
  EXPECT_EQ(s.clients[0].skill_min, 60);
  EXPECT_EQ(s.clients[0].skill_max, 85);
  EXPECT_EQ(s.clients[0].room, "arena");
  EXPECT_EQ(s.clients[3].start_spread_us, 50 * kUsPerMs);
  EXPECT_EQ(s.clients[4].skill_min, 90);
  EXPECT_EQ(s.clients[4].room, "");
  ASSERT_EQ(s.actions.size(), 2u);
  EXPECT_EQ(s.actions[0].kind, ActionKind::kCrashLeaderAfterPoint);
  EXPECT_EQ(s.actions[0].delay_us, 3 * kUsPerMs);
  EXPECT_EQ(s.actions[1].kind, ActionKind::kCrashFollower);
  ASSERT_EQ(s.expectations.size(), 4u);
  EXPECT_EQ(s.expectations[0].count, 2);
  EXPECT_EQ(s.expectations[1].max_us, 400 * kUsPerMs);
  EXPECT_EQ(s.expectations[2].kind, ExpectKind::kMaxStall);
  EXPECT_EQ(s.expectations[3].node, 2);
  EXPECT_EQ(s.expectations[3].from_us, 100 * kUsPerMs);
}

TEST(ScenarioParse, ClientMistakesAreNamed) {
  EXPECT_EQ(error_of(std::string(kMinimal) + "[clients]\ncount = 2\nskil = 5\n").key,
            "clients.skil");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[clients]\ncount = 999\n").key, "clients.count");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[clients]\ncount = 2\nskill_percent = 70\n"
                                             "skill_min = 50\n")
                .key,
            "clients.skill_min");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[[client]]\nroom = \"a\"\n").key,
            "client[1].skill_percent");
  EXPECT_EQ(error_of(std::string(kMinimal) + "[[event]]\nat_ms = 5\n"
                                             "action = \"crash-leader-after-point\"\n"
                                             "delay_ms = 17\n")
                .key,
            "event[1].delay_ms");
}

TEST(ScenarioParse, UnreadableFileIsAnError) {
  auto r = load_scenario_file("/nonexistent/dir/none.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().str().find("/nonexistent/dir/none.toml"), std::string::npos);
}

TEST(ScenarioParse, EveryShippedScenarioParses) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(DP_SCENARIO_DIR)) {
    if (entry.path().extension() != ".toml") continue;
    auto r = load_scenario_file(entry.path().string());
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
    ++count;
  }
  EXPECT_GE(count, 15);
}

}  // namespace
}  // namespace dp::sim
