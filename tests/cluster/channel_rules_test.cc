// Each socket accepts only its own message families: a client's request on a server's control
// port, or a server's message on its client port, is counted as kWrongChannel and changes
// nothing.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/client/client_node.h"
#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"
#include "core/wire/channel_rules.h"
#include "tests/support/pong_replica.h"
#include "tests/support/sealed.h"

namespace dp {
namespace {

constexpr Endpoint kControl{0x7f010001, 50010};
constexpr Endpoint kClientPort{0x7f010001, 50020};
constexpr Endpoint kPlayer{0x7f020001, 40001};
constexpr Endpoint kPeer{0x7f010002, 50010};

template <class Msg>
std::vector<std::uint8_t> encoded(const NodeId& sender, const Epoch& epoch, const Msg& msg) {
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  auto size = wire::encode(sender, epoch, msg, buf);
  EXPECT_TRUE(size.ok());
  return {buf.begin(), buf.begin() + static_cast<long>(*size)};
}

// A server alone in its cluster: it leads and serves Pong after its discovery window.
class LoneLeader : public ::testing::Test {
 protected:
  LoneLeader() : node_(config(), pong::pong_services({})) {
    node_.start(now_);
    advance(node_.config().timing.discovery_window_us + 100 * kUsPerMs);
  }
  static ServerConfig config() {
    ServerConfig c;
    c.id = NodeId{1, 0};
    c.endpoints.control = kControl;
    c.endpoints.client = kClientPort;
    return c;
  }
  void advance(TimeUs dt) {
    const TimeUs end = now_ + dt;
    while (now_ < end) {
      now_ = std::min(end, std::max(now_ + 1, node_.next_tick_at()));
      node_.on_tick(now_);
      node_.outbox().clear();
    }
  }
  // What arrives on the server ports comes signed, as a server sends it (test::sealed_keyless).
  void deliver(Channel channel, Endpoint from, const std::vector<std::uint8_t>& bytes) {
    if (channel == Channel::kClient) {
      node_.on_datagram(now_, channel, from, bytes);
    } else {
      node_.on_datagram(now_, channel, from, test::sealed_keyless(bytes));
    }
  }
  std::uint64_t wrong_channel() const {
    return node_.stats()
        .rejected_by_error[static_cast<std::size_t>(wire::DecodeError::kWrongChannel)];
  }
  std::size_t rooms() const { return testing::book_of(node_.replica()).rooms().size(); }

  TimeUs now_ = 1'000'000;
  ServerNode node_;
};

TEST_F(LoneLeader, JoinOnTheClientPortOpensARoom) {
  ASSERT_TRUE(node_.replica().hosting());
  wire::Join join;
  join.client_id = 7;
  deliver(Channel::kClient, kPlayer, encoded(NodeId{0, 7}, Epoch{}, join));
  advance(50 * kUsPerMs);
  EXPECT_EQ(rooms(), 1u);
  EXPECT_EQ(wrong_channel(), 0u);
}

TEST_F(LoneLeader, ClientMessageOnTheControlPortIsCountedAndDropped) {
  ASSERT_TRUE(node_.replica().hosting());
  wire::Join join;
  join.client_id = 7;
  const auto rejected_before = node_.stats().datagrams_rejected;
  deliver(Channel::kControl, kPlayer, encoded(NodeId{0, 7}, Epoch{}, join));
  advance(50 * kUsPerMs);
  EXPECT_EQ(rooms(), 0u) << "a Join on the control port must not seat anyone";
  EXPECT_EQ(wrong_channel(), 1u);
  EXPECT_EQ(node_.stats().datagrams_rejected, rejected_before + 1);
}

TEST_F(LoneLeader, ServerMessageOnTheClientPortIsCountedAndDropped) {
  const Epoch epoch = node_.epoch();
  // A follower's heartbeat, which on the control port would make it a known peer.
  wire::Heartbeat hb;
  hb.control = kPeer;
  deliver(Channel::kClient, kPeer, encoded(NodeId{2, 0}, epoch, hb));
  wire::Replicate replicate;
  replicate.first_seq = 1;
  deliver(Channel::kClient, kPeer, encoded(NodeId{2, 0}, epoch, replicate));
  EXPECT_TRUE(node_.peers().empty()) << "a heartbeat on the client port must not add a peer";
  EXPECT_EQ(wrong_channel(), 2u);
  EXPECT_TRUE(node_.is_leader());

  deliver(Channel::kControl, kPeer, encoded(NodeId{2, 0}, epoch, hb));
  EXPECT_EQ(node_.peers().size(), 1u) << "the same heartbeat on the control port is heard";
}

TEST_F(LoneLeader, TheDiscoveryPortTakesOnlyDiscoveryRequests) {
  wire::Heartbeat hb;
  hb.control = kPeer;
  deliver(Channel::kDiscovery, kPeer, encoded(NodeId{2, 0}, Epoch{}, hb));
  EXPECT_EQ(wrong_channel(), 1u);
  wire::DiscoverRequest request;
  request.asker_role = static_cast<std::uint8_t>(wire::Role::kFollower);
  request.control = kPeer;
  deliver(Channel::kDiscovery, kPeer, encoded(NodeId{2, 0}, Epoch{}, request));
  EXPECT_EQ(wrong_channel(), 1u);
  EXPECT_EQ(node_.peers().size(), 1u);
  // A client's state sent to a server is refused by the service that owns the type.
  wire::RoomState state;
  deliver(Channel::kClient, kPlayer, encoded(NodeId{0, 7}, Epoch{}, state));
  EXPECT_EQ(wrong_channel(), 2u);
}

TEST(ChannelRules, ClientNodeRefusesServerTraffic) {
  ClientConfig config;
  config.id = NodeId{0, 5};
  config.endpoints.client = kPlayer;
  ClientNode client(config);
  client.start(0);
  wire::Heartbeat hb;
  hb.control = kPeer;
  client.on_datagram(1000, Channel::kClient, kPeer, encoded(NodeId{2, 0}, Epoch{}, hb));
  EXPECT_EQ(
      client.stats().rejected_by_error[static_cast<std::size_t>(wire::DecodeError::kWrongChannel)],
      1u);
  EXPECT_EQ(client.stats().datagrams_rejected, 1u);
}

TEST(ChannelRules, TableByFamily) {
  using wire::allowed_on;
  using wire::MsgType;
  using wire::Receiver;
  const auto t = [](MsgType m) { return static_cast<std::uint8_t>(m); };
  EXPECT_TRUE(allowed_on(Receiver::kServer, Channel::kDiscovery, t(MsgType::kDiscoverRequest)));
  EXPECT_FALSE(allowed_on(Receiver::kServer, Channel::kControl, t(MsgType::kDiscoverRequest)));
  EXPECT_TRUE(allowed_on(Receiver::kServer, Channel::kControl, t(MsgType::kSnapshot)));
  EXPECT_FALSE(allowed_on(Receiver::kServer, Channel::kClient, t(MsgType::kSnapshot)));
  EXPECT_TRUE(allowed_on(Receiver::kServer, Channel::kClient, t(MsgType::kInput)));
  EXPECT_FALSE(allowed_on(Receiver::kServer, Channel::kControl, t(MsgType::kInput)));
  EXPECT_TRUE(allowed_on(Receiver::kClient, Channel::kClient, t(MsgType::kRoomState)));
  EXPECT_TRUE(allowed_on(Receiver::kClient, Channel::kClient, t(MsgType::kDiscoverResponse)));
  EXPECT_FALSE(allowed_on(Receiver::kClient, Channel::kClient, t(MsgType::kHeartbeat)));
}

}  // namespace
}  // namespace dp
