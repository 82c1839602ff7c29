// Three real ServerNodes on loopback UDP, each on its own NodeDriver sharing one io_context:
// they find each other by broadcast on a shared random discovery port, elect the highest id,
// and shrug off garbage sent to every port.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include <asio.hpp>

#include "core/cluster/server_node.h"
#include "core/common/rng.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"
#include "tests/transport/test_support.h"
#include "transport/asio_udp_transport.h"
#include "transport/node_driver.h"

namespace dp {
namespace {

constexpr std::size_t kServers = 3;

struct Server {
  std::unique_ptr<AsioUdpTransport> transport;
  std::unique_ptr<ServerNode> node;
  std::unique_ptr<NodeDriver> driver;
};

class ServerCluster : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::uint16_t port = test::random_discovery_port();
    for (std::size_t i = 0; i < kServers; ++i) {
      UdpTransportConfig udp;
      udp.discovery_port = port;
      udp.control_port = 0;
      udp.client_port = 0;
      udp.discovery_address = test::kLoopbackBroadcast;
      auto opened = AsioUdpTransport::open(io_, udp);
      ASSERT_TRUE(opened.ok()) << opened.error().message;
      Server& s = servers_[i];
      s.transport = std::move(*opened);
      ServerConfig config;
      config.id = NodeId{0xa000 + i, 0x5eed0000 + i};
      config.seed = 100 + i;
      config.endpoints = s.transport->local_endpoints();
      s.node = std::make_unique<ServerNode>(config, pong::pong_services({}));
      s.driver = std::make_unique<NodeDriver>(io_, *s.node, *s.transport, DriverCallbacks{});
    }
    for (Server& s : servers_) s.driver->start();
  }

  const ServerNode& node(std::size_t i) const { return *servers_[i].node; }
  const ServerNode& highest() const { return node(kServers - 1); }

  // Exactly one leader, the highest id, and every other server follows its epoch.
  bool settled() const {
    if (!highest().is_leader()) return false;
    for (std::size_t i = 0; i + 1 < kServers; ++i) {
      if (node(i).is_leader() || node(i).epoch() != highest().epoch()) return false;
    }
    return true;
  }

  asio::io_context io_;
  std::array<Server, kServers> servers_;
};

TEST_F(ServerCluster, ElectsTheHighestIdWithinThreeSeconds) {
  ASSERT_TRUE(test::run_until(
      io_, [&] { return settled(); }, std::chrono::milliseconds(3000)));
  EXPECT_EQ(highest().epoch().leader, highest().id());
  for (std::size_t i = 0; i < kServers; ++i) {
    EXPECT_EQ(servers_[i].driver->stats().node_exceptions, 0u);
    EXPECT_EQ(node(i).stats().datagrams_rejected, 0u);
  }
}

std::vector<std::vector<std::uint8_t>> garbage_datagrams() {
  std::vector<std::vector<std::uint8_t>> out;
  Rng rng(2024);
  for (int n = 0; n < 3; ++n) {
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(rng.range(1, 400)));
    for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.uniform(256));
    out.push_back(bytes);
  }
  // The seed lost two threads to the 3-byte datagram "[1]"; also the single byte 1.
  out.push_back({'[', '1', ']'});
  out.push_back({1});
  // A valid heartbeat, cut short: once inside the header, once inside the body.
  std::array<std::uint8_t, wire::kMaxDatagramSize> buffer{};
  wire::Heartbeat hb;
  hb.role = 0;
  const auto size = wire::encode(NodeId{1, 1}, Epoch{}, hb, buffer);
  EXPECT_TRUE(size.ok());
  out.emplace_back(buffer.begin(), buffer.begin() + 20);
  out.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(*size - 1));
  out.push_back(std::vector<std::uint8_t>(1500, 0x50));  // Oversized.
  return out;
}

