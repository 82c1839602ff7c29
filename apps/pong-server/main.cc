// pong-server: one server of the Distributed Pong cluster on real UDP sockets.
//
//   pong-server [flags]                                   run a server
//   pong-server leaderboard [--data-dir D] [--json] [--top N] [--results N]
//
// Thin front end: CLI11 flags into ServerOptions, a random id and seed (the only randomness
// the process owns), then transport/server_process.h does the rest. Bad flags exit 2.
#include <cstdint>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "transport/process_entropy.h"

#include "transport/leaderboard_command.h"
#include "transport/server_options.h"
#include "transport/server_process.h"
#include "transport/storage/data_dir.h"

namespace {

using dp::random_u64;

}  // namespace

int main(int argc, char** argv) {
  dp::ServerOptions options;
  CLI::App app{"Distributed Pong server: discovery, Bully election, sequencing of rooms."};
  app.add_option("--id", options.id, "Server id, up to 32 hex digits (default: random)");
  app.add_option("--discovery-port", options.discovery_port, "Shared UDP discovery port")
      ->capture_default_str()
      ->check(dp::udp_port(1));
  app.add_option("--control-port", options.control_port, "Server-to-server UDP port (0: any)")
      ->capture_default_str()
      ->check(dp::udp_port(0));
  app.add_option("--client-port", options.client_port, "Client UDP port (0: any)")
      ->capture_default_str()
      ->check(dp::udp_port(0));
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
  app.add_option("--target-score", options.target_score, "Points that win a match")
      ->capture_default_str();
  app.add_option("--min-replicas", options.min_replicas,
                 "Followers that must hold a point before players see it (-1: a majority)")
      ->capture_default_str();
  app.add_option("--cluster-size", options.cluster_size,
                 "Servers in the cluster, this one included (0: learn by discovery; give it on "
                 "every server so none ever takes itself for a cluster of one)")
      ->capture_default_str();
  app.add_option("--forfeit-timeout-ms", options.forfeit_timeout_ms,
                 "A player silent this long forfeits")
      ->capture_default_str();
  app.add_option("--log-level", options.log_level)
      ->capture_default_str()
      ->check(CLI::IsMember({"error", "warn", "info", "debug"}));
  app.add_option("--log-dir", options.log_dir, "Directory for the log file")->capture_default_str();
  app.add_option("--data-dir", options.data_dir,
                 "Where the server keeps its id, terms and results (default: " +
                     dp::storage::DataDir::default_base() +
                     "/server-<control port>, or server-any-N for an ephemeral port)");
  app.add_option("--state-file", options.state_file,
                 "An older server's state file: its terms are taken into the database once");
  app.add_option("--leaderboard-url", options.leaderboard_url,
                 "Also export every match result to this PostgreSQL database, shared by any "
                 "number of clusters (e.g. postgresql://user@host/pong); retried when it is "
                 "down, never in the way of play");
  app.add_flag("--replace", options.replace,
               "This server replaces one whose data directory was lost: it vouches for nothing "
               "until it has caught up from the cluster (has no effect once it has)");
  app.add_option("--run-for-s", options.run_for_s, "Exit cleanly after this many seconds");

  dp::LeaderboardOptions board;
  CLI::App* leaderboard = app.add_subcommand(
      "leaderboard",
      "Print the leaderboard and the last results kept in a server's data directory");
  leaderboard->add_option("--data-dir", board.data_dir,
                          "The server's data directory (default: " +
                              dp::storage::DataDir::default_base() + "/server-50010)");
  leaderboard->add_flag("--json", board.json, "Print one JSON object");
  leaderboard->add_option("--top", board.top, "Players to list")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  leaderboard->add_option("--results", board.results, "Last results to list")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000));

  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;
  if (leaderboard->parsed()) return dp::print_leaderboard(board, std::cout, std::cerr);

  std::random_device device;
  const dp::NodeId random_id{random_u64(device), random_u64(device)};
  const auto setup = dp::make_server_setup(options, random_id, random_u64(device));
  if (!setup) {
    std::cerr << "pong-server: " << setup.error() << "\nRun with --help for more information.\n";
    return dp::kExitBadFlags;
  }
  return dp::run_server_process(*setup);
}
