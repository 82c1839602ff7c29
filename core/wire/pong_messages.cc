#include "core/wire/pong_messages.h"

namespace dp::wire {

bool Input::valid() const {
  if (client_id == 0) return false;
  for (auto d : recent) {
    if (d < -1 || d > 1) return false;
  }
  return true;
}

bool RoomState::valid() const {
  return phase <= 4 && your_slot <= 2 && winner <= 2 && score_left <= 99 && score_right <= 99;
}

}  // namespace dp::wire
