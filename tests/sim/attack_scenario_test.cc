// The attacker in scenario files: its keys parse into the plan, every bad value is reported with
// the file, the key and the line, and a keyed cluster refuses what the attacker forges, in a
// run whose digest a seed fixes.
#include <gtest/gtest.h>

#include <limits>

#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm/scenario_writer.h"
#include "tests/support/scenario_text.h"

namespace dp::sim {
namespace {

constexpr const char* kKeyed = R"(title = "t"
seed = 5
duration_ms = 4000
[cluster]
servers = 3
key = true
[[client]]
skill_percent = 70
[[client]]
skill_percent = 70
spectate = true
)";

using testing::error_of;

TEST(AttackScenario, EveryAttackAndExpectationParses) {
  const std::string text = std::string(kKeyed) + R"([[event]]
at_ms = 1000
action = "forge-coordinator"
term = "18446744073709551615"
signed = "wrong-key"
[[event]]
at_ms = 1100
action = "forge-coordinator"
term_ahead = 3
signed = "classic-mode"
[[event]]
at_ms = 1200
action = "replay"
window_ms = 500
copies = 2
[[event]]
at_ms = 1300
action = "spoof-input"
count = 7
every_ms = 5
client = 1
[[event]]
at_ms = 1400
action = "spoof-leave"
[[event]]
at_ms = 1500
action = "flood-discovery"
count = 300
victim = 2
[[expect]]
kind = "max-leader-changes"
count = 0
from_ms = 500
[[expect]]
kind = "auth-refused-min"
count = 6
[[expect]]
kind = "max-amplification"
ratio = 0.25
)";
  auto r = parse_scenario_text(text, "x.toml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const Scenario& s = *r;
  EXPECT_TRUE(s.cluster_key);
  EXPECT_TRUE(s.has_attacker());
  ASSERT_EQ(s.actions.size(), 6u);
  EXPECT_EQ(s.actions[0].kind, ActionKind::kForgeCoordinator);
  ASSERT_TRUE(s.actions[0].attack.term.has_value());
  EXPECT_EQ(*s.actions[0].attack.term, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(s.actions[0].attack.signing, ForgeSigning::kWrongKey);
  EXPECT_FALSE(s.actions[1].attack.term.has_value());
  EXPECT_EQ(s.actions[1].attack.term_ahead, 3u);
  EXPECT_EQ(s.actions[1].attack.signing, ForgeSigning::kOtherMode);
  EXPECT_EQ(s.actions[2].kind, ActionKind::kReplay);
  EXPECT_EQ(s.actions[2].attack.window_us, 500 * kUsPerMs);
  EXPECT_EQ(s.actions[2].attack.copies, 2);
  EXPECT_EQ(s.actions[3].kind, ActionKind::kSpoofInput);
  EXPECT_EQ(s.actions[3].attack.count, 7);
  EXPECT_EQ(s.actions[3].attack.every_us, 5 * kUsPerMs);
  EXPECT_EQ(s.actions[3].attack.client, 1);
  EXPECT_EQ(s.actions[4].kind, ActionKind::kSpoofLeave);
  EXPECT_EQ(s.actions[4].attack.count, 1);
  EXPECT_EQ(s.actions[5].kind, ActionKind::kFloodDiscovery);
  EXPECT_EQ(s.actions[5].attack.count, 300);
  EXPECT_EQ(s.actions[5].attack.client, 2);
  ASSERT_EQ(s.expectations.size(), 3u);
  EXPECT_EQ(s.expectations[0].kind, ExpectKind::kMaxLeaderChanges);
  EXPECT_EQ(s.expectations[0].from_us, 500 * kUsPerMs);
  EXPECT_EQ(s.expectations[0].to_us, 4000 * kUsPerMs);  // The end.
  EXPECT_EQ(s.expectations[1].kind, ExpectKind::kAuthRefusedMin);
  EXPECT_EQ(s.expectations[1].count, 6);
  EXPECT_EQ(s.expectations[2].kind, ExpectKind::kMaxAmplification);
  EXPECT_DOUBLE_EQ(s.expectations[2].ratio, 0.25);

  // Written and read back, nothing is lost.
  auto written = write_scenario_toml(s);
  ASSERT_TRUE(written.ok()) << written.error();
  auto again = parse_scenario_text(written.value(), "y.toml");
  ASSERT_TRUE(again.ok()) << again.error().str() << "\n" << written.value();
  EXPECT_EQ(write_scenario_toml(*again).value(), written.value());
}

TEST(AttackScenario, WithoutKeyOrAttackerNothingIsAdded) {
  auto r = parse_scenario_text(
      "title = \"t\"\nseed = 1\nduration_ms = 10\n[cluster]\nservers = 1\n", "x.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->cluster_key);
  EXPECT_FALSE(r->has_attacker());
}

struct BadValue {
  const char* event;  // The [[event]] or [[expect]] block, after kKeyed (line 12 on).
  int line;
  const char* key;
  const char* says;
};

TEST(AttackScenario, BadValuesNameTheFileKeyAndLine) {
  const BadValue cases[] = {
      {"[[event]]\nat_ms = 1\naction = \"forge-coordinator\"\nsigned = \"maybe\"\n", 15,
       "event[1].signed", "must be \"none\", \"wrong-key\", \"classic-mode\" or \"keyless\""},
      {"[[event]]\nat_ms = 1\naction = \"forge-coordinator\"\nterm = \"12a\"\n", 15,
       "event[1].term", "is not a term"},
      {"[[event]]\nat_ms = 1\naction = \"forge-coordinator\"\nterm = \"18446744073709551616\"\n",
       15, "event[1].term", "is not a term"},
      {"[[event]]\nat_ms = 1\naction = \"forge-coordinator\"\nterm = 1.5\n", 15, "event[1].term",
       "must be an integer or a string of digits"},
      {"[[event]]\nat_ms = 1\naction = \"forge-coordinator\"\nterm = 3\nterm_ahead = 1\n", 16,
       "event[1].term_ahead", "give either"},
      {"[[event]]\nat_ms = 1\naction = \"replay\"\nwindow_ms = 0\n", 15, "event[1].window_ms",
       "out of range 1..10000"},
      {"[[event]]\nat_ms = 1\naction = \"replay\"\ncopies = 11\n", 15, "event[1].copies",
       "out of range 1..10"},
      {"[[event]]\nat_ms = 1\naction = \"spoof-input\"\ncount = 0\n", 15, "event[1].count",
       "out of range"},
      {"[[event]]\nat_ms = 1\naction = \"spoof-leave\"\nclient = 2\n", 15, "event[1].client",
       "is a spectator"},
      {"[[event]]\nat_ms = 1\naction = \"spoof-input\"\nclient = 3\n", 15, "event[1].client",
       "out of range 1..2"},
      {"[[event]]\nat_ms = 1\naction = \"flood-discovery\"\nvictim = \"me\"\n", 15,
       "event[1].victim", "must be an integer"},
      {"[[event]]\nat_ms = 1\naction = \"flood-discovery\"\nterm = 3\n", 15, "event[1].term",
       "unknown key"},
      {"[[event]]\nat_ms = 1\naction = \"replay\"\ncluster = \"chat\"\n", 15, "event[1].cluster",
       "needs a [chat] section"},
      {"[[expect]]\nkind = \"max-amplification\"\nratio = \"low\"\n", 14, "expect[1].ratio",
       "must be a number"},
      {"[[expect]]\nkind = \"max-leader-changes\"\ncount = 1\nfrom_ms = 300\nto_ms = 200\n", 16,
       "expect[1].to_ms", "before"},
      {"[[expect]]\nkind = \"auth-refused-min\"\ncount = -1\n", 14, "expect[1].count",
       "out of range"},
  };
  for (const BadValue& c : cases) {
    const ScenarioError e = error_of(std::string(kKeyed) + c.event);
    EXPECT_EQ(e.file, "x.toml") << c.event;
    EXPECT_EQ(e.line, c.line) << c.event << e.str();
    EXPECT_EQ(e.key, c.key) << c.event << e.str();
    EXPECT_NE(e.message.find(c.says), std::string::npos) << c.event << e.str();
    EXPECT_EQ(e.str().rfind("x.toml:" + std::to_string(c.line) + ": ", 0), 0u) << e.str();
  }
  const ScenarioError key = error_of(R"(title = "t"
seed = 5
duration_ms = 4000
[cluster]
servers = 3
key = "yes"
)");
  EXPECT_EQ(key.line, 6);
  EXPECT_EQ(key.key, "cluster.key");
  EXPECT_NE(key.message.find("must be a boolean"), std::string::npos) << key.str();
}

// A keyed cluster takes none of the forgeries, and the run is the same every time.
TEST(AttackScenario, KeyedClusterRefusesForgedCoordinators) {
  auto r = parse_scenario_text(std::string(kKeyed) + R"([[event]]
at_ms = 2000
action = "forge-coordinator"
signed = "none"
[[event]]
at_ms = 2100
action = "forge-coordinator"
signed = "wrong-key"
term_ahead = 1
[[event]]
at_ms = 2200
action = "forge-coordinator"
signed = "classic-mode"
[[event]]
at_ms = 2300
action = "replay"
window_ms = 300
[[expect]]
kind = "max-leader-changes"
count = 0
from_ms = 1000
[[expect]]
kind = "auth-refused-min"
count = 9
)",
                               "keyed.toml");
  ASSERT_TRUE(r.ok()) << r.error().str();
  const RunResult a = run_scenario(*r);
  for (const ExpectationResult& e : a.expectations) {
    EXPECT_TRUE(e.passed) << e.description << ": " << e.detail;
  }
  for (const InvariantResult& i : a.invariants) EXPECT_TRUE(i.passed) << i.name << ": " << i.detail;
  ASSERT_TRUE(a.figures.attack.has_value());
  EXPECT_EQ(a.figures.attack->sent.at("forge-coordinator").datagrams, 9u);
  EXPECT_GT(a.figures.attack->sent.at("replay").datagrams, 0u);
  EXPECT_EQ(a.figures.refused_by_reason.at("unsigned"), 3u);
  EXPECT_EQ(a.figures.refused_by_reason.at("bad-tag"), 3u);
  EXPECT_EQ(a.figures.refused_by_reason.at("foreign-mode"), 3u);
  EXPECT_GT(a.figures.refused_by_reason.at("replayed"), 0u);
  EXPECT_EQ(run_scenario(*r).digest, a.digest);
}

}  // namespace
}  // namespace dp::sim
