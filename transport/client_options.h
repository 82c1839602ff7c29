// pong-client's options as plain data, and their validation into what a client process is
// built from (a ClientConfig for the node, a UdpTransportConfig for its one socket, and how
// the process plays, logs and ends).
//
// The app registers these fields as CLI11 flags; every check of their values lives here so
// the app stays thin and the error messages name the flag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/client/client_config.h"
#include "core/common/result.h"
#include "transport/asio_udp_transport.h"

namespace dp {

// What the user typed (or the defaults). Field names follow the flags.
struct ClientOptions {
  std::string game = "pong";  // --game: pong or racing.
  std::string room;           // --room: empty joins the first open room.
  // --watch: spectate instead of playing (a room number, a name, or empty for any live room).
  std::optional<std::string> watch;
  std::string name;  // --name: the player's name on the leaderboard.
  std::string discovery_address = "255.255.255.255";
  std::uint16_t discovery_port = kDefaultDiscoveryPort;
  std::uint16_t client_port = 0;  // 0: ephemeral (the usual case).
  bool lobby = false;             // --lobby: the lobby first, even with flags that would skip it.
  bool headless = false;
  bool bot = false;
  int skill = 70;        // Bot skill in percent, [0, 100].
  std::string log_file;  // Empty: stdout only.
  bool quit_after_match = false;
  double timeout_s = 0;  // 0: no limit.
  // Hidden flags for scripts/screenshot.sh.
  std::string screenshot;
  double screenshot_after_s = 3;
  // "playing", "countdown", "game-over" (with its leaderboard) or "lobby".
  std::string screenshot_at = "playing";
  int window_width = 0;  // 0: the size that fits the game (kPongWindow*, kRaceWindow*).
  int window_height = 0;
  // The chat panel of the window: the chat cluster (pong-chat) is found on the game's
  // --discovery-address at this port. --no-chat: no chat session at all.
  std::uint16_t chat_discovery_port = kDefaultChatDiscoveryPort;
  bool no_chat = false;
  // Hidden flags for scripts/screenshot.sh: a message sent at start, and text typed into the
  // chat input (left open) so a picture shows it.
  std::string screenshot_chat_send;
  std::string screenshot_chat_draft;
};

// Initial window sizes: Pong's 800x400 field and race's 800x600 road, each with its 24 px
// status bar below, scaled 1.25 and 1.1 (a race window still fits a 768 px high screen).
constexpr int kPongWindowWidth = 1000;
constexpr int kPongWindowHeight = 530;
constexpr int kRaceWindowWidth = 880;
constexpr int kRaceWindowHeight = 686;

// Upper bound on --timeout-s and --screenshot-after-s: one day.
constexpr double kClientSecondsMax = 24.0 * 3600;
// Bounds on the initial window size, in pixels.
constexpr int kWindowPixelsMin = 200;
constexpr int kWindowPixelsMax = 8192;

// The moment scripts/screenshot.sh saves a frame of.
enum class ScreenshotAt : std::uint8_t { kPlaying, kCountdown, kGameOver, kLobby };

struct ClientSetup {
  ClientConfig node;  // endpoints are filled in once the socket is bound.
  UdpTransportConfig udp;
  bool headless = false;
  bool bot = false;
  int skill = 70;
  std::string log_file;
  bool quit_after_match = false;
  std::optional<TimeUs> timeout_us;
  std::string screenshot;
  TimeUs screenshot_after_us = 0;
  ScreenshotAt screenshot_at = ScreenshotAt::kPlaying;
  int window_width = kPongWindowWidth;
  int window_height = kPongWindowHeight;
  bool window_size_given = false;  // Else the window may resize to fit the next game.
  // A chat session beside the game's: windowed clients only, unless --no-chat. The headless
  // client (and its bot) never opens one.
  bool chat = false;
  std::uint16_t chat_discovery_port = kDefaultChatDiscoveryPort;
  std::string screenshot_chat_send;
  std::string screenshot_chat_draft;
};

// Checks the options and builds the setup. `random_id` names the client on the wire and
// `seed` seeds its generator; both come from the caller (the app owns randomness).
Result<ClientSetup, std::string> make_client_setup(const ClientOptions& options,
                                                   const NodeId& random_id, std::uint64_t seed);

}  // namespace dp