TEST_F(ServerCluster, GarbageOnEveryPortIsCountedAndTheClusterKeepsItsLeader) {
  ASSERT_TRUE(test::run_until(
      io_, [&] { return settled(); }, std::chrono::milliseconds(3000)));
  const Epoch epoch = highest().epoch();
  std::array<std::uint64_t, kServers> rejected_before{};
  std::uint64_t total_before = 0;
  for (std::size_t i = 0; i < kServers; ++i) {
    rejected_before[i] = node(i).stats().datagrams_rejected;
    total_before += rejected_before[i];
  }

  asio::ip::udp::socket attacker(io_, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  const auto garbage = garbage_datagrams();
  std::uint64_t sent = 0;
  for (const Server& s : servers_) {
    const LocalEndpoints ep = s.transport->local_endpoints();
    for (const Endpoint to : {ep.discovery, ep.control, ep.client}) {
      for (const auto& datagram : garbage) {
        attacker.send_to(asio::buffer(datagram),
                         asio::ip::udp::endpoint(asio::ip::address_v4(to.ip), to.port));
        ++sent;
      }
    }
  }
  const auto total_rejected = [&] {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < kServers; ++i) total += node(i).stats().datagrams_rejected;
    return total;
  };
  // Unicast to the shared discovery port reaches one of the servers, so count in total.
  ASSERT_TRUE(test::run_until(io_, [&] { return total_rejected() - total_before >= sent; }));
  for (std::size_t i = 0; i < kServers; ++i) {
    // Each server's own control and client ports got every garbage datagram.
    EXPECT_GE(node(i).stats().datagrams_rejected - rejected_before[i], 2 * garbage.size());
    EXPECT_EQ(servers_[i].driver->stats().node_exceptions, 0u);
  }
  const auto& reasons = highest().stats().rejected_by_error;
  EXPECT_GT(reasons[static_cast<std::size_t>(wire::DecodeError::kTooShort)], 0u);
  EXPECT_GT(reasons[static_cast<std::size_t>(wire::DecodeError::kTooLong)], 0u);

  // Longer than a heartbeat timeout: a server knocked over by the garbage would have been
  // suspected by now.
  test::run_for(io_, std::chrono::milliseconds(400));
  EXPECT_TRUE(settled());
  EXPECT_EQ(highest().epoch(), epoch);

  // And the cluster still answers: a client's discovery request (on the discovery port, the
  // only one that takes it) gets a reply that names the leader.
  const auto local = attacker.local_endpoint();
  const auto ask =
      wire::client_discover_request(Endpoint{local.address().to_v4().to_uint(), local.port()});
  std::array<std::uint8_t, wire::kMaxDatagramSize> buffer{};
  const auto size = wire::encode(NodeId{0, 77}, Epoch{}, ask, buffer);
  ASSERT_TRUE(size.ok());
  const Endpoint discovery = highest().config().endpoints.discovery;
  attacker.send_to(asio::buffer(buffer.data(), *size),
                   asio::ip::udp::endpoint(asio::ip::address_v4(discovery.ip), discovery.port));
  std::array<std::uint8_t, 2048> reply{};
  std::size_t reply_size = 0;
  attacker.async_receive(asio::buffer(reply), [&](const asio::error_code& ec, std::size_t n) {
    if (!ec) reply_size = n;
  });
  ASSERT_TRUE(test::run_until(io_, [&] { return reply_size > 0; }));
  const auto decoded = wire::decode({reply.data(), reply_size});
  ASSERT_TRUE(decoded.ok());
  ASSERT_TRUE(std::holds_alternative<wire::DiscoverResponse>(decoded->body));
  const auto& answer = std::get<wire::DiscoverResponse>(decoded->body);
  EXPECT_EQ(decoded->header.epoch, epoch);
  if (answer.role == static_cast<std::uint8_t>(wire::Role::kLeader)) {
    EXPECT_EQ(decoded->header.sender, highest().id());
  } else {
    EXPECT_EQ(answer.leader_client, highest().config().endpoints.client);
  }
}

}  // namespace
}  // namespace dp
