// The server's discovery, failure detection and Bully election, driven by hand: each test
// feeds one node crafted datagrams and ticks, and inspects what it sends and believes.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/cluster/server_node.h"
#include "tests/cluster/server_harness.h"

namespace dp {
namespace {

using test::client_of;
using test::control_of;
using test::Harness;
using test::id_of;
using wire::Role;

TEST(Election, LoneServerDiscoversThenLeads) {
  Harness h(1);
  h.start();
  EXPECT_EQ(h.count_sent(wire::MsgType::kDiscoverRequest), 1);
  EXPECT_TRUE(h.sent()[0].broadcast);
  h.advance(h.timing().discovery_window_us - 1);
  EXPECT_FALSE(h.node().is_leader()) << "must listen for a leader before electing";
  h.advance(2);
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch(), (Epoch{1, id_of(1)}));
}

TEST(Election, PersistedTermIsNeverReused) {
  Harness h(1, ElectionMode::kSticky, /*persisted_term=*/5);
  h.start();
  h.advance(h.timing().discovery_window_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch().term, 6u);
}

TEST(Election, LowerNodeAsksHigherAndWinsWhenNoAnswer) {
  Harness h(1);
  h.start();
  h.introduce(3);
  h.forget();
  h.advance(h.timing().discovery_window_us + 1);
  EXPECT_EQ(h.node().role(), Role::kCandidate);
  EXPECT_EQ(h.count_sent(wire::MsgType::kElection, control_of(3)), 1);
  h.advance(h.timing().answer_timeout_us + 1);
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.count_sent(wire::MsgType::kCoordinator, control_of(3)), 1);
}

TEST(Election, AnswerMakesCandidateWaitThenBackOff) {
  Harness h(1);
  h.start();
  h.introduce(3);
  h.advance(h.timing().discovery_window_us + 1);
  ASSERT_EQ(h.node().role(), Role::kCandidate);
  h.deliver(3, Epoch{}, wire::Answer{});
  h.advance(h.timing().answer_timeout_us + 1);
  EXPECT_FALSE(h.node().is_leader()) << "a higher node answered: it must not declare itself";
  h.advance(h.timing().coordinator_timeout_us);
  EXPECT_FALSE(h.node().is_leader());
  // The COORDINATOR of the higher node ends the election.
  wire::Coordinator c;
  c.control = control_of(3);
  h.deliver(3, Epoch{1, id_of(3)}, c);
  EXPECT_EQ(h.node().role(), Role::kFollower);
  EXPECT_EQ(h.node().epoch(), (Epoch{1, id_of(3)}));
}

TEST(Election, FollowerSuspectsSilentLeaderAndTakesOver) {
  Harness h(2);
  h.start();
  h.introduce(1);
  h.leader_heartbeat(3, 4);
  ASSERT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
  h.forget();
  // The leader keeps quiet past the timeout.
  h.advance(h.timing().heartbeat_timeout_us + 2);
  EXPECT_EQ(h.count_events(NodeEventKind::kSuspectLeader), 1);
  EXPECT_EQ(h.count_sent(wire::MsgType::kElection, control_of(3)), 1);
  EXPECT_EQ(h.count_sent(wire::MsgType::kElection, control_of(1)), 0)
      << "Bully asks higher ids only";
  h.advance(h.timing().answer_timeout_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch(), (Epoch{5, id_of(2)})) << "each COORDINATOR carries a higher term";
}

TEST(Election, LeaderThatStopsListingUsIsSuspected) {
  // One-way partition: our heartbeats no longer reach the leader, though its reach us.
  Harness h(2);
  h.start();
  h.leader_heartbeat(3, 1, /*lists_us=*/true);
  for (int i = 0; i < 6; ++i) {
    h.advance(h.timing().heartbeat_interval_us);
    h.leader_heartbeat(3, 1, /*lists_us=*/false);
  }
  EXPECT_EQ(h.count_events(NodeEventKind::kSuspectLeader), 1);
}

