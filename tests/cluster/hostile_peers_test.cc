// A hostile or misconfigured host on the LAN against one server: forged terms, unsigned or
// foreign-mode datagrams, and a server cut off from the majority (PreVote).
#include <gtest/gtest.h>

#include "tests/cluster/server_harness.h"

namespace dp {
namespace {

using test::control_of;
using test::Harness;
using test::id_of;
using wire::DecodeError;

// Node 2 follows leader 3 (epoch 4) in a cluster of three.
void follow_leader(Harness& h) {
  h.start();
  for (int i = 0; i < 3; ++i) h.introduce(1);
  h.leader_heartbeat(3, 4, true, 3);
  h.leader_heartbeat(3, 4, true, 3);
  h.leader_heartbeat(3, 4, true, 3);
  ASSERT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
}

wire::Coordinator coordinator_of(std::uint64_t n) {
  wire::Coordinator c;
  c.control = control_of(n);
  c.client = test::client_of(n);
  return c;
}

TEST(HostilePeers, ACoordinatorWithTheLargestTermIsRefused) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  const std::uint64_t max = ~std::uint64_t{0};
  h.deliver_bytes(Channel::kControl, control_of(77),
                  h.encoded(77, Epoch{max, id_of(77)}, coordinator_of(77), ElectionMode::kSticky));
  EXPECT_EQ(h.rejected(DecodeError::kOutOfRange), 1u);
  EXPECT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
  EXPECT_EQ(h.node().highest_term(), 4u);
}

TEST(HostilePeers, ATermJumpBeyondTheBoundIsRefused) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  const std::uint64_t far = 4 + ServerNode::kMaxTermJump + 1;
  h.deliver_bytes(Channel::kControl, control_of(77),
                  h.encoded(77, Epoch{far, id_of(77)}, coordinator_of(77), ElectionMode::kSticky));
  EXPECT_EQ(h.rejected(DecodeError::kTermJump), 1u);
  EXPECT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
  EXPECT_EQ(h.node().highest_term(), 4u);
  // Within the bound a (keyless) cluster still moves on, as terms legitimately do.
  h.deliver_bytes(Channel::kControl, control_of(3),
                  h.encoded(3, Epoch{9, id_of(3)}, coordinator_of(3), ElectionMode::kSticky));
  EXPECT_EQ(h.node().epoch(), (Epoch{9, id_of(3)}));
}

TEST(HostilePeers, AServerOfAnotherModeIsRefusedNotObeyed) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  // A hand-picked highest id started with --mode classic announces itself.
  h.deliver_bytes(Channel::kControl, control_of(99),
                  h.encoded(99, Epoch{5, id_of(99)}, coordinator_of(99), ElectionMode::kClassic));
  EXPECT_EQ(h.rejected(DecodeError::kForeignMode), 1u);
  EXPECT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
  EXPECT_EQ(h.node().peers().count(id_of(99)), 0u);
}

TEST(HostilePeers, AKeyedServerRefusesUnsignedDatagrams) {
  ClusterKeys keys;
  keys.primary = ClusterKey{};
  keys.primary->fill(5);
  Harness h(2, ElectionMode::kSticky, 0, 3, keys);
  h.start();
  h.introduce(1);  // Keyless: refused.
  h.leader_heartbeat(3, 4, true, 3);
  EXPECT_EQ(h.rejected(DecodeError::kUnsigned), 2u);
  EXPECT_TRUE(h.node().peers().empty());
  EXPECT_FALSE(h.node().has_leader());
  EXPECT_EQ(h.node().highest_term(), 0u);
  // Everything it sends is signed (a keyed trailer).
  h.advance(h.timing().heartbeat_interval_us + 1);
  bool sent_any = false;
  for (const auto& d : h.node().outbox().datagrams()) {
    sent_any = true;
    EXPECT_EQ(DatagramAuth::split(h.node().outbox().bytes(d)).trailer.size(), kTrailerKeyedBytes);
  }
  (void)sent_any;
}

TEST(HostilePeers, AClientsDiscoveryRequestIsAnsweredButChangesNothing) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  auto ask = wire::client_discover_request(Endpoint{0x7f000009, 40000});
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  // A client's header may carry any epoch: a server must not take its term.
  auto size = wire::encode(NodeId{0, 9}, Epoch{1000, NodeId{0, 9}}, ask, buf);
  ASSERT_TRUE(size.ok());
  h.forget();
  h.deliver_bytes(Channel::kDiscovery, ask.client,
                  std::vector<std::uint8_t>(buf.begin(), buf.begin() + *size));
  EXPECT_EQ(h.count_sent(wire::MsgType::kDiscoverResponse, ask.client), 1);
  EXPECT_EQ(h.node().highest_term(), 4u);
  // The same request claiming to come from a server, unsigned: refused.
  ask.asker_role = static_cast<std::uint8_t>(wire::Role::kFollower);
  ask.control = ask.client;
  size = wire::encode(NodeId{0, 9}, Epoch{}, ask, buf);
  h.deliver_bytes(Channel::kDiscovery, ask.client,
                  std::vector<std::uint8_t>(buf.begin(), buf.begin() + *size));
  EXPECT_EQ(h.rejected(DecodeError::kUnsigned), 1u);
  EXPECT_EQ(h.node().peers().count(NodeId{0, 9}), 0u);
}

