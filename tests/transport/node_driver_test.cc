// NodeDriver with a small scripted node over real loopback sockets: it delivers datagrams
// to the node, sends what the node puts in its outbox (unicast and broadcast), ticks the
// node on time, reports events and persisted state, and survives a node that throws.
#include "transport/node_driver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/transport/test_support.h"
#include "transport/asio_udp_transport.h"

namespace dp {
namespace {

// Replies "pong" to "ping", throws on "boom", records everything; ticks every 10 ms and
// broadcasts "hello" from its control socket on start.
class EchoNode final : public Node {
 public:
  static constexpr TimeUs kTickUs = 10 * kUsPerMs;

  void start(TimeUs now) override {
    next_tick_us_ = now + kTickUs;
    outbox_.emit(node_event(now, NodeEventKind::kStarted));
    outbox_.persist(PersistentState{7, {}, 0});
    put(Channel::kControl, true, Endpoint{0, discovery_port}, "hello");
  }
  void on_datagram(TimeUs, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override {
    const std::string text(bytes.begin(), bytes.end());
    if (text == "boom") throw std::runtime_error("scripted failure");
    received.push_back(text);
    channels.push_back(channel);
    if (text == "ping") put(channel, false, from, "pong");
  }
  void on_tick(TimeUs now) override {
    ++ticks;
    next_tick_us_ = now + kTickUs;
  }
  TimeUs next_tick_at() const override { return next_tick_us_; }

  std::uint16_t discovery_port = 0;
  std::vector<std::string> received;
  std::vector<Channel> channels;
  int ticks = 0;

 private:
  void put(Channel from, bool broadcast, Endpoint to, const std::string& text) {
    auto buffer = outbox_.begin_datagram();
    std::copy(text.begin(), text.end(), buffer.begin());
    outbox_.commit_datagram(from, broadcast, to, text.size(), 0);
  }
  TimeUs next_tick_us_ = 0;
};

struct Harness {
  explicit Harness(asio::io_context& io, std::uint16_t port) {
    UdpTransportConfig config;
    config.discovery_port = port;
    config.control_port = 0;
    config.client_port = 0;
    config.discovery_address = test::kLoopbackBroadcast;
    auto opened = AsioUdpTransport::open(io, config);
    EXPECT_TRUE(opened.ok());
    transport = std::move(*opened);
    node.discovery_port = port;
    DriverCallbacks callbacks;
    callbacks.on_event = [this](const NodeEvent& e) { events.push_back(e.kind); };
    callbacks.on_durable = [this](const Outbox& out) {
      if (out.persisted()) persisted.push_back(*out.persisted());
    };
    driver = std::make_unique<NodeDriver>(io, node, *transport, callbacks);
  }
  std::unique_ptr<AsioUdpTransport> transport;
  EchoNode node;
  std::vector<NodeEventKind> events;
  std::vector<PersistentState> persisted;
  std::unique_ptr<NodeDriver> driver;
};

std::span<const std::uint8_t> as_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

TEST(NodeDriver, StartsTicksAndReportsEventsAndPersistence) {
  asio::io_context io;
  Harness h(io, test::random_discovery_port());
  h.driver->start();
  ASSERT_TRUE(test::run_until(io, [&] { return h.node.ticks >= 3; }));
  EXPECT_EQ(h.events, std::vector<NodeEventKind>{NodeEventKind::kStarted});
  ASSERT_EQ(h.persisted.size(), 1u);
  EXPECT_EQ(h.persisted[0].highest_term, 7u);
  EXPECT_EQ(h.driver->stats().node_exceptions, 0u);
}

TEST(NodeDriver, BroadcastsReachPeersAndUnicastRepliesGoBack) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  Harness a(io, port);
  Harness b(io, port);
  b.driver->start();
  a.driver->start();  // A's "hello" broadcast reaches B (and A itself) on the discovery port.
  ASSERT_TRUE(test::run_until(io, [&] { return !b.node.received.empty(); }));
  EXPECT_EQ(b.node.received[0], "hello");
  EXPECT_EQ(b.node.channels[0], Channel::kDiscovery);

  // A raw "ping" to B's client port gets "pong" back from B's client socket.
  ASSERT_EQ(
      a.transport->send(Channel::kClient, b.transport->local_endpoints().client, as_bytes("ping")),
      SendStatus::kOk);
  ASSERT_TRUE(test::run_until(io, [&] {
    return std::find(a.node.received.begin(), a.node.received.end(), "pong") !=
           a.node.received.end();
  }));
  EXPECT_GE(b.driver->stats().datagrams_out, 2u);  // hello + pong.
}

TEST(NodeDriver, ANodeThatThrowsIsCountedAndKeepsBeingDriven) {
  asio::io_context io;
  Harness target(io, test::random_discovery_port());
  target.driver->start();
  const Endpoint to = target.transport->local_endpoints().control;
  ASSERT_EQ(target.transport->send(Channel::kClient, to, as_bytes("boom")), SendStatus::kOk);
  ASSERT_EQ(target.transport->send(Channel::kClient, to, as_bytes("after")), SendStatus::kOk);
  ASSERT_TRUE(test::run_until(io, [&] {
    return std::find(target.node.received.begin(), target.node.received.end(), "after") !=
           target.node.received.end();
  }));
  EXPECT_EQ(target.driver->stats().node_exceptions, 1u);
  const int ticks_before = target.node.ticks;
  EXPECT_TRUE(test::run_until(io, [&] { return target.node.ticks > ticks_before + 2; }));
}

TEST(NodeDriver, StopEndsTicksAndDeliveries) {
  asio::io_context io;
  Harness h(io, test::random_discovery_port());
  h.driver->start();
  ASSERT_TRUE(test::run_until(io, [&] { return h.node.ticks >= 1; }));
  h.driver->stop();
  const int ticks = h.node.ticks;
  ASSERT_EQ(
      h.transport->send(Channel::kClient, h.transport->local_endpoints().control, as_bytes("late")),
      SendStatus::kOk);
  test::run_for(io, std::chrono::milliseconds(60));
  EXPECT_EQ(h.node.ticks, ticks);
  EXPECT_TRUE(std::find(h.node.received.begin(), h.node.received.end(), "late") ==
              h.node.received.end());
}

TEST(NodeDriver, ApplyRunsACallerInputAndSendsItsOutput) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  Harness a(io, port);
  Harness b(io, port);
  a.driver->start();
  b.driver->start();
  // The input a shutdown hook would give: here, a ping from A's control socket to B.
  const Endpoint b_control = b.transport->local_endpoints().control;
  a.driver->apply([&](TimeUs) {
    auto buffer = a.node.outbox().begin_datagram();
    const std::string text = "ping";
    std::copy(text.begin(), text.end(), buffer.begin());
    a.node.outbox().commit_datagram(Channel::kControl, false, b_control, text.size(), 0);
  });
  ASSERT_TRUE(test::run_until(io, [&] {
    return std::find(a.node.received.begin(), a.node.received.end(), "pong") !=
           a.node.received.end();
  }));
}

}  // namespace
}  // namespace dp
