// The Asio UDP transport on loopback: unicast between two transports, broadcast on a shared
// discovery port reaching every listener on the host, endpoints and error values.
#include "transport/asio_udp_transport.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/transport/test_support.h"

namespace dp {
namespace {

using test::kLoopbackBroadcast;
using test::kLoopbackIp;

struct Received {
  Channel channel;
  Endpoint from;
  std::string text;
};

UdpTransportConfig loopback_server(std::uint16_t discovery_port) {
  UdpTransportConfig config;
  config.discovery_port = discovery_port;
  config.control_port = 0;
  config.client_port = 0;
  config.discovery_address = kLoopbackBroadcast;
  return config;
}

std::unique_ptr<AsioUdpTransport> open_or_fail(asio::io_context& io,
                                               const UdpTransportConfig& config) {
  auto opened = AsioUdpTransport::open(io, config);
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  return opened.ok() ? std::move(*opened) : nullptr;
}

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

Transport::ReceiveHandler collect_into(std::vector<Received>& out) {
  return [&out](Channel channel, Endpoint from, std::span<const std::uint8_t> bytes) {
    out.push_back({channel, from, std::string(bytes.begin(), bytes.end())});
  };
}

TEST(AsioUdpTransport, ReportsBoundEphemeralPortsWithLoopbackIp) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  auto t = open_or_fail(io, loopback_server(port));
  ASSERT_NE(t, nullptr);
  const LocalEndpoints ep = t->local_endpoints();
  EXPECT_EQ(ep.discovery, (Endpoint{kLoopbackIp, port}));
  EXPECT_EQ(ep.discovery_port, port);
  EXPECT_EQ(ep.control.ip, kLoopbackIp);
  EXPECT_NE(ep.control.port, 0);
  EXPECT_EQ(ep.client.ip, kLoopbackIp);
  EXPECT_NE(ep.client.port, 0);
  EXPECT_NE(ep.control.port, ep.client.port);
}

TEST(AsioUdpTransport, AdvertisesConfiguredIp) {
  asio::io_context io;
  UdpTransportConfig config = loopback_server(test::random_discovery_port());
  config.advertise_ip = "127.0.0.7";
  auto t = open_or_fail(io, config);
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->local_endpoints().control.ip, 0x7f000007u);
}

TEST(AsioUdpTransport, TwoTransportsExchangeUnicast) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  auto a = open_or_fail(io, loopback_server(port));
  auto b = open_or_fail(io, loopback_server(port));
  ASSERT_TRUE(a && b);
  std::vector<Received> at_a;
  std::vector<Received> at_b;
  a->start_receiving(collect_into(at_a));
  b->start_receiving(collect_into(at_b));

  EXPECT_EQ(a->send(Channel::kControl, b->local_endpoints().control, as_bytes("ping")),
            SendStatus::kOk);
  ASSERT_TRUE(test::run_until(io, [&] { return !at_b.empty(); }));
  EXPECT_EQ(at_b[0].channel, Channel::kControl);
  EXPECT_EQ(at_b[0].text, "ping");
  EXPECT_EQ(at_b[0].from.port, a->local_endpoints().control.port);

  // Reply to the sender's address, from the client socket to A's client socket.
  EXPECT_EQ(b->send(Channel::kClient, a->local_endpoints().client, as_bytes("pong")),
            SendStatus::kOk);
  ASSERT_TRUE(test::run_until(io, [&] { return !at_a.empty(); }));
  EXPECT_EQ(at_a[0].channel, Channel::kClient);
  EXPECT_EQ(at_a[0].text, "pong");
  EXPECT_EQ(a->stats().datagrams_received, 1u);
  EXPECT_EQ(b->stats().datagrams_sent, 1u);
}

