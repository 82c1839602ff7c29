// pong-server's option validation, state file and log formatting, without a process.
#include "transport/server_options.h"

#include <gtest/gtest.h>

#include "core/services/pong/notes.h"

#include <filesystem>
#include <fstream>

#include "transport/server_log.h"
#include "transport/state_file.h"

namespace dp {
namespace {

const NodeId kRandomId{0x1111, 0x2222};

Result<ServerSetup, std::string> setup_of(const ServerOptions& options) {
  return make_server_setup(options, kRandomId, 42);
}

TEST(ParseNodeId, ReadsUpTo32HexDigits) {
  const auto full = parse_node_id("0123456789abcdefFEDCBA9876543210");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->hi, 0x0123456789abcdefull);
  EXPECT_EQ(full->lo, 0xfedcba9876543210ull);
  const auto short_id = parse_node_id("ff");
  ASSERT_TRUE(short_id.ok());
  EXPECT_EQ(*short_id, (NodeId{0, 0xff}));
}

TEST(ParseNodeId, RejectsBadIds) {
  EXPECT_FALSE(parse_node_id("").ok());
  EXPECT_FALSE(parse_node_id("0").ok());  // Nil id.
  EXPECT_FALSE(parse_node_id("xyz").ok());
  EXPECT_FALSE(parse_node_id("0x12").ok());
  EXPECT_FALSE(parse_node_id(std::string(33, '1')).ok());
}

TEST(ServerSetup, DefaultsMatchTheSeedPortsAndUseTheRandomId) {
  const auto setup = setup_of(ServerOptions{});
  ASSERT_TRUE(setup.ok()) << setup.error();
  EXPECT_EQ(setup->node.id, kRandomId);
  EXPECT_EQ(setup->node.seed, 42u);
  EXPECT_EQ(setup->node.mode, ElectionMode::kSticky);
  EXPECT_EQ(setup->udp.discovery_port, 50000);
  EXPECT_EQ(setup->udp.control_port, 50010);
  EXPECT_EQ(setup->udp.client_port, 50020);
  EXPECT_TRUE(setup->udp.server);
  EXPECT_EQ(setup->node.timing.heartbeat_interval_us, 50 * kUsPerMs);
  EXPECT_EQ(setup->node.timing.heartbeat_timeout_us, 200 * kUsPerMs);
  EXPECT_EQ(setup->log_dir, "logs");
  EXPECT_EQ(setup->data_dir, "") << "the default data directory, chosen when the server starts";
  EXPECT_EQ(setup->state_file, "") << "no older state file to import";
  EXPECT_FALSE(setup->id_given);
  EXPECT_FALSE(setup->run_for_us.has_value());
}

TEST(ServerSetup, FlagsReachTheConfig) {
  ServerOptions options;
  options.id = "abc";
  options.mode = "classic";
  options.discovery_port = 40000;
  options.control_port = 0;
  options.client_port = 0;
  options.discovery_address = "127.255.255.255";
  options.advertise_ip = "127.0.0.1";
  options.heartbeat_interval_ms = 20;
  options.heartbeat_timeout_ms = 90;
  options.log_level = "debug";
  options.log_dir = "/tmp/x";
  options.run_for_s = 1.5;
  options.cluster_size = 3;
  const auto setup = setup_of(options);
  ASSERT_TRUE(setup.ok()) << setup.error();
  EXPECT_EQ(setup->node.id, (NodeId{0, 0xabc}));
  EXPECT_EQ(setup->node.mode, ElectionMode::kClassic);
  EXPECT_EQ(setup->udp.discovery_port, 40000);
  EXPECT_EQ(setup->node.endpoints.discovery_port, 40000);
  EXPECT_EQ(setup->udp.control_port, 0);
  EXPECT_EQ(setup->udp.discovery_address, "127.255.255.255");
  EXPECT_EQ(setup->node.timing.heartbeat_interval_us, 20 * kUsPerMs);
  EXPECT_EQ(setup->node.timing.heartbeat_timeout_us, 90 * kUsPerMs);
  EXPECT_EQ(setup->log_level, LogLevel::kDebug);
  EXPECT_EQ(setup->log_dir, "/tmp/x");
  EXPECT_TRUE(setup->id_given);
  EXPECT_EQ(setup->run_for_us, 1500 * kUsPerMs);
  EXPECT_EQ(setup->node.cluster_size, 3u);
}

TEST(ServerSetup, BadValuesNameTheirFlag) {
  const auto expect_error = [](ServerOptions options, const std::string& flag) {
    const auto setup = setup_of(options);
    ASSERT_FALSE(setup.ok()) << flag;
    EXPECT_EQ(setup.error().rfind(flag, 0), 0u) << setup.error();
  };
  ServerOptions o;
  o.id = "nothex";
  expect_error(o, "--id");
  o = {};
  o.mode = "bully";
  expect_error(o, "--mode");
  o = {};
  o.heartbeat_interval_ms = 0;
  expect_error(o, "--heartbeat-interval-ms");
  o = {};
  o.heartbeat_timeout_ms = o.heartbeat_interval_ms;
  expect_error(o, "--heartbeat-timeout-ms");
  o = {};
  o.discovery_port = 0;
  expect_error(o, "--discovery-port");
  o = {};
  o.discovery_address = "broadcast";
  expect_error(o, "--discovery-address");
  o = {};
  o.advertise_ip = "10.0.0";
  expect_error(o, "--advertise-ip");
  o = {};
  o.log_level = "verbose";
  expect_error(o, "--log-level");
  o = {};
  o.run_for_s = -1;
  expect_error(o, "--run-for-s");
  o = {};
  o.cluster_size = 33;
  expect_error(o, "--cluster-size");
  o = {};
  o.leaderboard_url = "nonsense";
  expect_error(o, "--leaderboard-url");
  o = {};
  o.leaderboard_url = "postgresql://pong@/pong?host=/tmp&port=5432";
  ASSERT_TRUE(setup_of(o).ok());
  EXPECT_EQ(setup_of(o)->leaderboard_url, o.leaderboard_url);
}

TEST(ServerSetup, MetricsAreOffUnlessAPortIsGivenOnLoopbackByDefault) {
  ServerOptions o;
  ASSERT_TRUE(setup_of(o).ok());
  EXPECT_EQ(setup_of(o)->metrics_port, 0);
  EXPECT_EQ(setup_of(o)->metrics_address, "127.0.0.1");
  o.metrics_port = 9464;
  o.metrics_address = "0.0.0.0";
  ASSERT_TRUE(setup_of(o).ok());
  EXPECT_EQ(setup_of(o)->metrics_port, 9464);
  EXPECT_EQ(setup_of(o)->metrics_address, "0.0.0.0");
  o.metrics_address = "localhost";
  const auto bad = setup_of(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("--metrics-address"), std::string::npos) << bad.error();
}

class StateFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("dp-state-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StateFileTest, MissingFileIsAFirstStart) {
  const auto state = load_state_file((dir_ / "none.state").string());
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->highest_term, 0u);
}

