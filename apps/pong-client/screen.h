// What the Pong window shows for a view of the session: which screen, and the words over the
// field. Kept apart from SDL so that tests can check the choices without a display.
#pragma once

#include <string>

#include "transport/client_process.h"

namespace dp::client {

enum class Screen : std::uint8_t {
  kSearching = 0,  // No leader yet: broadcasting discovery.
  kJoining = 1,    // A leader chosen, no state of ours yet.
  kWaiting = 2,    // Seated, waiting for an opponent.
  kCountdown = 3,  // Before a serve.
  kPlaying = 4,
  kGameOver = 5,  // The result, until the player plays again or quits (even once the room closed).
  kClosed = 6,    // The room closed without a result for us.
};

Screen screen_for(const ClientView& view);

// The countdown's words: "3", "2", "1" before a match's first serve; "Get ready" before the
// later ones, which are too short to count down.
std::string countdown_text(const wire::RoomState& state);

// "GO!" for the first half second after a match's first serve; empty otherwise.
std::string playing_banner(const wire::RoomState& state);

}  // namespace dp::client
