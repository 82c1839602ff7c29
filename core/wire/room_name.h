// The names players type: a game room's, and a player's own. Both travel in at most their
// bound of bytes (longer names are truncated). Shared by every game's messages.
#pragma once

#include "core/wire/fixed.h"

namespace dp::wire {

constexpr std::size_t kRoomNameMax = 24;
using RoomName = FixedString<kRoomNameMax>;

constexpr std::size_t kPlayerNameMax = 16;
using PlayerName = FixedString<kPlayerNameMax>;

// Printable ASCII only (a name is shown on screens and in logs): no control characters.
inline bool valid_name(std::string_view name) {
  for (const char c : name) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace dp::wire
