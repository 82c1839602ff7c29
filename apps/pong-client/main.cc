// pong-client: a player (or a bot, or a spectator) of the Distributed Pong cluster.
//
// Thin front end: CLI11 flags into ClientOptions, a random id and seed per session (the only
// randomness the process owns), then either the headless loop (transport/client_process.h) or
// the SDL2 window (app.h): the lobby first unless a flag said what to play, then the session.
// Bad flags exit 2.
#include <cstdint>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "transport/process_entropy.h"

#include "apps/pong-client/app.h"
#include "apps/pong-client/lobby_model.h"
#include "transport/client_options.h"
#include "transport/client_process.h"

namespace {

using dp::random_u64;

}  // namespace

int main(int argc, char** argv) {
  dp::ClientOptions options;
  CLI::App app{
      "Distributed Pong client: finds the cluster by broadcast, joins a room on the leader and "
      "plays (Pong: W/S or up/down; Racing: left/right or A/D; or a game controller). Without "
      "--game, --room, --watch, --name, --headless or --bot it opens on the lobby. --headless "
      "--bot plays without a window. Chat (the window's panel, served by pong-chat): Tab opens "
      "and closes the chat input (while it is open, keys type and never steer), Enter sends, "
      "Esc closes it, Page Up/Down scroll through older lines."};
  app.add_flag("--lobby", options.lobby,
               "Open on the lobby even when other flags say what to play (they fill it in)");
  app.add_option("--game", options.game, "pong or racing")
      ->capture_default_str()
      ->check(CLI::IsMember({"pong", "racing"}));
  app.add_option("--room", options.room,
                 "Room to join: a name, or #N for room number N (default: the first open room)");
  app.add_option("--watch", options.watch,
                 "Watch a room instead of playing: a room number, a room name, or \"\" for any "
                 "live room (served by a follower)");
  app.add_option("--name", options.name,
                 "Your name on the leaderboard, up to 16 printable characters (default: "
                 "player-XXXX after your id)");
  app.add_option("--discovery-address", options.discovery_address,
                 "Broadcast address for discovery (127.255.255.255 for one host)")
      ->capture_default_str();
  app.add_option("--discovery-port", options.discovery_port, "UDP discovery port of the servers")
      ->capture_default_str()
      ->check(dp::udp_port(1));
  app.add_option("--chat-discovery-port", options.chat_discovery_port,
                 "UDP discovery port of the chat cluster (pong-chat), found on the same "
                 "--discovery-address")
      ->capture_default_str()
      ->check(dp::udp_port(1));
  app.add_flag("--no-chat", options.no_chat,
               "No chat panel and no chat session (--headless never has one)");
  app.add_option("--client-port", options.client_port, "Local UDP port (0: any)")
      ->capture_default_str()
      ->check(dp::udp_port(0));
  app.add_flag("--headless", options.headless,
               "No window and no SDL: log state changes with monotonic timestamps");
  app.add_flag("--bot", options.bot, "Let the built-in bot play this paddle");
  app.add_option("--skill", options.skill, "Bot skill in percent")
      ->capture_default_str()
      ->check(CLI::Range(0, 100));
  app.add_option("--log-file", options.log_file, "Also append the log to this file");
  app.add_flag("--quit-after-match", options.quit_after_match, "Exit 0 once the match is over");
  app.add_option("--timeout-s", options.timeout_s,
                 "Give up after this many seconds (exit 3); 0: never")
      ->capture_default_str();
  // For scripts/screenshot.sh: save one frame of a match in progress as BMP, then exit.
  app.add_option("--screenshot", options.screenshot)->group("");
  app.add_option("--screenshot-after-s", options.screenshot_after_s)->group("");
  app.add_option("--screenshot-at", options.screenshot_at)->group("");
  app.add_option("--screenshot-chat-send", options.screenshot_chat_send)->group("");
  app.add_option("--screenshot-chat-draft", options.screenshot_chat_draft)->group("");
  app.add_option("--window-width", options.window_width,
                 "Initial window width in pixels (0: fits the game)")
      ->capture_default_str();
  app.add_option("--window-height", options.window_height,
                 "Initial window height in pixels (0: fits the game)")
      ->capture_default_str();

  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;

  std::random_device device;
  auto identity = [&device]() {
    dp::NodeId random_id{random_u64(device), random_u64(device)};
    if (random_id.is_nil()) random_id.lo = 1;
    return std::pair<dp::NodeId, std::uint64_t>{random_id, random_u64(device)};
  };
  const auto [random_id, seed] = identity();
  const auto setup = dp::make_client_setup(options, random_id, seed);
  if (!setup) {
    std::cerr << "pong-client: " << setup.error() << "\nRun with --help for more information.\n";
    return dp::kExitBadFlags;
  }
  if (!setup->headless) {
    std::vector<std::string> given;
    for (const CLI::Option* option : app.get_options()) {
      if (option->count() > 0) given.push_back(option->get_name());
    }
    return dp::client::run_windowed(options, dp::client::lobby_first(given), identity);
  }
  auto session = dp::ClientSession::open(*setup);
  if (!session) {
    std::cerr << "pong-client: " << session.error() << "\n";
    return 1;
  }
  return (*session)->run();
}
