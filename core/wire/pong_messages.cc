#include "core/wire/pong_messages.h"

namespace dp::wire {

bool RoomState::valid() const {
  return phase <= 4 && your_slot <= 2 && winner <= 2 && score_left <= 99 && score_right <= 99;
}

bool LeaderboardState::valid() const {
  if (room == 0 || result == 0 || !you.valid()) return false;
  for (const BoardEntry& e : top) {
    if (!e.valid()) return false;
  }
  return true;
}

}  // namespace dp::wire
