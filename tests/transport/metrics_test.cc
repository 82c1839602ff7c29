// The Prometheus exposition: the text format itself (families, labels, escaping, histograms),
// a server's metrics as its events and counters make them, and the HTTP responder answering
// GET /metrics over real TCP on loopback.
#include <array>
#include <atomic>
#include <limits>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <asio.hpp>

#include "core/cluster/server_node.h"
#include "core/services/games.h"
#include "tests/transport/test_support.h"
#include "transport/metrics_http.h"
#include "transport/prometheus_text.h"
#include "transport/server_metrics.h"

namespace dp {
namespace {

bool contains(const std::string& text, const std::string& piece) {
  return text.find(piece) != std::string::npos;
}

TEST(PrometheusText, AFamilyHasHelpTypeAndSamples) {
  PrometheusText out;
  out.family("dp_things_total", PrometheusText::Type::kCounter, "Things.\nCounted \\ here.");
  out.sample("dp_things_total", {{"kind", "a"}}, std::uint64_t{3});
  out.sample("dp_things_total", {{"kind", "b\"c"}, {"x", "1\n2\\"}}, std::uint64_t{0});
  out.family("dp_level", PrometheusText::Type::kGauge, "A level.");
  out.sample("dp_level", {}, 0.25);
  EXPECT_EQ(out.text(),
            "# HELP dp_things_total Things.\\nCounted \\\\ here.\n"
            "# TYPE dp_things_total counter\n"
            "dp_things_total{kind=\"a\"} 3\n"
            "dp_things_total{kind=\"b\\\"c\",x=\"1\\n2\\\\\"} 0\n"
            "# HELP dp_level A level.\n"
            "# TYPE dp_level gauge\n"
            "dp_level 0.25\n");
}

TEST(PrometheusText, NumbersAreWhatPrometheusParses) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(prometheus_number(1.0), "1");
  EXPECT_EQ(prometheus_number(0.001), "0.001");
  EXPECT_EQ(prometheus_number(0.0005), "0.0005");
  EXPECT_EQ(prometheus_number(1e20), "1e+20");
  EXPECT_EQ(prometheus_number(-2.5), "-2.5");
  EXPECT_EQ(prometheus_number(kInf), "+Inf");
  EXPECT_EQ(prometheus_number(-kInf), "-Inf");
  EXPECT_EQ(prometheus_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(PrometheusText, AHistogramIsCumulativeAndEndsAtInf) {
  Histogram h({0.125, 0.5, 1});
  h.observe(0.0625);
  h.observe(0.125);  // On a bound: counted in that bucket (le means <=).
  h.observe(0.25);
  h.observe(7);
  PrometheusText out;
  out.family("dp_wait_seconds", PrometheusText::Type::kHistogram, "Waits.");
  out.histogram("dp_wait_seconds", {{"game", "pong"}}, h);
  EXPECT_EQ(out.text(),
            "# HELP dp_wait_seconds Waits.\n"
            "# TYPE dp_wait_seconds histogram\n"
            "dp_wait_seconds_bucket{game=\"pong\",le=\"0.125\"} 2\n"
            "dp_wait_seconds_bucket{game=\"pong\",le=\"0.5\"} 3\n"
            "dp_wait_seconds_bucket{game=\"pong\",le=\"1\"} 3\n"
            "dp_wait_seconds_bucket{game=\"pong\",le=\"+Inf\"} 4\n"
            "dp_wait_seconds_sum{game=\"pong\"} 7.4375\n"
            "dp_wait_seconds_count{game=\"pong\"} 4\n");
}

struct Fixture {
  Fixture() : node(config(), game_services({})) {}
  static ServerConfig config() {
    ServerConfig c;
    c.id = NodeId{0, 0xabc};
    c.seed = 1;
    return c;
  }
  std::string render(const ServerMetrics& m, TimeUs now = 0) {
    return m.render({node, node.outbox(), driver, transport}, now);
  }
  ServerNode node;
  DriverStats driver;
  TransportStats transport;
};

TEST(ServerMetrics, AFailoverIsTimedFromSuspicionToTheNextLeader) {
  ServerMetrics m;
  const Epoch first{1, NodeId{0, 9}};
  const Epoch second{2, NodeId{0, 7}};
  m.on_event(node_event(1'000'000, NodeEventKind::kFollowing, {}, first));  // Start-up: no timing.
  EXPECT_EQ(m.failover_seconds().count(), 0u);
  m.on_event(node_event(5'000'000, NodeEventKind::kSuspectLeader, NodeId{0, 9}));
  m.on_event(
      node_event(5'100'000, NodeEventKind::kSuspectLeader, NodeId{0, 9}));  // Still the first.
  m.on_event(node_event(5'350'000, NodeEventKind::kFollowing, {}, second));
  m.on_event(node_event(5'400'000, NodeEventKind::kFollowing, {}, second));  // Same epoch again.
  EXPECT_EQ(m.leader_changes(), 2u);
  ASSERT_EQ(m.failover_seconds().count(), 1u);
  EXPECT_DOUBLE_EQ(m.failover_seconds().sum_s(), 0.35);
}

TEST(ServerMetrics, TheExpositionNamesEveryFamily) {
  Fixture f;
  ServerMetrics m;
  f.driver.in_by_type[static_cast<std::uint8_t>(wire::MsgType::kHeartbeat)] = 12;
  f.driver.in_by_type[0] = 2;    // No header.
  f.driver.in_by_type[200] = 1;  // A type no family defines.
  f.driver.out_by_type[static_cast<std::uint8_t>(wire::MsgType::kReplicate)] = 5;
  f.driver.node_exceptions = 4;
  m.on_event(node_event(0, NodeEventKind::kBecameLeader, {}, Epoch{1, NodeId{0, 0xabc}}));
  m.on_durable_write(300);
  const std::string text = f.render(m, 2'500'000);
  EXPECT_TRUE(contains(text, "dp_uptime_seconds 2.5\n"));
  EXPECT_TRUE(contains(text, "dp_datagrams_received_total{type=\"heartbeat\"} 12\n"));
  EXPECT_TRUE(contains(text, "dp_datagrams_received_total{type=\"unknown\"} 3\n"));
  EXPECT_TRUE(contains(text, "dp_datagrams_sent_total{type=\"replicate\"} 5\n"));
  EXPECT_TRUE(contains(text, "dp_datagrams_dropped_total{reason=\"node-exception\"} 4\n"));
  EXPECT_TRUE(contains(text, "dp_datagrams_dropped_total{reason=\"stale-epoch\"} 0\n"));
  EXPECT_TRUE(contains(text, "dp_leader_changes_total 1\n"));
  EXPECT_TRUE(contains(text, "dp_is_leader 0\n"));  // The node itself was never started.
  EXPECT_TRUE(contains(text, "dp_rooms{game=\"pong\"} 0\n"));
  EXPECT_TRUE(contains(text, "dp_players{game=\"racing\"} 0\n"));
  EXPECT_TRUE(contains(text, "dp_durable_write_seconds_bucket{le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(contains(text, "dp_durable_write_seconds_count 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE dp_failover_seconds histogram\n"));
  for (const char* family :
       {"dp_elections_started_total", "dp_became_leader_total", "dp_replica_applied_seq",
        "dp_replica_commit_seq", "dp_follower_lag_entries", "dp_ring_entries",
        "dp_snapshots_sent_total", "dp_snapshots_installed_total", "dp_spectators", "dp_epoch_term",
        "dp_peers_alive"}) {
    EXPECT_TRUE(contains(text, std::string("# TYPE ") + family + " ")) << family;
  }
  // Every line is a comment or "name[{labels}] value": no blank lines, no stray text.
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the text must end with a newline";
    const std::string line = text.substr(start, end - start);
    ASSERT_FALSE(line.empty());
    if (line[0] != '#') {
      ASSERT_EQ(line.substr(0, 3), "dp_") << line;
      ASSERT_NE(line.find(' '), std::string::npos) << line;
    }
    start = end + 1;
  }
}

TEST(MetricsHttp, OnlyGetMetricsIsServed) {
  const auto render = [] { return std::string("dp_x 1\n"); };
  const std::string ok =
      MetricsHttpServer::respond("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", render);
  EXPECT_TRUE(ok.starts_with("HTTP/1.0 200 OK\r\n"));
  EXPECT_TRUE(contains(ok, "Content-Type: text/plain; version=0.0.4"));
  EXPECT_TRUE(contains(ok, "Content-Length: 7\r\n"));
  EXPECT_TRUE(ok.ends_with("\r\n\r\ndp_x 1\n"));
  EXPECT_TRUE(MetricsHttpServer::respond("GET /other HTTP/1.0\r\n\r\n", render)
                  .starts_with("HTTP/1.0 404"));
  EXPECT_TRUE(MetricsHttpServer::respond("POST /metrics HTTP/1.0\r\n\r\n", render)
                  .starts_with("HTTP/1.0 405"));
  EXPECT_TRUE(MetricsHttpServer::respond("garbage", render).starts_with("HTTP/1.0 400"));
  EXPECT_TRUE(MetricsHttpServer::respond("", render).starts_with("HTTP/1.0 400"));
  EXPECT_TRUE(
      MetricsHttpServer::respond("HEAD /metrics HTTP/1.0\r\n\r\n", render).ends_with("\r\n\r\n"));
}

// A client on a thread of its own: connects, sends `request`, reads until the server closes.
std::string fetch(std::uint16_t port, const std::string& request) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  if (!ec) asio::write(socket, asio::buffer(request), ec);
  // Even when the server answered before it read the whole request, its answer is there.
  ec.clear();
  std::string reply;
  std::array<char, 4096> chunk{};
  while (!ec) {
    const std::size_t n = socket.read_some(asio::buffer(chunk), ec);
    reply.append(chunk.data(), n);
  }
  return reply;
}

TEST(MetricsHttp, ServesScrapesOverLoopback) {
  asio::io_context io;
  int renders = 0;
  auto opened = MetricsHttpServer::open(io, "127.0.0.1", 0, [&renders] {
    ++renders;
    return "dp_renders " + std::to_string(renders) + "\n";
  });
  ASSERT_TRUE(opened.ok()) << opened.error();
  MetricsHttpServer& server = **opened;
  ASSERT_NE(server.port(), 0);
  std::string first;
  std::string second;
  std::string oversized;
  std::atomic<bool> done{false};
  std::thread client([&] {
    first = fetch(server.port(), "GET /metrics HTTP/1.1\r\n\r\n");
    second = fetch(server.port(), "GET /metrics HTTP/1.1\r\n\r\n");
    oversized = fetch(server.port(), "GET /" + std::string(8000, 'a') + " HTTP/1.1\r\n\r\n");
    done = true;
  });
  // Until the client has read every answer: the server counts the third request before it
  // has written (and closed) its answer, and a loop stopped then leaves the client waiting.
  test::run_until(
      io, [&] { return done.load(); }, std::chrono::seconds(30));
  client.join();
  EXPECT_TRUE(first.ends_with("dp_renders 1\n")) << first;
  EXPECT_TRUE(second.ends_with("dp_renders 2\n")) << second;
  EXPECT_TRUE(oversized.starts_with("HTTP/1.0 400")) << oversized;
  EXPECT_EQ(renders, 2);
}

TEST(MetricsHttp, ABadAddressOrABusyPortIsAClearError) {
  asio::io_context io;
  const auto render = [] { return std::string(); };
  auto bad = MetricsHttpServer::open(io, "not-an-ip", 0, render);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(contains(bad.error(), "not-an-ip")) << bad.error();
  auto first = MetricsHttpServer::open(io, "127.0.0.1", 0, render);
  ASSERT_TRUE(first.ok());
  auto second = MetricsHttpServer::open(io, "127.0.0.1", (*first)->port(), render);
  ASSERT_FALSE(second.ok());
  EXPECT_TRUE(contains(second.error(), "cannot serve metrics on 127.0.0.1:")) << second.error();
}

}  // namespace
}  // namespace dp
