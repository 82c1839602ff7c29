// The match invariant checkers catch what they claim to: each test feeds a crafted history
// with one violation and expects it named, and a clean history passes.
#include "sim/match_checks.h"

#include <gtest/gtest.h>

#include <vector>

namespace dp::sim {
namespace {

const Epoch kEpoch1{1, NodeId{3, 7}};
const Epoch kEpoch2{2, NodeId{2, 9}};

TEST(ReplicaAgreement, EqualPositionsWithEqualDigestsPass) {
  ReplicaAgreementCheck check;
  const std::vector<ReplicaSample> first = {
      {1, kEpoch1, 10, 0xaa}, {2, kEpoch1, 10, 0xaa}, {3, kEpoch1, 12, 0xbb}};
  EXPECT_TRUE(check.add(100, first));
  // Later, node 1 reaches seq 12 with the digest node 3 had there.
  const std::vector<ReplicaSample> later = {{1, kEpoch1, 12, 0xbb}};
  EXPECT_TRUE(check.add(200, later));
  EXPECT_TRUE(check.passed());
  EXPECT_EQ(check.positions_compared(), 2u);
}

TEST(ReplicaAgreement, SamePrefixDifferentRoomsIsCaughtAtOneInstant) {
  ReplicaAgreementCheck check;
  const std::vector<ReplicaSample> samples = {{1, kEpoch1, 10, 0xaa}, {2, kEpoch1, 10, 0xab}};
  EXPECT_FALSE(check.add(100, samples));
  EXPECT_FALSE(check.passed());
  EXPECT_NE(check.detail().find("node 2"), std::string::npos) << check.detail();
  EXPECT_NE(check.detail().find("node 1"), std::string::npos) << check.detail();
  EXPECT_NE(check.detail().find("seq 10"), std::string::npos) << check.detail();
}

TEST(ReplicaAgreement, SamePrefixDifferentRoomsIsCaughtAcrossTime) {
  ReplicaAgreementCheck check;
  const std::vector<ReplicaSample> leader = {{3, kEpoch1, 40, 0x1}};
  const std::vector<ReplicaSample> follower = {{1, kEpoch1, 40, 0x2}};
  EXPECT_TRUE(check.add(100, leader));
  EXPECT_FALSE(check.add(500, follower));
}

TEST(ReplicaAgreement, DifferentEpochsAreDifferentPrefixes) {
  ReplicaAgreementCheck check;
  const std::vector<ReplicaSample> samples = {{1, kEpoch1, 10, 0xaa}, {2, kEpoch2, 10, 0xcc}};
  EXPECT_TRUE(check.add(100, samples));
}

TEST(ClientView, StrictlyIncreasingStatesAndScoresPass) {
  ClientViewCheck check("client 1");
  check.on_state(1, {kEpoch1, 5}, 1, pong::Score{0, 0});
  check.on_state(2, {kEpoch1, 9}, 1, pong::Score{1, 0});
  check.on_state(3, {kEpoch2, 2}, 1, pong::Score{1, 0});  // A newer epoch restarts nothing.
  check.on_state(4, {kEpoch2, 3}, 1, pong::Score{1, 1});
  EXPECT_TRUE(check.order_passed());
  EXPECT_TRUE(check.score_passed());
  EXPECT_EQ(check.states_checked(), 4u);
}

TEST(ClientView, OlderPositionIsCaught) {
  ClientViewCheck check("client 4");
  check.on_state(1, {kEpoch2, 5}, 1, pong::Score{0, 0});
  check.on_state(2, {kEpoch1, 900}, 1, pong::Score{0, 0});  // Older epoch, higher seq: still older.
  EXPECT_FALSE(check.order_passed());
  EXPECT_NE(check.order_violation()->find("client 4"), std::string::npos);
  EXPECT_TRUE(check.score_passed());
}

TEST(ClientView, RepeatedPositionIsCaught) {
  ClientViewCheck check;
  check.on_state(1, {kEpoch1, 5}, 1, pong::Score{0, 0});
  check.on_state(2, {kEpoch1, 5}, 1, pong::Score{0, 0});
  EXPECT_FALSE(check.order_passed());
}

TEST(ClientView, ScoreGoingBackwardsIsCaught) {
  ClientViewCheck check("client 2");
  check.on_state(1, {kEpoch1, 5}, 3, pong::Score{2, 1});
  check.on_state(2, {kEpoch2, 1}, 3, pong::Score{1, 1});  // A new leader that lost a point.
  EXPECT_TRUE(check.order_passed());
  ASSERT_FALSE(check.score_passed());
  EXPECT_NE(check.score_violation()->find("room 3 go from 2-1 to 1-1"), std::string::npos)
      << *check.score_violation();
}

TEST(ClientView, ANewRoomStartsFromZero) {
  ClientViewCheck check;
  check.on_state(1, {kEpoch1, 5}, 3, pong::Score{5, 1});
  check.on_state(2, {kEpoch1, 6}, 4, pong::Score{0, 0});
  EXPECT_TRUE(check.score_passed());
}

TEST(ClientView, AForgottenScoreMayComeBackAsAFreshRoom) {
  ClientViewCheck check("client 2");
  check.on_state(1, {kEpoch1, 5}, 3, pong::Score{0, 1});
  EXPECT_EQ(check.score_shown_at(), 1);
  check.forget_scores();  // Enough servers crashed: every copy may be gone.
  // The last copy keeps showing the score: it is still the score first shown at 1.
  check.on_state(2, {kEpoch1, 6}, 3, pong::Score{0, 1});
  EXPECT_EQ(check.score_shown_at(), 1);
  check.on_state(3, {kEpoch2, 1}, 3, pong::Score{0, 0});  // That copy crashed too: a fresh room.
  EXPECT_TRUE(check.score_passed());
  EXPECT_EQ(check.score_shown_at(), 3);
  check.on_state(4, {kEpoch2, 2}, 3, pong::Score{1, 0});
  check.on_state(5, {kEpoch2, 3}, 3, pong::Score{0, 0});  // Compared again from the fresh room on.
  EXPECT_FALSE(check.score_passed());
}

TEST(ClientFailover, MeasuresUntilTheLastSeatedClientSeesANewerLeader) {
  ClientFailoverTracker t;
  t.on_fault(1000, 3, "crash", kEpoch1, {1, 2});
  t.on_state(1200, 1, kEpoch1);  // The old leader's states do not count.
  t.on_state(1300, 1, kEpoch2);
  EXPECT_FALSE(t.failovers()[0].completed);
  EXPECT_FALSE(t.max_us().has_value());
  t.on_state(1450, 2, kEpoch2);
  ASSERT_TRUE(t.failovers()[0].completed);
  EXPECT_EQ(t.failovers()[0].duration_us(), 450);
  EXPECT_EQ(t.failovers()[0].last_client, 2);
  EXPECT_EQ(t.max_us(), 450);
}

TEST(ClientFailover, AClientThatNeverRehomesLeavesItIncomplete) {
  ClientFailoverTracker t;
  t.on_fault(1000, 3, "crash", kEpoch1, {1, 2});
  t.on_state(1300, 1, kEpoch2);
  EXPECT_FALSE(t.failovers()[0].completed);
  EXPECT_EQ(t.failovers()[0].rehomed, 1);
}

TEST(ClientFailover, AFinishedClientIsNotWaitedFor) {
  ClientFailoverTracker t;
  t.on_fault(1000, 3, "crash", kEpoch1, {1, 2});
  t.on_state(1300, 1, kEpoch2);
  t.on_unseated(1400, 2);
  ASSERT_TRUE(t.failovers()[0].completed);
  EXPECT_EQ(t.failovers()[0].finished_first, 1);
  EXPECT_EQ(t.max_us(), 400);
}

}  // namespace
}  // namespace dp::sim
