// pong-chat: one server of the chat cluster, on real UDP sockets. The chat runs as a cluster
// of its own (ports 50001/50011/50021 by default, its own data directories and log files), on
// the same discovery, election and replication core as the games, so either cluster can fail
// while the other goes on.
//
//   pong-chat [flags]          run a chat server
//   pong-chat history [--data-dir D] [--channel C] [--last N] [--channels]
//   pong-chat keygen [--out FILE]      make a cluster key file
//   pong-chat-client --help    the terminal client
#include <cstdint>
#include <iostream>
#include <random>
#include <string>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "apps/server_flags.h"
#include "transport/chat_history_command.h"
#include "transport/keygen_command.h"
#include "transport/process_entropy.h"
#include "transport/server_options.h"
#include "transport/server_process.h"
#include "transport/storage/data_dir.h"

int main(int argc, char** argv) {
  dp::ServerOptions options = dp::chat_server_defaults();
  CLI::App app{
      "Distributed Pong chat server: a cluster of its own that orders, stores and delivers the "
      "lobby's and every game room's chat. Clients: pong-client's chat panel, or "
      "pong-chat-client."};
  dp::add_cluster_flags(app, options);
  app.add_option("--rate-per-s", options.chat_rate_per_s,
                 "Messages a second each sender may post on average (a token bucket)")
      ->capture_default_str();
  app.add_option("--burst", options.chat_burst, "Messages a sender may post at once")
      ->capture_default_str();

  dp::ChatHistoryOptions history;
  CLI::App* history_cmd = app.add_subcommand(
      "history", "Print a channel's lines as a chat server's database keeps them");
  history_cmd->add_option("--data-dir", history.data_dir,
                          "The chat server's data directory (default: " +
                              dp::storage::DataDir::default_base() + "/chat-50011)");
  history_cmd->add_option("--channel", history.channel, "The channel")->capture_default_str();
  history_cmd->add_option("--last", history.last, "Lines to print, the newest last")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  history_cmd->add_flag("--channels", history.channels, "List the channels instead");

  std::string key_out;
  CLI::App* keygen = dp::add_keygen_command(app, key_out);

  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;
  if (history_cmd->parsed()) return dp::print_chat_history(history, std::cout, std::cerr);
  if (keygen->parsed()) return dp::run_keygen("pong-chat", key_out, std::cout, std::cerr);

  std::random_device device;
  const dp::NodeId random_id{dp::random_u64(device), dp::random_u64(device)};
  const auto setup = dp::make_server_setup(options, random_id, dp::random_u64(device));
  if (!setup) {
    std::cerr << "pong-chat: " << setup.error() << "\nRun with --help for more information.\n";
    return dp::kExitBadFlags;
  }
  return dp::run_server_process(*setup);
}