TEST(Election, StaleEpochIgnoredAndNewerEpochDeposesLeader) {
  Harness h(3);
  h.start();
  h.introduce(1);
  h.advance(h.timing().discovery_window_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  const Epoch mine = h.node().epoch();
  // An older leader's heartbeat changes nothing.
  h.leader_heartbeat(1, 0 + mine.term - 0, true);  // Same term, lower id: an older epoch.
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().stats().stale_epoch_ignored, 1u);
  // A newer epoch deposes us at once.
  h.leader_heartbeat(1, mine.term + 1, true);
  EXPECT_FALSE(h.node().is_leader());
  EXPECT_EQ(h.count_events(NodeEventKind::kSteppedDown), 1);
  EXPECT_EQ(h.node().epoch(), (Epoch{mine.term + 1, id_of(1)}));
}

TEST(Election, StickyLeaderAnswersElectionWithoutNewEpoch) {
  Harness h(3);
  h.start();
  h.introduce(1);
  h.advance(h.timing().discovery_window_us + 1);
  const Epoch before = h.node().epoch();
  h.forget();
  h.deliver(1, Epoch{}, wire::Election{});
  EXPECT_EQ(h.count_sent(wire::MsgType::kAnswer, control_of(1)), 1);
  EXPECT_EQ(h.count_sent(wire::MsgType::kCoordinator, control_of(1)), 1);
  EXPECT_EQ(h.node().epoch(), before);
}

TEST(Election, FollowerOfADeposedLeaderTakesOverTheCandidatesElection) {
  // Node 3 follows node 1 in epoch 1/node 1. Node 2 calls an election carrying a newer epoch
  // (1/node 9, a leader node 3 never heard of): node 1 was deposed, and node 2 will never
  // follow it. Answering "I have a leader" would leave node 2 calling elections for ever.
  Harness h(3);
  h.start();
  h.introduce(2);
  h.leader_heartbeat(1, 1);
  ASSERT_EQ(h.node().epoch(), (Epoch{1, id_of(1)}));
  h.forget();
  h.deliver(2, Epoch{1, id_of(9)}, wire::Election{});
  EXPECT_EQ(h.count_events(NodeEventKind::kSuspectLeader), 1);
  EXPECT_EQ(h.count_sent(wire::MsgType::kAnswer, control_of(2)), 1);
  h.advance(h.timing().discovery_window_us + 1);  // Past the start-up's listening window.
  ASSERT_TRUE(h.node().is_leader()) << "the highest id takes the election over and wins it";
  EXPECT_EQ(h.node().epoch(), (Epoch{2, id_of(3)}));
}

TEST(Election, FollowerKeepsItsLeaderWhenTheCandidateKnowsNothingNewer) {
  Harness h(3);
  h.start();
  h.introduce(2);
  h.leader_heartbeat(1, 1);
  h.forget();
  h.deliver(2, Epoch{1, id_of(1)}, wire::Election{});
  EXPECT_EQ(h.count_sent(wire::MsgType::kAnswer, control_of(2)), 1);
  EXPECT_EQ(h.count_events(NodeEventKind::kElectionStarted), 0);
  EXPECT_EQ(h.node().epoch(), (Epoch{1, id_of(1)})) << "sticky: a healthy leader stays";
}

TEST(Election, ClassicLeaderAnswersElectionWithNewEpoch) {
  Harness h(3, ElectionMode::kClassic);
  h.start();
  h.introduce(1);
  h.advance(h.timing().discovery_window_us + 1);
  const Epoch before = h.node().epoch();
  h.deliver(1, Epoch{}, wire::Election{});
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_GT(h.node().epoch(), before);
}

TEST(Election, StickyReturningHighIdJoinsHealthyLeader) {
  Harness h(3);
  h.start();
  for (int i = 0; i < 10; ++i) {
    h.leader_heartbeat(2, 7);
    h.advance(h.timing().heartbeat_interval_us);
  }
  EXPECT_EQ(h.node().role(), Role::kFollower);
  EXPECT_EQ(h.node().epoch(), (Epoch{7, id_of(2)}));
  EXPECT_EQ(h.count_events(NodeEventKind::kElectionStarted), 0);
}

TEST(Election, ClassicReturningHighIdTakesOver) {
  Harness h(3, ElectionMode::kClassic);
  h.start();
  h.leader_heartbeat(2, 7);
  h.advance(2 * h.timing().discovery_window_us);
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch(), (Epoch{8, id_of(3)}));
}

