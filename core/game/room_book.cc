#include "core/game/room_book.h"

#include <algorithm>

namespace dp::game {

const char* apply_error_name(ApplyError error) {
  switch (error) {
    case ApplyError::kOk:
      return "ok";
    case ApplyError::kInvalidEvent:
      return "invalid event";
    case ApplyError::kUnknownRoom:
      return "unknown room";
    case ApplyError::kRoomIdTaken:
      return "room id taken";
    case ApplyError::kTooManyRooms:
      return "too many rooms";
    case ApplyError::kBadSlot:
      return "bad slot";
    case ApplyError::kAlreadySeated:
      return "client already seated";
    case ApplyError::kBadClient:
      return "bad client id";
    case ApplyError::kWrongPhase:
      return "wrong phase";
    case ApplyError::kCheckMismatch:
      return "check mismatch";
  }
  return "?";
}

RoomBook::RoomBook(std::uint8_t target_score)
    : target_score_(std::clamp<std::uint8_t>(target_score, 1, kMaxTargetScore)) {}

const Room* RoomBook::find(std::uint32_t room_id) const {
  const auto it = rooms_.find(room_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

std::optional<Seat> RoomBook::seat_of(std::uint64_t client_id) const {
  const auto it = seats_.find(client_id);
  if (it == seats_.end()) return std::nullopt;
  return it->second;
}

ApplyResult RoomBook::apply(const wire::RoomEvent& e) {
  ApplyResult result;
  if (!e.valid()) {
    result.error = ApplyError::kInvalidEvent;
    return result;
  }
  if (e.kind == wire::EventKind::kOpenRoom) return open_room(e);
  const auto it = rooms_.find(e.room);
  if (it == rooms_.end()) {
    result.error = ApplyError::kUnknownRoom;
    return result;
  }
  Room& room = it->second;
  switch (e.kind) {
    case wire::EventKind::kOpenRoom:
      break;  // Handled above.
    case wire::EventKind::kJoin:
      return join(room, e);
    case wire::EventKind::kLeave:
      return leave(room, e);
    case wire::EventKind::kInput:
      if (room.match.phase != Phase::kCountdown && room.match.phase != Phase::kPlaying) {
        result.error = ApplyError::kWrongPhase;
      } else {
        room.match.paddle_dir[e.slot] = static_cast<std::int8_t>(e.value);
      }
      return result;
    case wire::EventKind::kTick: {
      const Phase phase = room.match.phase;
      if (phase != Phase::kCountdown && phase != Phase::kPlaying && phase != Phase::kGameOver) {
        result.error = ApplyError::kWrongPhase;
        return result;
      }
      const StepResult step_result = step(room.match);
      result.point_scored_by = step_result.point_scored_by;
      result.match_over = step_result.match_over;
      if (result.match_over) result.winner = room.match.winner;
      result.packed_score = packed_score(room.match);
      return result;
    }
    case wire::EventKind::kPoint:
    case wire::EventKind::kMatchOver:
      return check(room, e);
    case wire::EventKind::kClose:
      close(e.room);
      return result;
  }
  result.error = ApplyError::kInvalidEvent;
  return result;
}

ApplyResult RoomBook::open_room(const wire::RoomEvent& e) {
  ApplyResult result;
  if (e.room == 0 || e.room < next_room_id_) {
    result.error = ApplyError::kRoomIdTaken;
  } else if (rooms_.size() >= kMaxRooms) {
    result.error = ApplyError::kTooManyRooms;
  } else {
    Room room;
    room.id = e.room;
    room.name = e.name;
    room.match = new_match(target_score_);
    rooms_.emplace(e.room, room);
    // Wraps to 0 only after 2^32 rooms; every later open is then refused, which is safe.
    next_room_id_ = e.room + 1;
  }
  return result;
}

ApplyResult RoomBook::join(Room& room, const wire::RoomEvent& e) {
  ApplyResult result;
  if (room.match.phase != Phase::kWaiting) {
    result.error = ApplyError::kWrongPhase;
  } else if (room.players[e.slot].present) {
    result.error = ApplyError::kBadSlot;
  } else if (e.client_id == 0) {
    result.error = ApplyError::kBadClient;
  } else if (seats_.count(e.client_id) != 0) {
    result.error = ApplyError::kAlreadySeated;
  }
  if (!result.ok()) return result;
  room.players[e.slot] = PlayerSlot{true, e.client_id, e.client};
  seats_[e.client_id] = Seat{room.id, e.slot};
  if (room.player_count() == 2) start_match(room.match);
  return result;
}

ApplyResult RoomBook::leave(Room& room, const wire::RoomEvent& e) {
  ApplyResult result;
  PlayerSlot& player = room.players[e.slot];
  if (!player.present) {
    result.error = ApplyError::kBadSlot;
    return result;
  }
  player.present = false;
  seats_.erase(player.client_id);
  if (forfeit(room.match, e.slot)) {
    result.match_over = true;
    result.winner = room.match.winner;
    result.packed_score = packed_score(room.match);
  }
  return result;
}

ApplyResult RoomBook::check(const Room& room, const wire::RoomEvent& e) const {
  ApplyResult result;
  const MatchState& m = room.match;
  bool agrees = packed_score(m) == e.value;
  if (e.kind == wire::EventKind::kMatchOver) {
    agrees = agrees && m.phase == Phase::kGameOver && m.winner == e.slot;
  }
  if (!agrees) result.error = ApplyError::kCheckMismatch;
  return result;
}

void RoomBook::close(std::uint32_t room_id) {
  const auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  for (const PlayerSlot& player : it->second.players) {
    if (player.present) seats_.erase(player.client_id);
  }
  rooms_.erase(it);
}

}  // namespace dp::game
