// The expectations that say what users ask (message counts in a window, one player's stall,
// a match's result): each parses with its defaults, and each mistake names its key and line.
#include <gtest/gtest.h>

#include <string>

#include "core/wire/message_types.h"
#include "tests/support/scenario_text.h"

namespace dp::sim {
namespace {

using testing::error_of;
using testing::kMinimal;
using testing::parsed;

const std::string kTwoPlayers = std::string(kMinimal) + R"([[client]]
skill_percent = 80
[[client]]
skill_percent = 60
)";

TEST(ScenarioParseExpect, MessageCountReadsTypeWindowAndBounds) {
  const Scenario s = parsed(kTwoPlayers + R"([[expect]]
kind = "message-count"
type = "coordinator"
from_ms = 2000
min = 1
max = 4
[[expect]]
kind = "message-count"
type = "election"
max = 0
)");
  ASSERT_EQ(s.expectations.size(), 2u);
  const Expectation& e = s.expectations[0];
  EXPECT_EQ(e.kind, ExpectKind::kMessageCount);
  EXPECT_EQ(e.msg_type, static_cast<std::uint8_t>(wire::MsgType::kCoordinator));
  EXPECT_EQ(e.from_us, 2000 * kUsPerMs);
  EXPECT_EQ(e.to_us, 10000 * kUsPerMs);  // The end of the run.
  EXPECT_EQ(e.count, 1);
  EXPECT_EQ(e.max_count, 4);
  EXPECT_EQ(s.expectations[1].count, 0);
  EXPECT_EQ(s.expectations[1].max_count, 0);
  EXPECT_EQ(e.describe(),
            "at least 1 and at most 4 coordinator datagrams sent from 2.000 s to 10.000 s");
}

TEST(ScenarioParseExpect, MessageCountMistakesNameTheKey) {
  ScenarioError e = error_of(kTwoPlayers +
                             "[[expect]]\nkind = \"message-count\"\ntype = "
                             "\"elektion\"\nmax = 3\n");
  EXPECT_EQ(e.key, "expect[1].type");
  EXPECT_NE(e.message.find("unknown message type \"elektion\""), std::string::npos) << e.str();
  EXPECT_NE(e.message.find("election"), std::string::npos) << "the known names are listed";
  e = error_of(kTwoPlayers + "[[expect]]\nkind = \"message-count\"\ntype = \"answer\"\n");
  EXPECT_NE(e.message.find("needs 'min', 'max' or both"), std::string::npos) << e.str();
  e = error_of(kTwoPlayers +
               "[[expect]]\nkind = \"message-count\"\ntype = \"answer\"\nmin = 5\nmax = 2\n");
  EXPECT_EQ(e.key, "expect[1].max");
  e = error_of(kTwoPlayers +
               "[[expect]]\nkind = \"message-count\"\ntype = \"answer\"\nmax = 1\nto_ms = 20000\n");
  EXPECT_EQ(e.key, "expect[1].to_ms");
}

TEST(ScenarioParseExpect, MaxStallMayNameOneClient) {
  const Scenario s = parsed(kTwoPlayers +
                            "[[expect]]\nkind = \"max-stall\"\nmax_ms = 500\n"
                            "client = 2\n[[expect]]\nkind = \"max-stall\"\n"
                            "max_ms = 700\n");
  EXPECT_EQ(s.expectations[0].client, 2);
  EXPECT_EQ(s.expectations[0].describe(), "client 2 never stalls longer than 500 ms");
  EXPECT_EQ(s.expectations[1].client, 0);
  EXPECT_EQ(s.expectations[1].describe(), "no client stalls longer than 700 ms");
  const ScenarioError e =
      error_of(kTwoPlayers + "[[expect]]\nkind = \"max-stall\"\nmax_ms = 500\nclient = 3\n");
  EXPECT_EQ(e.key, "expect[1].client");
}

TEST(ScenarioParseExpect, MatchResultReadsScoreAndWinner) {
  const Scenario s = parsed(kTwoPlayers +
                            "[[expect]]\nkind = \"match-result\"\nclient = 1\n"
                            "score = \"5-3\"\nwinner = 1\n");
  const Expectation& e = s.expectations[0];
  EXPECT_EQ(e.kind, ExpectKind::kMatchResult);
  EXPECT_EQ(e.client, 1);
  EXPECT_EQ(e.score_left, 5);
  EXPECT_EQ(e.score_right, 3);
  EXPECT_EQ(e.winner, 1);
  for (const char* bad : {"5:3", "5-", "-3", "a-b", "5-3-1", "100-1"}) {
    const ScenarioError err = error_of(kTwoPlayers +
                                       "[[expect]]\nkind = \"match-result\"\n"
                                       "client = 1\nscore = \"" +
                                       bad + "\"\n");
    EXPECT_EQ(err.key, "expect[1].score") << bad;
    EXPECT_NE(err.message.find("must be a score"), std::string::npos) << err.str();
  }
  const ScenarioError none = error_of(std::string(kMinimal) +
                                      "[[expect]]\nkind = "
                                      "\"match-result\"\nclient = 1\n"
                                      "score = \"5-3\"\n");
  EXPECT_NE(none.message.find("there are none"), std::string::npos) << none.str();
}

TEST(ScenarioParseExpect, ServingLeaderNamesANodeAndATime) {
  const Scenario s =
      parsed(kTwoPlayers + "[[expect]]\nkind = \"serving-leader-is\"\nnode = 2\nat_ms = 3000\n");
  EXPECT_EQ(s.expectations[0].kind, ExpectKind::kServingLeaderIs);
  EXPECT_EQ(s.expectations[0].describe(), "node 2 serves the players at 3.000 s");
  EXPECT_EQ(error_of(kTwoPlayers + "[[expect]]\nkind = \"serving-leader-is\"\nnode = 4\n"
                                   "at_ms = 3000\n")
                .key,
            "expect[1].node");
}

}  // namespace
}  // namespace dp::sim
