#include "core/wire/race_messages.h"

namespace dp::wire {

bool RaceState::valid() const {
  if (phase > 4 || your_slot > kSpectator || winner > kDrawWinner) return false;
  for (const RaceRacer& r : racers) {
    if (r.flags > 7 || !valid_name(r.name.view())) return false;
  }
  return true;
}

bool RaceBoardState::valid() const {
  if (room == 0 || result == 0 || !you.valid()) return false;
  for (const RaceBoardEntry& e : top) {
    if (!e.valid()) return false;
  }
  return true;
}

}  // namespace dp::wire
