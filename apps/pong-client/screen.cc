#include "apps/pong-client/screen.h"

#include <algorithm>

#include "core/services/pong/rules.h"

namespace dp::client {
namespace {

constexpr std::uint32_t kGoTicks = pong::kTicksPerSecond / 2;

}  // namespace

Screen screen_for(const ClientView& view) {
  if (view.recent.empty()) {
    return view.phase == ClientPhase::kDiscovering ? Screen::kSearching : Screen::kJoining;
  }
  // The result stays on screen after the room closes: the player reads it, then chooses.
  // A spectator watching on moves to the next room: its states then win over the old result.
  if (view.result && view.result->room == view.recent.back().state.room) return Screen::kGameOver;
  switch (view.recent.back().state.phase) {
    case room_phase::kWaiting:
      return Screen::kWaiting;
    case room_phase::kCountdown:
      return Screen::kCountdown;
    case room_phase::kPlaying:
      return Screen::kPlaying;
    case room_phase::kGameOver:
      return Screen::kGameOver;
    default:
      return Screen::kClosed;
  }
}

std::string countdown_text(const wire::RoomState& state) {
  if (!pong::first_serve_countdown(state.tick)) return "Get ready";
  const int seconds = (state.countdown_ticks + pong::kTicksPerSecond - 1) / pong::kTicksPerSecond;
  return std::to_string(std::max(seconds, 1));
}

std::string playing_banner(const wire::RoomState& state) {
  const bool just_served = state.tick >= pong::kFirstServeCountdownTicks &&
                           state.tick < pong::kFirstServeCountdownTicks + kGoTicks;
  return just_served && state.score_left == 0 && state.score_right == 0 ? "GO!" : "";
}

}  // namespace dp::client
