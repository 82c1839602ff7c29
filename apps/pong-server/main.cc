// pong-server: one server of the Distributed Pong cluster on real UDP sockets.
//
//   pong-server [flags]                                   run a server
//   pong-server leaderboard [--data-dir D] [--json] [--top N] [--results N]
//   pong-server keygen [--out FILE]                       make a cluster key file
//
// Thin front end: CLI11 flags into ServerOptions, a random id and seed (the only randomness
// the process owns), then transport/server_process.h does the rest. Bad flags exit 2.
#include <cstdint>
#include <iostream>
#include <random>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "apps/server_flags.h"
#include "transport/process_entropy.h"

#include "transport/keygen_command.h"
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
  dp::add_cluster_flags(app, options);
  app.add_option("--target-score", options.target_score, "Points that win a match")
      ->capture_default_str();
  app.add_option("--forfeit-timeout-ms", options.forfeit_timeout_ms,
                 "A player silent this long forfeits")
      ->capture_default_str();
  app.add_option("--state-file", options.state_file,
                 "An older server's state file: its terms are taken into the database once");
  app.add_option("--leaderboard-url", options.leaderboard_url,
                 "Also export every match result to this PostgreSQL database, shared by any "
                 "number of clusters (e.g. postgresql://user@host/pong); retried when it is "
                 "down, never in the way of play");

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

  std::string key_out;
  CLI::App* keygen = dp::add_keygen_command(app, key_out);

  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;
  if (leaderboard->parsed()) return dp::print_leaderboard(board, std::cout, std::cerr);
  if (keygen->parsed()) return dp::run_keygen("pong-server", key_out, std::cout, std::cerr);

  std::random_device device;
  const dp::NodeId random_id{random_u64(device), random_u64(device)};
  const auto setup = dp::make_server_setup(options, random_id, random_u64(device));
  if (!setup) {
    std::cerr << "pong-server: " << setup.error() << "\nRun with --help for more information.\n";
    return dp::kExitBadFlags;
  }
  return dp::run_server_process(*setup);
}
