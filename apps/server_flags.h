// The flags every cluster server takes (pong-server and pong-chat): identity, ports, the
// election and replication settings, logs, the data directory and the run time. Each program
// adds its own (the games' score and forfeit, the chat's rate limit) after these.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
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
}

}  // namespace dp
