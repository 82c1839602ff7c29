// pong-server's options as plain data, and their validation into the pieces the server is
// built from (a ServerConfig for the node, a UdpTransportConfig for the sockets, and where
// logs and state go).
//
// The app registers these fields as CLI11 flags; everything that can be wrong about their
// values is checked here, so it is testable without a process and the app stays thin.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/cluster/config.h"
#include "core/common/result.h"
#include "core/services/chat/service.h"
#include "core/services/pong/service.h"
#include "transport/asio_udp_transport.h"
#include "transport/logger.h"

namespace dp {

// What a server process runs: the games (pong-server) or the chat (pong-chat), each a
// cluster of its own with its own ports, data directories and log files.
enum class ServerKind : std::uint8_t { kGame, kChat };

// What the user typed (or the defaults). Field names follow the flags.
struct ServerOptions {
  ServerKind kind = ServerKind::kGame;
  std::string id;  // --id: up to 32 hex digits; empty picks a random id.
  std::uint16_t discovery_port = kDefaultDiscoveryPort;
  std::uint16_t control_port = kDefaultControlPort;  // 0: ephemeral.
  std::uint16_t client_port = kDefaultClientPort;    // 0: ephemeral.
  std::string discovery_address = "255.255.255.255";
  std::string advertise_ip;  // Empty: chosen from the discovery address.
  std::string mode = "sticky";
  std::int64_t heartbeat_interval_ms = 50;
  std::int64_t heartbeat_timeout_ms = 200;
  int target_score = 5;   // Points that win a match (1..99).
  int min_replicas = -1;  // Followers that must have a point before players see it; -1: majority.
  int cluster_size = 0;   // Servers in the cluster, this one included; 0: learn by discovery.
  std::int64_t forfeit_timeout_ms = 5000;  // A silent player forfeits after this long.
  std::string log_level = "info";
  std::string log_dir = "logs";
  std::string data_dir;         // Empty: the default (storage/data_dir.h).
  std::string state_file;       // An older server's state file, taken into the database once.
  bool replace = false;         // It replaces a server whose data was lost (Standing::kJoining).
  std::string leaderboard_url;  // Empty: no export to PostgreSQL.
  double run_for_s = 0;         // 0: run until signalled.
  // pong-chat: each sender's token bucket (messages a second, and the burst).
  int chat_rate_per_s = 20;
  int chat_burst = 40;
  // The cluster key (transport/cluster_key_file.h): a key file, or a passphrase file, not both.
  std::string key_file;
  std::string previous_key_file;  // Also accepted during a key rotation; needs a key.
  std::string passphrase_file;
  bool require_key = false;  // Refuse to start without a key.
  // Prometheus metrics over HTTP (transport/metrics_http.h): 0 serves none.
  std::uint16_t metrics_port = 0;
  std::string metrics_address = "127.0.0.1";
};

// pong-chat's options: the chat cluster's own default ports.
ServerOptions chat_server_defaults();

// Bounds on the timing flags, in milliseconds.
constexpr std::int64_t kHeartbeatIntervalMsMin = 1;
constexpr std::int64_t kHeartbeatIntervalMsMax = 60 * 1000;
constexpr std::int64_t kHeartbeatTimeoutMsMax = 10 * 60 * 1000;
// Upper bound on --run-for-s: one year.
constexpr double kRunForSecondsMax = 365.0 * 24 * 3600;

// Everything a server process is built from, validated.
struct ServerSetup {
  ServerKind kind = ServerKind::kGame;
  ServerConfig node;  // endpoints and persisted are filled in once the sockets are bound.
  pong::PongConfig pong;
  chat::ChatConfig chat;
  UdpTransportConfig udp;
  LogLevel log_level = LogLevel::kInfo;
  std::string log_dir;          // The log file is <log_dir>/<program>-<short id>.log.
  std::string data_dir;         // Empty: the default, keyed by the control port.
  std::string state_file;       // Empty, or an older server's state file to import.
  bool id_given = false;        // --id was given: the data directory's id must be the same.
  bool replace = false;         // --replace (see Standing::kJoining).
  std::string leaderboard_url;  // PostgreSQL to export results to (postgres_export.h).
  std::optional<TimeUs> run_for_us;
  // Where node.keys came from, for the start-up log ("--key-file cluster.key"); empty: no key.
  std::string key_source;
  std::uint16_t metrics_port = 0;  // 0: no metrics endpoint.
  std::string metrics_address;     // An IPv4 address (checked).
};

// Parses 1 to 32 hex digits (no prefix) into a non-nil id; shorter text is zero-extended on
// the left, so "ff" is 0...0ff.
Result<NodeId, std::string> parse_node_id(std::string_view hex);
Result<ElectionMode, std::string> parse_election_mode(std::string_view text);
const char* election_mode_flag(ElectionMode mode);  // "sticky" or "classic"

// "pong-server" or "pong-chat".
const char* program_name(ServerKind kind);

// Checks the options and builds the setup. `random_id` is used when options.id is empty (and
// the data directory holds no id yet) and `seed` seeds the node's jitter generator; both come
// from the caller (the app owns randomness). The error message names the flag. The cluster
// key's files are read here, so a missing, malformed or world-readable key stops the server
// before it opens a socket.
Result<ServerSetup, std::string> make_server_setup(const ServerOptions& options,
                                                   const NodeId& random_id, std::uint64_t seed);

}  // namespace dp
