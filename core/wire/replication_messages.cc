#include "core/wire/replication_messages.h"

namespace dp::wire {

std::size_t RoomEvent::wire_size() const {
  // Portable binary: fixed-width integers; counts are 8 bytes.
  std::size_t n = 1 + 4;
  switch (kind) {
    case EventKind::kOpenRoom:
      n += 8 + name.size();
      break;
    case EventKind::kJoin:
      n += 1 + 8 + 4 + 2;
      break;
    case EventKind::kLeave:
      n += 1;
      break;
    case EventKind::kInput:
      n += 1 + 4;
      break;
    case EventKind::kTick:
      break;
    case EventKind::kPoint:
      n += 4;
      break;
    case EventKind::kMatchOver:
      n += 1 + 4;
      break;
    case EventKind::kClose:
      break;
  }
  return n;
}

bool RoomEvent::valid() const {
  switch (kind) {
    case EventKind::kJoin:
    case EventKind::kLeave:
      return slot <= 1;
    case EventKind::kInput:
      return slot <= 1 && value >= -1 && value <= 1;
    case EventKind::kMatchOver:
      return slot <= 1 && value >= 0 && value <= 0xffff;
    case EventKind::kPoint:
      return value >= 0 && value <= 0xffff;
    default:
      return true;
  }
}

bool Replicate::valid() const {
  if (first_seq == 0 || first_seq >= (1ull << 62) || commit_seq >= (1ull << 62)) return false;
  for (const auto& e : events) {
    if (!e.valid()) return false;
  }
  return true;
}

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
