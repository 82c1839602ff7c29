#include "transport/server_options.h"

#include "transport/cluster_key_file.h"
#include "transport/storage/postgres_export.h"

#include "core/wire/cluster_messages.h"

namespace dp {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The cluster key from --key-file or --passphrase-file, and --previous-key-file. No key at all
// is allowed (the server warns at start-up) unless --require-key.
Result<ClusterKeys, std::string> load_cluster_keys(const ServerOptions& options,
                                                   std::string& source) {
  using R = Result<ClusterKeys, std::string>;
  ClusterKeys keys;
  if (!options.key_file.empty() && !options.passphrase_file.empty()) {
    return R::failure("--key-file and --passphrase-file: give one of them, not both");
  }
  if (!options.key_file.empty()) {
    auto key = read_key_file(options.key_file);
    if (!key) return R::failure("--key-file: " + key.error());
    keys.primary = *key;
    source = "--key-file " + options.key_file;
  } else if (!options.passphrase_file.empty()) {
    const auto passphrase = read_passphrase_file(options.passphrase_file);
    if (!passphrase) return R::failure("--passphrase-file: " + passphrase.error());
    auto key = key_from_passphrase(*passphrase);
    if (!key)
      return R::failure("--passphrase-file: " + options.passphrase_file + ": " + key.error());
    keys.primary = *key;
    source = "--passphrase-file " + options.passphrase_file;
  }
  if (!options.previous_key_file.empty()) {
    if (!keys.primary) {
      return R::failure(
          "--previous-key-file: needs the key to sign with too (--key-file or "
          "--passphrase-file)");
    }
    auto key = read_key_file(options.previous_key_file);
    if (!key) return R::failure("--previous-key-file: " + key.error());
    // The same key twice is a harmless slip of a rotation: nothing more is accepted.
    if (*key != *keys.primary) keys.previous = *key;
  }
  if (options.require_key && !keys.primary) {
    return R::failure(std::string("--require-key: no cluster key given; make one with `") +
                      program_name(options.kind) +
                      " keygen --out FILE` and start every server with --key-file FILE");
  }
  return keys;
}

}  // namespace

Result<NodeId, std::string> parse_node_id(std::string_view hex) {
  using R = Result<NodeId, std::string>;
  constexpr std::size_t kMaxDigits = 32;
  if (hex.empty() || hex.size() > kMaxDigits) {
    return R::failure("id must be 1 to 32 hex digits, got '" + std::string(hex) + "'");
  }
  NodeId id;
  for (const char c : hex) {
    const int digit = hex_digit(c);
    if (digit < 0) return R::failure("id is not hex: '" + std::string(hex) + "'");
    // Shift the 128-bit value left by one hex digit.
    id.hi = (id.hi << 4) | (id.lo >> 60);
    id.lo = (id.lo << 4) | static_cast<std::uint64_t>(digit);
  }
  if (id.is_nil()) return R::failure("id must not be zero");
  return id;
}

Result<ElectionMode, std::string> parse_election_mode(std::string_view text) {
  if (text == "sticky") return ElectionMode::kSticky;
  if (text == "classic") return ElectionMode::kClassic;
  return Result<ElectionMode, std::string>::failure("unknown mode '" + std::string(text) +
                                                    "' (sticky|classic)");
}

const char* election_mode_flag(ElectionMode mode) {
  return mode == ElectionMode::kClassic ? "classic" : "sticky";
}

ServerOptions chat_server_defaults() {
  ServerOptions options;
  options.kind = ServerKind::kChat;
  options.discovery_port = kDefaultChatDiscoveryPort;
  options.control_port = kDefaultChatControlPort;
  options.client_port = kDefaultChatClientPort;
  return options;
}

const char* program_name(ServerKind kind) {
  return kind == ServerKind::kChat ? "pong-chat" : "pong-server";
}

