// The "flap" action (sim/run/flaps.h): one event that takes a server or a link down for
// down_ms every every_ms; what it accepts, and that it really flaps, as often as asked.
#include <gtest/gtest.h>

#include <string>

#include "sim/runner.h"
#include "tests/support/scenario_text.h"

namespace dp::sim {
namespace {

using testing::error_of;
using testing::kMinimal;
using testing::parsed;

const std::string kFlapNode2 = std::string(kMinimal) + R"([[event]]
at_ms = 1000
action = "flap"
node = 2
down_ms = 400
every_ms = 2000
)";

// How often node 2 suspected its leader.
int suspicions_of_node_2(const RunResult& r) {
  int n = 0;
  for (const TimelineEntry& t : r.timeline) {
    n += t.what == TimelineEntry::What::kNodeEvent && t.node == 2 &&
                 t.event.kind == NodeEventKind::kSuspectLeader
             ? 1
             : 0;
  }
  return n;
}

TEST(Flap, ParsesAServerOrALinkWithDefaults) {
  Scenario s = parsed(kFlapNode2);
  ASSERT_EQ(s.actions.size(), 1u);
  const ScenarioAction& a = s.actions[0];
  EXPECT_EQ(a.kind, ActionKind::kFlap);
  EXPECT_EQ(a.node, 2);
  EXPECT_EQ(a.down_us, 400 * kUsPerMs);
  EXPECT_EQ(a.every_us, 2000 * kUsPerMs);
  EXPECT_EQ(a.until_us, s.duration_us);  // Until the end.
  EXPECT_EQ(a.probability, 1.0);
  s = parsed(std::string(kMinimal) +
             "[[event]]\nat_ms = 0\naction = \"flap\"\nfrom = 1\nto = 3\n"
             "both = true\ndown_ms = 10\nevery_ms = 100\nuntil_ms = 5000\n"
             "probability = 0.25\n");
  EXPECT_EQ(s.actions[0].from, 1);
  EXPECT_TRUE(s.actions[0].both);
  EXPECT_EQ(s.actions[0].until_us, 5000 * kUsPerMs);
  EXPECT_EQ(s.actions[0].probability, 0.25);
}

TEST(Flap, MistakesNameTheirKey) {
  const std::string head = std::string(kMinimal) + "[[event]]\nat_ms = 1000\naction = \"flap\"\n";
  EXPECT_EQ(error_of(head + "node = 2\ndown_ms = 500\nevery_ms = 500\n").key, "event[1].down_ms");
  EXPECT_EQ(error_of(head + "node = 2\nfrom = 1\ndown_ms = 5\nevery_ms = 50\n").key,
            "event[1].node");
  EXPECT_NE(error_of(head + "down_ms = 5\nevery_ms = 50\n").message.find("needs node"),
            std::string::npos);
  EXPECT_EQ(error_of(head + "node = 2\ndown_ms = 5\nevery_ms = 50\nuntil_ms = 500\n").key,
            "event[1].until_ms");
  EXPECT_EQ(error_of(head + "node = 2\ndown_ms = 5\nevery_ms = 50\nprobability = 1.5\n").key,
            "event[1].probability");
  EXPECT_EQ(error_of(head + "node = 4\ndown_ms = 5\nevery_ms = 50\n").key, "event[1].node");
}

TEST(Flap, AServerFlapsAsOftenAsAskedAndNeverWithProbabilityZero) {
  // 10 s run, a flap from 1 s every 2 s: 5 periods, each 400 ms, longer than the 200 ms
  // heartbeat timeout, so node 2 suspects its leader at each.
  Scenario s = parsed(kFlapNode2);
  const RunResult flapping = run_scenario(s);
  EXPECT_EQ(suspicions_of_node_2(flapping), 5);
  s.actions[0].probability = 0;
  EXPECT_EQ(suspicions_of_node_2(run_scenario(s)), 0);
  // Half the time: some periods, not all, and the same ones on every run.
  s.actions[0].probability = 0.5;
  s.duration_us = 60 * kUsPerSecond;
  s.actions[0].until_us = s.duration_us;
  const RunResult half = run_scenario(s);
  EXPECT_GT(suspicions_of_node_2(half), 5);
  EXPECT_LT(suspicions_of_node_2(half), 25);
  EXPECT_EQ(run_scenario(s).digest, half.digest);
}

}  // namespace
}  // namespace dp::sim
