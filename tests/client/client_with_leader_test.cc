// A real ClientNode against a real Pong leader (a LogReplica with one follower the test ACKs
// for), wired back to back with no network in between: what a player sees over long spans of
// simulated time, with the leader's own timeouts running.
#include <gtest/gtest.h>

#include <vector>

#include "core/client/client_node.h"
#include "tests/replication/replica_harness.h"

namespace dp {
namespace {

using dp::testing::PongLeader;

const NodeId kClientNodeId{0, 0xC1};
const Endpoint kClientEp{0x7f020001, 40001};
const Endpoint kLeaderClient{0x7f010009, 50011};
const Endpoint kLeaderControl{0x7f010009, 50010};
constexpr std::uint64_t kClientId = 77;

class ClientWithLeader : public ::testing::Test {
 protected:
  static ClientConfig make_config() {
    ClientConfig c;
    c.client_id = kClientId;
    c.id = kClientNodeId;
    c.endpoints.client = kClientEp;
    c.room_name = "lobby";
    c.seed = 5;
    return c;
  }

  ClientWithLeader() : client_(make_config()) {}

  // Starts the leader and the client, and answers the client's discovery as the leader.
  void start() {
    ASSERT_TRUE(leader_.start_with_follower());
    leader_.out.clear();
    client_.start(leader_.now);
    client_.outbox().clear();
    wire::DiscoverResponse r;
    r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
    r.client = kLeaderClient;
    r.leader_client = kLeaderClient;
    r.control = kLeaderControl;
    std::vector<std::uint8_t> buf(wire::kMaxDatagramSize);
    auto size = wire::encode(PongLeader::kSelf, PongLeader::kEpoch, r, buf);
    ASSERT_TRUE(size.ok());
    buf.resize(*size);
    client_.on_datagram(leader_.now, Channel::kClient, kLeaderControl, buf);
  }

  // Runs both for `duration_us` in 1 ms steps. Client datagrams reach the leader only while
  // `client_alive`; the leader's states to the client always reach it.
  void run_for(TimeUs duration_us, bool client_alive = true) {
    const TimeUs tick_us = ReplicaConfig{}.tick_interval_us;
    const TimeUs end = now_ + duration_us;
    for (; now_ < end; now_ += kUsPerMs) {
      if (client_alive && now_ >= client_.next_tick_at()) client_.on_tick(now_);
      for (const auto& d : client_.outbox().datagrams()) {
        if (d.broadcast || d.to != kLeaderClient) continue;
        const std::span<const std::uint8_t> bytes = client_.outbox().bytes(d);
        wire::Header header;
        ASSERT_FALSE(wire::decode_header(bytes, header).has_value());
        leader_.replica.on_client_datagram(now_, kClientEp, header, wire::body_of(bytes));
      }
      client_.outbox().clear();
      if (now_ >= leader_.now + tick_us) {
        leader_.tick();
        leader_.ack_all();
        for (const auto& d : leader_.out.datagrams()) {
          if (d.to != kClientEp || !client_alive) continue;
          client_.on_datagram(now_, Channel::kClient, kLeaderClient, leader_.out.bytes(d));
        }
        leader_.out.clear();
      }
    }
  }

  PongLeader leader_;
  ClientNode client_;
  TimeUs now_ = PongLeader{}.now;
};

TEST_F(ClientWithLeader, ALonePlayerWaitsForAnOpponentAsLongAsItTakes) {
  start();
  run_for(1 * kUsPerSecond);
  ASSERT_EQ(client_.phase(), ClientPhase::kSeated);
  ASSERT_NE(client_.shown(), nullptr);
  const std::uint32_t room = client_.room();
  EXPECT_EQ(client_.shown()->phase, room_phase::kWaiting);

  // Far past the leader's forfeit timeout (5 s): still seated, still waiting, same room.
  run_for(30 * kUsPerSecond);
  EXPECT_EQ(client_.phase(), ClientPhase::kSeated);
  ASSERT_NE(client_.shown(), nullptr);
  EXPECT_EQ(client_.shown()->phase, room_phase::kWaiting);
  EXPECT_EQ(client_.room(), room);
  EXPECT_FALSE(client_.result().has_value());
  EXPECT_TRUE(leader_.book().seat_of(kClientId).has_value()) << "the leader dropped the player";
  // Keepalives, not a 60 Hz stream: a waiting client costs the leader little.
  EXPECT_GT(client_.stats().inputs_sent, 100u);
  EXPECT_LT(client_.stats().inputs_sent, 200u);
}

TEST_F(ClientWithLeader, AWaitingClientThatFallsSilentIsStillDropped) {
  start();
  run_for(1 * kUsPerSecond);
  ASSERT_EQ(client_.phase(), ClientPhase::kSeated);
  ASSERT_TRUE(leader_.book().seat_of(kClientId).has_value());
  // The client crashes: nothing more from it. The forfeit timeout frees its seat.
  run_for(pong::PongConfig{}.forfeit_timeout_us + 1 * kUsPerSecond, /*client_alive=*/false);
  EXPECT_FALSE(leader_.book().seat_of(kClientId).has_value());
}

}  // namespace
}  // namespace dp