Result<ServerSetup, std::string> make_server_setup(const ServerOptions& options,
                                                   const NodeId& random_id, std::uint64_t seed) {
  using R = Result<ServerSetup, std::string>;
  ServerSetup setup;
  setup.kind = options.kind;
  if (options.chat_rate_per_s < 1 || options.chat_rate_per_s > 100000) {
    return R::failure("--rate-per-s: must be in [1, 100000]");
  }
  if (options.chat_burst < 1 || options.chat_burst > 100000) {
    return R::failure("--burst: must be in [1, 100000]");
  }
  setup.chat.rate.rate_per_s = static_cast<std::uint32_t>(options.chat_rate_per_s);
  setup.chat.rate.burst = static_cast<std::uint32_t>(options.chat_burst);

  if (options.id.empty()) {
    if (random_id.is_nil()) return R::failure("--id: no id given and the random id is zero");
    setup.node.id = random_id;
  } else {
    const auto id = parse_node_id(options.id);
    if (!id) return R::failure("--id: " + id.error());
    setup.node.id = *id;
    setup.id_given = true;
  }
  setup.node.seed = seed;
  setup.node.version = DP_VERSION;

  const auto mode = parse_election_mode(options.mode);
  if (!mode) return R::failure("--mode: " + mode.error());
  setup.node.mode = *mode;

  if (options.heartbeat_interval_ms < kHeartbeatIntervalMsMin ||
      options.heartbeat_interval_ms > kHeartbeatIntervalMsMax) {
    return R::failure("--heartbeat-interval-ms: must be in [" +
                      std::to_string(kHeartbeatIntervalMsMin) + ", " +
                      std::to_string(kHeartbeatIntervalMsMax) + "]");
  }
  // A timeout of at most one interval would suspect a healthy peer between two heartbeats.
  if (options.heartbeat_timeout_ms <= options.heartbeat_interval_ms ||
      options.heartbeat_timeout_ms > kHeartbeatTimeoutMsMax) {
    return R::failure(
        "--heartbeat-timeout-ms: must be greater than --heartbeat-interval-ms and "
        "at most " +
        std::to_string(kHeartbeatTimeoutMsMax));
  }
  setup.node.timing.heartbeat_interval_us = options.heartbeat_interval_ms * kUsPerMs;
  setup.node.timing.heartbeat_timeout_us = options.heartbeat_timeout_ms * kUsPerMs;
  if (options.target_score < 1 || options.target_score > 99) {
    return R::failure("--target-score: must be in [1, 99]");
  }
  setup.pong.target_score = static_cast<std::uint8_t>(options.target_score);
  if (options.min_replicas < -1 || options.min_replicas > 31) {
    return R::failure("--min-replicas: must be in [0, 31], or -1 for a majority");
  }
  setup.node.replica.min_replicas =
      options.min_replicas < 0 ? Quorum::kMajority : static_cast<std::size_t>(options.min_replicas);
  if (options.cluster_size < 0 || options.cluster_size > static_cast<int>(wire::kMaxServers)) {
    return R::failure("--cluster-size: must be in [1, " + std::to_string(wire::kMaxServers) +
                      "], or 0 to learn it by discovery");
  }
  setup.node.cluster_size = static_cast<std::uint32_t>(options.cluster_size);
  if (options.forfeit_timeout_ms < 100 || options.forfeit_timeout_ms > 3600 * 1000) {
    return R::failure("--forfeit-timeout-ms: must be in [100, 3600000]");
  }
  setup.pong.forfeit_timeout_us = options.forfeit_timeout_ms * kUsPerMs;

  if (options.discovery_port == 0) return R::failure("--discovery-port: must not be 0");
  const auto discovery_ip = parse_ipv4(options.discovery_address);
  if (!discovery_ip) return R::failure("--discovery-address: " + discovery_ip.error().message);
  if (!options.advertise_ip.empty()) {
    const auto advertise_ip = parse_ipv4(options.advertise_ip);
    if (!advertise_ip) return R::failure("--advertise-ip: " + advertise_ip.error().message);
  }
  setup.udp.server = true;
  setup.udp.discovery_port = options.discovery_port;
  setup.udp.control_port = options.control_port;
  setup.udp.client_port = options.client_port;
  setup.udp.discovery_address = options.discovery_address;
  setup.udp.advertise_ip = options.advertise_ip;
  setup.node.endpoints.discovery_port = options.discovery_port;

  const auto level = parse_log_level(options.log_level);
  if (!level) return R::failure("--log-level: " + level.error());
  setup.log_level = *level;

  setup.log_dir = options.log_dir.empty() ? std::string(".") : options.log_dir;
  setup.data_dir = options.data_dir;
  setup.state_file = options.state_file;
  setup.replace = options.replace;
  if (!options.leaderboard_url.empty()) {
    if (auto ok = storage::check_postgres_url(options.leaderboard_url); !ok) {
      return R::failure("--leaderboard-url: " + ok.error());
    }
  }
  setup.leaderboard_url = options.leaderboard_url;
  if (const auto ip = parse_ipv4(options.metrics_address); !ip) {
    return R::failure("--metrics-address: " + ip.error().message);
  }
  setup.metrics_port = options.metrics_port;
  setup.metrics_address = options.metrics_address;

  // Written as !(a >= b) so that NaN is rejected too.
  if (!(options.run_for_s >= 0) || options.run_for_s > kRunForSecondsMax) {
    return R::failure("--run-for-s: must be in [0, one year]");
  }
  if (options.run_for_s > 0) {
    setup.run_for_us = static_cast<TimeUs>(options.run_for_s * static_cast<double>(kUsPerSecond));
  }

  // Last: stretching a passphrase takes a tenth of a second, wasted if another flag is wrong.
  auto keys = load_cluster_keys(options, setup.key_source);
  if (!keys) return R::failure(keys.error());
  setup.node.keys = *keys;
  return setup;
}

}  // namespace dp