TEST(HostilePeers, CutOffFromTheMajorityAServerTakesNoNewTerm) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  h.forget();
  // The leader and the other follower are unreachable: nobody grants a pre-vote.
  h.advance(5 * kUsPerSecond);
  EXPECT_FALSE(h.node().has_leader());
  EXPECT_EQ(h.node().highest_term(), 4u) << "a minority must not impose a newer epoch";
  EXPECT_EQ(h.count_events(NodeEventKind::kElectionStarted), 0);
  EXPECT_GT(h.node().stats().pre_votes_refused, 0u);
  // On heal the leader lists it again, and it follows the same epoch.
  h.leader_heartbeat(3, 4, true, 3);
  EXPECT_EQ(h.node().epoch(), (Epoch{4, id_of(3)}));
}

TEST(HostilePeers, AMajorityThatLostItsLeaderElects) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  h.forget();
  h.advance(h.timing().heartbeat_timeout_us + 2);
  EXPECT_EQ(h.count_sent(wire::MsgType::kPreVote, control_of(1)), 1);
  h.grant_pre_vote(1);
  EXPECT_EQ(h.count_events(NodeEventKind::kElectionStarted), 1);
  h.advance(h.timing().answer_timeout_us + 1);  // Leader 3 does not answer.
  EXPECT_TRUE(h.node().is_leader());
  EXPECT_EQ(h.node().epoch(), (Epoch{5, id_of(2)}));
}

TEST(HostilePeers, AFollowerOfALiveLeaderRefusesAPreVote) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  wire::PreVote ask;
  ask.control = control_of(1);
  h.forget();
  h.deliver(1, Epoch{4, id_of(3)}, ask);
  ASSERT_EQ(h.count_sent(wire::MsgType::kPreVoteReply, control_of(1)), 1);
  // Its leader quiet for half the timeout: it grants.
  h.advance(h.timing().heartbeat_timeout_us / 2 + 1);
  h.deliver(1, Epoch{4, id_of(3)}, ask);
  EXPECT_EQ(h.count_sent(wire::MsgType::kPreVoteReply, control_of(1)), 2);
}

TEST(HostilePeers, APreVoteFromANewerEpochDeposesALeaderThatLostTheSplit) {
  // Found by the swarm: node 2 and node 3 both won term 5 (node 2 could not hear node 3);
  // node 3 then crashed. Node 1 followed 5/node 3, so it refused node 2's heartbeats, and node
  // 2 refused node 1's pre-votes as a leader: nobody led for good.
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  h.advance(h.timing().heartbeat_timeout_us + 2);
  h.grant_pre_vote(1);
  h.advance(h.timing().answer_timeout_us + 1);
  ASSERT_TRUE(h.node().is_leader());
  ASSERT_EQ(h.node().epoch(), (Epoch{5, id_of(2)}));
  wire::PreVote ask;
  ask.control = control_of(1);
  h.forget();
  h.deliver(1, Epoch{5, id_of(3)}, ask);
  EXPECT_FALSE(h.node().is_leader());
  EXPECT_EQ(h.node().known_epoch(), (Epoch{5, id_of(3)}));
  ASSERT_EQ(h.sent().size(), 1u);
  EXPECT_EQ(h.sent()[0].type, wire::MsgType::kPreVoteReply);
  // The same pre-vote in the leader's own epoch is refused, and changes nothing.
  Harness g(2, ElectionMode::kSticky, 0, 3);
  follow_leader(g);
  g.deliver(1, Epoch{4, id_of(3)}, ask);
  EXPECT_EQ(g.node().epoch(), (Epoch{4, id_of(3)}));
  EXPECT_TRUE(g.node().has_leader());
}

TEST(HostilePeers, NoAnswerIsLargerThanItsRequestOrComesTooOften) {
  Harness h(2, ElectionMode::kSticky, 0, 3);
  follow_leader(h);
  const Endpoint victim{0x7f000009, 40000};
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  auto send = [&](const wire::DiscoverRequest& ask) {
    auto size = wire::encode(NodeId{0, 9}, Epoch{}, ask, buf);
    ASSERT_TRUE(size.ok());
    h.deliver_bytes(Channel::kDiscovery, victim,
                    std::vector<std::uint8_t>(buf.begin(), buf.begin() + *size));
  };
  // Unpadded: the answer would be larger than the question.
  wire::DiscoverRequest bare;
  bare.asker_role = static_cast<std::uint8_t>(wire::Role::kClient);
  bare.client = victim;
  h.forget();
  send(bare);
  EXPECT_EQ(h.count_sent(wire::MsgType::kDiscoverResponse, victim), 0);
  EXPECT_EQ(h.node().stats().unpadded_requests, 1u);
  // Padded, 1,000 at once: a burst of 40 is answered, then 20 a second.
  for (int i = 0; i < 1000; ++i) send(wire::client_discover_request(victim));
  EXPECT_EQ(h.count_sent(wire::MsgType::kDiscoverResponse, victim), 40);
  EXPECT_EQ(h.node().stats().replies_rate_limited, 960u);
  h.advance(kUsPerSecond);
  h.forget();
  for (int i = 0; i < 1000; ++i) send(wire::client_discover_request(victim));
  EXPECT_EQ(h.count_sent(wire::MsgType::kDiscoverResponse, victim), 20);
}

}  // namespace
}  // namespace dp
