// The flags every cluster server takes (pong-server and pong-chat): identity, ports, the
// election and replication settings, the cluster key, logs, the data directory and the run
// time. Each program adds its own (the games' score and forfeit, the chat's rate limit) after
// these. Both also take the `keygen` subcommand.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "transport/keygen_command.h"
#include "transport/server_options.h"
#include "transport/storage/data_dir.h"

namespace dp {

inline void add_cluster_flags(CLI::App& app, ServerOptions& options) {
  const std::string dir_kind = options.kind == ServerKind::kChat ? "chat" : "server";
  app.add_option("--id", options.id, "Server id, up to 32 hex digits (default: random)");
  app.add_option("--discovery-port", options.discovery_port, "Shared UDP discovery port")
      ->capture_default_str()
      ->check(udp_port(1));
  app.add_option("--control-port", options.control_port, "Server-to-server UDP port (0: any)")
      ->capture_default_str()
      ->check(udp_port(0));
  app.add_option("--client-port", options.client_port, "Client UDP port (0: any)")
      ->capture_default_str()
      ->check(udp_port(0));
  app.add_option("--discovery-address", options.discovery_address,
                 "Broadcast address for discovery (127.255.255.255 for one host)")
      ->capture_default_str();
  app.add_option("--advertise-ip", options.advertise_ip,
                 "Unicast IP told to peers (default: from the discovery address's route)");
  app.add_option("--mode", options.mode, "Election mode")
      ->capture_default_str()
      ->check(CLI::IsMember({"sticky", "classic"}));
  app.add_option("--heartbeat-interval-ms", options.heartbeat_interval_ms)->capture_default_str();
  app.add_option("--heartbeat-timeout-ms", options.heartbeat_timeout_ms)->capture_default_str();
  app.add_option("--min-replicas", options.min_replicas,
                 "Followers that must hold an entry before clients see it (-1: a majority)")
      ->capture_default_str();
  app.add_option("--cluster-size", options.cluster_size,
                 "Servers in the cluster, this one included (0: learn by discovery; give it on "
                 "every server so none ever takes itself for a cluster of one)")
      ->capture_default_str();
  app.add_option("--log-level", options.log_level)
      ->capture_default_str()
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
  app.add_option("--log-dir", options.log_dir, "Directory for the log file")->capture_default_str();
  app.add_option("--data-dir", options.data_dir,
                 "Where the server keeps its id, terms and durable state (default: " +
                     storage::DataDir::default_base() + "/" + dir_kind + "-<control port>, or " +
                     dir_kind + "-any-N for an ephemeral port)");
  app.add_flag("--replace", options.replace,
               "This server replaces one whose data directory was lost: it vouches for nothing "
               "until it has caught up from the cluster (has no effect once it has)");
  app.add_option("--run-for-s", options.run_for_s, "Exit cleanly after this many seconds");
  app.add_option("--metrics-port", options.metrics_port,
                 "Serve Prometheus metrics over HTTP at /metrics on this TCP port (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 65535));
  app.add_option("--metrics-address", options.metrics_address,
                 "Address the metrics port listens on (0.0.0.0 for a Prometheus elsewhere)")
      ->capture_default_str();

  const std::string program = program_name(options.kind);
  app.add_option("--key-file", options.key_file,
                 "The cluster key (made by `" + program +
                     " keygen`), the same on every server: datagrams between servers are "
                     "authenticated with it. The file must be mode 600");
  app.add_option("--previous-key-file", options.previous_key_file,
                 "During a key rotation: the old key, still accepted from servers that have not "
                 "been given the new one yet");
  app.add_option("--passphrase-file", options.passphrase_file,
                 "Instead of --key-file: a file (mode 600) whose first line is a passphrase of at "
                 "least 12 bytes, stretched to the cluster key (the same on every server)");
  app.add_flag("--require-key", options.require_key,
               "Refuse to start without a cluster key (without one, a server warns and anyone "
               "on the LAN can take over the cluster)");
}

// `keygen [--out FILE]`: makes a new cluster key file. Returns the subcommand, to test
// parsed() on after parsing; `out` receives the path.
inline CLI::App* add_keygen_command(CLI::App& app, std::string& out) {
  CLI::App* keygen = app.add_subcommand(
      "keygen",
      "Make a new cluster key file (32 random bytes, mode 600; never overwrites a file). Copy "
      "it to every server and start each with --key-file FILE");
  out = kDefaultKeyFile;
  keygen->add_option("--out", out, "Where to write the key")->capture_default_str();
  return keygen;
}

}  // namespace dp
