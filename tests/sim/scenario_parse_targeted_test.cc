// The faults aimed at dangerous moments in scenario files: the four armed actions, their
// defaults and bounds, every mistake named with the file, the key and the line.
#include <gtest/gtest.h>

#include "sim/scenario.h"
#include "tests/support/scenario_text.h"

namespace dp::sim {
namespace {

using testing::kMinimal;

using testing::error_of;
using testing::parsed;

std::string event(const std::string& body) {
  return std::string(kMinimal) + "[[event]]\nat_ms = 10\n" + body;  // The event is on line 6.
}

TEST(ScenarioParseTargeted, EachActionWithItsDefaults) {
  ScenarioAction a = parsed(event("action = \"crash-leader-after-shown\"\n")).actions.at(0);
  EXPECT_EQ(a.kind, ActionKind::kCrashLeaderAfterShown);
  EXPECT_EQ(a.delay_us, 100 * kUsPerMs);
  a = parsed(event("action = \"isolate-leader-before-point\"\n")).actions.at(0);
  EXPECT_EQ(a.kind, ActionKind::kIsolateLeaderBeforePoint);
  EXPECT_EQ(a.for_us, 1000 * kUsPerMs);
  a = parsed(event("action = \"crash-leader-during-snapshot\"\n")).actions.at(0);
  EXPECT_EQ(a.kind, ActionKind::kCrashLeaderDuringSnapshot);
  a = parsed(event("action = \"crash-only-copy\"\n")).actions.at(0);
  EXPECT_EQ(a.kind, ActionKind::kCrashOnlyCopy);
  EXPECT_LT(a.restart_after_us, 0) << "no restart unless asked";
  EXPECT_STREQ(action_name(a.kind), "crash-only-copy");
}

TEST(ScenarioParseTargeted, ParametersWithinTheirBounds) {
  EXPECT_EQ(parsed(event("action = \"crash-leader-after-shown\"\ndelay_ms = 5000\n"))
                .actions.at(0)
                .delay_us,
            5000 * kUsPerMs)
      << "beyond one tick, unlike crash-leader-after-point";
  EXPECT_EQ(parsed(event("action = \"isolate-leader-before-point\"\nfor_ms = 250\n"))
                .actions.at(0)
                .for_us,
            250 * kUsPerMs);
  EXPECT_EQ(parsed(event("action = \"crash-only-copy\"\nrestart_after_ms = 0\n"))
                .actions.at(0)
                .restart_after_us,
            0);
  ScenarioError e = error_of(event("action = \"crash-leader-after-shown\"\ndelay_ms = 5001\n"));
  EXPECT_EQ(e.key, "event[1].delay_ms");
  EXPECT_EQ(e.line, 9);
  e = error_of(event("action = \"isolate-leader-before-point\"\nfor_ms = 0\n"));
  EXPECT_EQ(e.key, "event[1].for_ms");
  e = error_of(event("action = \"crash-only-copy\"\nrestart_after_ms = 10001\n"));
  EXPECT_EQ(e.key, "event[1].restart_after_ms");
  e = error_of(event("action = \"crash-leader-during-snapshot\"\ndelay_ms = 5\n"));
  EXPECT_EQ(e.key, "event[1].delay_ms") << "a key the action does not take";
  EXPECT_EQ(e.line, 9);
}

}  // namespace
}  // namespace dp::sim
