#include "transport/client_options.h"

#include <algorithm>

#include "core/wire/chat_text.h"
#include "core/wire/room_name.h"

namespace dp {
namespace {

// Every comparison with NaN is false, so NaN is rejected too.
bool valid_seconds(double s) { return s >= 0 && s <= kClientSecondsMax; }

TimeUs seconds_to_us(double s) {
  return static_cast<TimeUs>(s * static_cast<double>(kUsPerSecond));
}

}  // namespace

Result<ClientSetup, std::string> make_client_setup(const ClientOptions& options,
                                                   const NodeId& random_id, std::uint64_t seed) {
  using R = Result<ClientSetup, std::string>;
  ClientSetup setup;
  if (random_id.is_nil()) return R::failure("the random client id is zero");
  setup.node.id = random_id;
  setup.node.seed = seed;

  if (options.watch) {
    if (!options.room.empty()) return R::failure("--watch: give the room to --watch, not --room");
    if (options.bot) return R::failure("--watch: a spectator does not play (drop --bot)");
    const std::string& w = *options.watch;
    const bool number = !w.empty() && w.size() <= 9 && std::all_of(w.begin(), w.end(), [](char c) {
      return c >= '0' && c <= '9';
    });
    setup.node.spectate = true;
    if (number) {
      setup.node.watch_room = static_cast<std::uint32_t>(std::stoul(w));
      if (setup.node.watch_room == 0) return R::failure("--watch: room numbers start at 1");
    }
  }
  std::string room = options.watch && setup.node.watch_room == 0 ? *options.watch : options.room;
  // --room '#N': join room number N (the lobby's pick of a live room, named or not).
  if (!options.watch && room.size() >= 2 && room.size() <= 10 && room[0] == '#' &&
      std::all_of(room.begin() + 1, room.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    setup.node.join_room = static_cast<std::uint32_t>(std::stoul(room.substr(1)));
    room.clear();
  }
  if (options.game == "racing") {
    setup.node.game = Game::kRacing;
  } else if (options.game != "pong") {
    return R::failure("--game: pong or racing, not '" + options.game + "'");
  }
  if (room.size() > wire::kRoomNameMax) {
    return R::failure("--room: at most " + std::to_string(wire::kRoomNameMax) + " bytes");
  }
  setup.node.room_name = room;
  if (!wire::valid_name(room)) return R::failure("--room: printable ASCII only");
  if (options.name.size() > wire::kPlayerNameMax || !wire::valid_name(options.name)) {
    return R::failure("--name: at most " + std::to_string(wire::kPlayerNameMax) +
                      " printable ASCII characters");
  }
  setup.node.player_name = options.name;

  if (options.discovery_port == 0) return R::failure("--discovery-port: must not be 0");
  const auto discovery_ip = parse_ipv4(options.discovery_address);
  if (!discovery_ip) return R::failure("--discovery-address: " + discovery_ip.error().message);
  setup.udp.server = false;
  setup.udp.discovery_port = options.discovery_port;
  setup.udp.client_port = options.client_port;
  setup.udp.discovery_address = options.discovery_address;
  setup.node.endpoints.discovery_port = options.discovery_port;

  setup.chat = !options.headless && !options.no_chat;
  if (options.chat_discovery_port == 0) return R::failure("--chat-discovery-port: must not be 0");
  // The game's servers would answer the chat's discovery, and the chat client would then talk
  // chat to a game leader.
  if (setup.chat && options.chat_discovery_port == options.discovery_port) {
    return R::failure("--chat-discovery-port: must differ from --discovery-port");
  }
  setup.chat_discovery_port = options.chat_discovery_port;
  for (const std::string* text : {&options.screenshot_chat_send, &options.screenshot_chat_draft}) {
    if (!text->empty() && !wire::valid_chat_text(*text)) {
      return R::failure("--screenshot-chat-send/--screenshot-chat-draft: not valid chat text");
    }
  }
  setup.screenshot_chat_send = options.screenshot_chat_send;
  setup.screenshot_chat_draft = options.screenshot_chat_draft;

  if (options.skill < 0 || options.skill > 100) return R::failure("--skill: must be in [0, 100]");
  setup.headless = options.headless;
  setup.bot = options.bot;
  setup.skill = options.skill;
  setup.log_file = options.log_file;
  setup.quit_after_match = options.quit_after_match;

  if (!valid_seconds(options.timeout_s)) return R::failure("--timeout-s: must be in [0, 86400]");
  if (options.timeout_s > 0) setup.timeout_us = seconds_to_us(options.timeout_s);

  if (!options.screenshot.empty() && options.headless) {
    return R::failure("--screenshot: needs a window (drop --headless)");
  }
  if (!valid_seconds(options.screenshot_after_s)) {
    return R::failure("--screenshot-after-s: must be in [0, 86400]");
  }
  if (options.screenshot_at == "playing") {
    setup.screenshot_at = ScreenshotAt::kPlaying;
  } else if (options.screenshot_at == "countdown") {
    setup.screenshot_at = ScreenshotAt::kCountdown;
  } else if (options.screenshot_at == "game-over") {
    setup.screenshot_at = ScreenshotAt::kGameOver;
  } else if (options.screenshot_at == "lobby") {
    setup.screenshot_at = ScreenshotAt::kLobby;
  } else {
    return R::failure("--screenshot-at: must be playing, countdown, game-over or lobby, not '" +
                      options.screenshot_at + "'");
  }
  if (setup.screenshot_at == ScreenshotAt::kLobby && !options.lobby) {
    return R::failure("--screenshot-at lobby: needs --lobby");
  }
  if (options.lobby && options.headless)
    return R::failure("--lobby: needs a window (drop --headless)");
  setup.screenshot = options.screenshot;
  setup.screenshot_after_us = seconds_to_us(options.screenshot_after_s);

  const bool racing = setup.node.game == Game::kRacing;
  setup.window_width = options.window_width != 0 ? options.window_width
                                                 : (racing ? kRaceWindowWidth : kPongWindowWidth);
  setup.window_height = options.window_height != 0
                            ? options.window_height
                            : (racing ? kRaceWindowHeight : kPongWindowHeight);
  setup.window_size_given = options.window_width != 0 || options.window_height != 0;
  if (setup.window_width < kWindowPixelsMin || setup.window_width > kWindowPixelsMax ||
      setup.window_height < kWindowPixelsMin || setup.window_height > kWindowPixelsMax) {
    return R::failure(
        "--window-width/--window-height: must be in [200, 8192] (or 0: fits the game)");
  }
  return setup;
}

}  // namespace dp