TEST_F(StateFileTest, SavedTermIsLoadedBack) {
  const std::string path = (dir_ / "sub" / "node.state").string();
  const PersistentState saved{12345678901ull, Epoch{12345678900ull, NodeId{0xabc, 0xdef}}, 4};
  EXPECT_EQ(save_state_file(path, saved), "");
  const auto state = load_state_file(path);
  ASSERT_TRUE(state.ok()) << state.error();
  EXPECT_EQ(*state, saved) << "term, last epoch and cluster size all survive a restart";
  EXPECT_EQ(save_state_file(path, PersistentState{3, {}, 0}), "");
  EXPECT_EQ(load_state_file(path)->highest_term, 3u);
}

TEST_F(StateFileTest, MalformedFileIsAnError) {
  std::filesystem::create_directories(dir_);
  const std::string path = (dir_ / "bad.state").string();
  std::ofstream(path) << "highest_term banana\n";
  EXPECT_FALSE(load_state_file(path).ok());
  std::ofstream(path, std::ios::trunc) << std::string(kMaxStateFileBytes + 10, '1');
  EXPECT_FALSE(load_state_file(path).ok());
}

TEST(ServerLogFormat, EventsReadAsSentences) {
  const NodeId leader{0, 0xdeadbeef};
  const Epoch epoch{4, leader};
  NodeEvent became;
  became.kind = NodeEventKind::kBecameLeader;
  became.peer = leader;
  became.epoch = epoch;
  EXPECT_EQ(format_node_event(became), "became-leader peer=deadbeef epoch=4/deadbeef");
  NodeEvent rejected;
  rejected.kind = NodeEventKind::kDatagramRejected;
  rejected.reason = static_cast<std::uint8_t>(wire::DecodeError::kTooShort);
  rejected.channel = Channel::kClient;
  EXPECT_EQ(format_node_event(rejected), "datagram-rejected reason=too-short channel=client");
  // Out-of-range codes from a buggy node must not index past a table.
  rejected.reason = 99;
  EXPECT_EQ(format_node_event(rejected), "datagram-rejected reason=? channel=client");
  EXPECT_EQ(node_event_level(rejected), LogLevel::kWarn);
  EXPECT_EQ(node_event_level(became), LogLevel::kInfo);
  // A Pong note is written by the one score formatter.
  NodeEvent over;
  over.kind = NodeEventKind::kServiceNote;
  over.note = ServiceNote::of(pong::MatchOver{3, pong::Score{5, 2}, 0, 0});
  EXPECT_EQ(format_node_event(over), "match-over room=3 score=5-2 winner=left");
  EXPECT_EQ(node_event_level(over), LogLevel::kInfo);
}

// Issue 11: a 4:5 result was once logged as "score=0:1029", the two bytes of the score read as
// one 16-bit number. Every note that carries a score writes it as left-right.
TEST(ServerLog, EveryScoreInTheLogReadsLeftDashRight) {
  NodeEvent e;
  e.kind = NodeEventKind::kServiceNote;
  e.note = ServiceNote::of(pong::MatchOver{7, pong::Score{4, 5}, 1, 0});
  EXPECT_EQ(format_node_event(e), "match-over room=7 score=4-5 winner=right");
  e.note = ServiceNote::of(pong::PointScored{7, pong::Score{4, 5}, 0});
  EXPECT_EQ(format_node_event(e), "point-scored room=7 score=4-5");
  e.note = ServiceNote::of(pong::StateShown{7, pong::Score{4, 5}, 0});
  EXPECT_EQ(format_node_event(e), "state-shown room=7 score=4-5");
  e.note = ServiceNote::of(pong::MatchOver{1029, pong::Score{99, 98}, 0, 0});
  EXPECT_EQ(format_node_event(e), "match-over room=1029 score=99-98 winner=left");
  EXPECT_EQ(pong::Score({4, 5}).str(), "4-5");
}

TEST(ServerLogFormat, RejectionsListNonZeroReasons) {
  ServerStats stats;
  EXPECT_EQ(format_rejections(stats), "none");
  stats.rejected_by_error[static_cast<std::size_t>(wire::DecodeError::kTooShort)] = 2;
  stats.rejected_by_error[static_cast<std::size_t>(wire::DecodeError::kTooLong)] = 1;
  EXPECT_EQ(format_rejections(stats), "too-short=2 too-long=1");
}

}  // namespace
}  // namespace dp