TEST(Election, GarbageIsCountedAndDropped) {
  Harness h(1);
  h.start();
  h.advance(h.timing().discovery_window_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  h.deliver_raw({1});
  h.deliver_raw(std::vector<std::uint8_t>(1500, 0xAB));
  EXPECT_EQ(h.node().stats().datagrams_rejected, 2u);
  EXPECT_EQ(h.node().stats().rejected_by_error[static_cast<int>(wire::DecodeError::kTooShort)], 1u);
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.count_events(NodeEventKind::kDatagramRejected), 2);
}

}  // namespace
}  // namespace dp

namespace dp {
namespace {

TEST(Election, ResigningLeaderIsReplacedAtOnce) {
  Harness h(2);
  h.start();
  h.introduce(1);
  for (int i = 0; i < 5; ++i) {
    h.leader_heartbeat(3, 4);
    h.advance(h.timing().heartbeat_interval_us);
  }
  ASSERT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
  h.deliver(3, Epoch{4, id_of(3)}, wire::Resign{});
  // Node 3 is forgotten, so node 2 is now the highest and takes over without waiting.
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch(), (Epoch{5, id_of(2)}));
  EXPECT_EQ(h.count_sent(wire::MsgType::kElection, control_of(3)), 0);
}

TEST(Election, ShutdownLeaderSendsResignAndGoesQuiet) {
  Harness h(3);
  h.start();
  h.introduce(1);
  h.advance(h.timing().discovery_window_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  h.forget();
  h.node().shutdown(h.now());
  h.node().on_tick(h.now() + 1000);
  EXPECT_FALSE(h.node().is_leader());
  EXPECT_TRUE(h.node().stopped());
}

TEST(Election, FollowerLearnsTheClusterSizeFromItsLeader) {
  // Followers heartbeat only their leader, so one may never hear the others: it learns how
  // many servers there are from the leader, or, elected later, it would wait for too few.
  Harness h(2);
  h.start();
  h.leader_heartbeat(6, 1, true, /*servers_known=*/6);
  EXPECT_EQ(h.node().peers_known(), 0u) << "one claim could be a corrupted datagram";
  h.leader_heartbeat(6, 1, true, 6);
  h.leader_heartbeat(6, 1, true, 6);
  EXPECT_EQ(h.node().peers_known(), 5u);
  // The most ever known is kept: a smaller claim later does not shrink it.
  for (int i = 0; i < 3; ++i) h.leader_heartbeat(6, 1, true, 3);
  EXPECT_EQ(h.node().peers_known(), 5u);
}

TEST(Election, LeaderTellsFollowersHowManyServersItKnows) {
  Harness h(3);
  h.start();
  for (int i = 0; i < 3; ++i) {
    h.introduce(1);
    h.introduce(2);
  }
  h.advance(h.timing().discovery_window_us + 1);
  h.grant_pre_vote(1);  // A majority of three: ourselves and one.
  ASSERT_TRUE(h.node().is_leader());
  auto& out = h.node().outbox();
  out.clear();
  bool saw = false;
  for (TimeUs t = h.now(); t <= h.now() + h.timing().heartbeat_interval_us && !saw; t += 1000) {
    if (h.node().next_tick_at() > t) continue;
    h.node().on_tick(t);
    for (const auto& d : out.datagrams()) {
      auto decoded = wire::decode(test::unsealed(out.bytes(d)));
      ASSERT_TRUE(decoded.ok());
      if (const auto* hb = std::get_if<wire::Heartbeat>(&decoded->body)) {
        EXPECT_EQ(hb->servers_known, 3u);
        saw = true;
      }
    }
    out.clear();
  }
  EXPECT_TRUE(saw) << "no heartbeat within one interval";
}

TEST(Election, ToldClusterSizeCountsServersNotYetHeard) {
  Harness h(1, ElectionMode::kSticky, 0, /*cluster_size=*/3);
  h.start();
  EXPECT_EQ(h.node().peers_known(), 2u);
  h.advance(2 * kUsPerSecond);
  EXPECT_FALSE(h.node().is_leader()) << "alone in a cluster of three: no majority, no election";
  EXPECT_EQ(h.node().highest_term(), 0u) << "and no term taken";
  EXPECT_EQ(h.count_events(NodeEventKind::kElectionStarted), 0);

  Harness alone(1);  // Not told: a cluster of one serves at once.
  alone.start();
  alone.advance(alone.timing().discovery_window_us + kUsPerSecond);
  ASSERT_TRUE(alone.node().is_leader());
  EXPECT_FALSE(alone.node().replica().recovering());
}

}  // namespace
}  // namespace dp
