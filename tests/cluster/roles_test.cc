// A server's roles are explicit states; the transitions between them are a fixed table, and
// the node refuses (asserts on) any move outside it.
#include <gtest/gtest.h>

#include "core/cluster/roles.h"
#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"

namespace dp {
namespace {

using R = ServerRole;

TEST(Roles, TheTransitionsAServerMakes) {
  EXPECT_TRUE(legal_transition(R::kLeaderless, R::kCandidate));
  EXPECT_TRUE(legal_transition(R::kLeaderless, R::kFollowing));
  EXPECT_TRUE(legal_transition(R::kCandidate, R::kLeading));
  EXPECT_TRUE(legal_transition(R::kCandidate, R::kBackingOff));
  EXPECT_TRUE(legal_transition(R::kCandidate, R::kFollowing));
  EXPECT_TRUE(legal_transition(R::kBackingOff, R::kCandidate));
  EXPECT_TRUE(legal_transition(R::kFollowing, R::kFollowing));
  EXPECT_TRUE(legal_transition(R::kFollowing, R::kLeaderless));
  EXPECT_TRUE(legal_transition(R::kLeading, R::kFollowing));
  EXPECT_TRUE(legal_transition(R::kLeading, R::kLeaderless));
}

TEST(Roles, IllegalTransitionsAreRefused) {
  // Only an election makes a leader, and only a new election makes a candidate.
  EXPECT_FALSE(legal_transition(R::kLeaderless, R::kLeading));
  EXPECT_FALSE(legal_transition(R::kFollowing, R::kLeading));
  EXPECT_FALSE(legal_transition(R::kBackingOff, R::kLeading));
  EXPECT_FALSE(legal_transition(R::kCandidate, R::kCandidate));
  EXPECT_FALSE(legal_transition(R::kLeading, R::kBackingOff));
  EXPECT_FALSE(legal_transition(R::kLeaderless, R::kBackingOff));
  // Stopped is terminal.
  for (int to = 0; to <= static_cast<int>(R::kStopped); ++to) {
    EXPECT_FALSE(legal_transition(R::kStopped, static_cast<R>(to)));
  }
}

TEST(Roles, WireRoles) {
  EXPECT_EQ(wire_role(R::kLeaderless), wire::Role::kFollower);
  EXPECT_EQ(wire_role(R::kFollowing), wire::Role::kFollower);
  EXPECT_EQ(wire_role(R::kCandidate), wire::Role::kCandidate);
  EXPECT_EQ(wire_role(R::kBackingOff), wire::Role::kCandidate);
  EXPECT_EQ(wire_role(R::kLeading), wire::Role::kLeader);
}

TEST(Roles, AStoppedServerTakesNoInput) {
  ServerConfig config;
  config.id = NodeId{3, 0};
  config.endpoints.control = Endpoint{0x7f010003, 50010};
  ServerNode node(config, pong::pong_services({}));
  node.start(0);
  node.on_tick(config.timing.discovery_window_us + 1);
  ASSERT_TRUE(node.is_leader()) << "alone, it elects itself";
  node.shutdown(kUsPerSecond);
  EXPECT_EQ(node.role_kind(), R::kStopped);
  EXPECT_FALSE(node.has_leader());
  node.outbox().clear();
  node.on_tick(2 * kUsPerSecond);
  EXPECT_TRUE(node.outbox().datagrams().empty());
}

}  // namespace
}  // namespace dp