TEST(AsioUdpTransport, BroadcastReachesEveryListenerOnTheSharedPort) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  auto first = open_or_fail(io, loopback_server(port));
  auto second = open_or_fail(io, loopback_server(port));
  UdpTransportConfig client_config;
  client_config.server = false;
  client_config.client_port = 0;
  client_config.discovery_port = port;
  client_config.discovery_address = kLoopbackBroadcast;
  auto client = open_or_fail(io, client_config);
  ASSERT_TRUE(first && second && client);

  std::vector<Received> at_first;
  std::vector<Received> at_second;
  first->start_receiving(collect_into(at_first));
  second->start_receiving(collect_into(at_second));
  EXPECT_EQ(client->broadcast(Channel::kClient, port, as_bytes("who leads?")), SendStatus::kOk);
  ASSERT_TRUE(test::run_until(io, [&] { return !at_first.empty() && !at_second.empty(); }));
  for (const auto* got : {&at_first, &at_second}) {
    EXPECT_EQ(got->front().channel, Channel::kDiscovery);
    EXPECT_EQ(got->front().text, "who leads?");
    EXPECT_EQ(got->front().from.port, client->local_endpoints().client.port);
  }
}

TEST(AsioUdpTransport, ClientHasOnlyItsClientSocket) {
  asio::io_context io;
  UdpTransportConfig config;
  config.server = false;
  config.client_port = 0;
  config.discovery_address = kLoopbackBroadcast;
  auto client = open_or_fail(io, config);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->has_channel(Channel::kClient));
  EXPECT_FALSE(client->has_channel(Channel::kControl));
  EXPECT_TRUE(client->local_endpoints().control.is_unset());
  EXPECT_EQ(client->send(Channel::kControl, Endpoint{kLoopbackIp, 9}, as_bytes("x")),
            SendStatus::kNoSuchChannel);
  EXPECT_EQ(client->stats().send_errors, 1u);
}

TEST(AsioUdpTransport, RefusesOversizedSends) {
  asio::io_context io;
  auto t = open_or_fail(io, loopback_server(test::random_discovery_port()));
  ASSERT_NE(t, nullptr);
  const std::string big(kTransportMaxDatagramBytes + 1, 'x');
  EXPECT_EQ(t->send(Channel::kControl, t->local_endpoints().client, as_bytes(big)),
            SendStatus::kTooLarge);
}

TEST(AsioUdpTransport, TakenControlPortIsAnErrorValueNamingThePort) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  auto first = open_or_fail(io, loopback_server(port));
  ASSERT_NE(first, nullptr);
  UdpTransportConfig clash = loopback_server(port);
  clash.control_port = first->local_endpoints().control.port;
  const auto second = AsioUdpTransport::open(io, clash);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("control port " + std::to_string(clash.control_port)),
            std::string::npos)
      << second.error().message;
}

TEST(AsioUdpTransport, RejectsBadAddressesAndZeroDiscoveryPort) {
  asio::io_context io;
  UdpTransportConfig config = loopback_server(test::random_discovery_port());
  config.discovery_address = "not-an-ip";
  EXPECT_FALSE(AsioUdpTransport::open(io, config).ok());
  config = loopback_server(0);
  EXPECT_FALSE(AsioUdpTransport::open(io, config).ok());
  config = loopback_server(test::random_discovery_port());
  config.advertise_ip = "1.2.3";
  EXPECT_FALSE(AsioUdpTransport::open(io, config).ok());
}

TEST(AsioUdpTransport, AdvertisesLoopbackForLoopbackDiscovery) {
  EXPECT_EQ(advertise_ip_for(0x7fffffff, 50000), kLoopbackIp);
  EXPECT_EQ(advertise_ip_for(0x7f000001, 50000), kLoopbackIp);
}

TEST(ParseIpv4, AcceptsDottedQuadOnly) {
  ASSERT_TRUE(parse_ipv4("127.255.255.255").ok());
  EXPECT_EQ(*parse_ipv4("127.255.255.255"), 0x7fffffffu);
  EXPECT_FALSE(parse_ipv4("").ok());
  EXPECT_FALSE(parse_ipv4("256.0.0.1").ok());
  EXPECT_FALSE(parse_ipv4("::1").ok());
}

}  // namespace
}  // namespace dp
