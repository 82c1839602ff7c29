#include "core/services/pong/book.h"

#include <algorithm>

namespace dp::pong {
namespace {

ApplyError from_seat_error(rooms::SeatError error) {
  switch (error) {
    case rooms::SeatError::kOk:
      return ApplyError::kOk;
    case rooms::SeatError::kUnknownRoom:
      return ApplyError::kUnknownRoom;
    case rooms::SeatError::kRoomIdTaken:
      return ApplyError::kRoomIdTaken;
    case rooms::SeatError::kTooManyRooms:
      return ApplyError::kTooManyRooms;
    case rooms::SeatError::kBadSlot:
      return ApplyError::kBadSlot;
    case rooms::SeatError::kAlreadySeated:
      return ApplyError::kAlreadySeated;
    case rooms::SeatError::kBadClient:
      return ApplyError::kBadClient;
  }
  return ApplyError::kInvalidEvent;
}

}  // namespace

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
    case ApplyError::kIdentityTaken:
      return "identity taken";
  }
  return "?";
}

RoomBook::RoomBook(std::uint8_t target_score)
    : target_score_(std::clamp<std::uint8_t>(target_score, 1, kMaxTargetScore)) {}

ApplyResult RoomBook::apply(const Event& e) {
  ApplyResult result;
  if (e.slot > 1 || e.direction < -1 || e.direction > 1) {
    result.error = ApplyError::kInvalidEvent;
    return result;
  }
  if (e.kind == EventKind::kOpenRoom) return open_room(e);
  if (e.kind == EventKind::kIdentity) {
    if (e.founding.is_none()) {
      result.error = ApplyError::kInvalidEvent;
    } else if (!identity_.is_none() && identity_ != e.founding) {
      result.error = ApplyError::kIdentityTaken;
    } else {
      identity_ = e.founding;
    }
    return result;
  }
  Room* found = table_.find(e.room);
  if (found == nullptr) {
    result.error = ApplyError::kUnknownRoom;
    return result;
  }
  Room& room = *found;
  switch (e.kind) {
    case EventKind::kOpenRoom:
    case EventKind::kIdentity:
      break;  // Handled above.
    case EventKind::kJoin:
      return join(room, e);
    case EventKind::kLeave:
      return leave(room, e);
    case EventKind::kInput:
      if (room.match.phase != Phase::kCountdown && room.match.phase != Phase::kPlaying) {
        result.error = ApplyError::kWrongPhase;
      } else {
        room.match.paddle_dir[e.slot] = e.direction;
      }
      return result;
    case EventKind::kTick: {
      const Phase phase = room.match.phase;
      if (phase != Phase::kCountdown && phase != Phase::kPlaying && phase != Phase::kGameOver) {
        result.error = ApplyError::kWrongPhase;
        return result;
      }
      const StepResult step_result = step(room.match);
      result.point_scored_by = step_result.point_scored_by;
      result.match_over = step_result.match_over;
      if (result.match_over) result.winner = room.match.winner;
      result.score = score_of(room.match);
      return result;
    }
    case EventKind::kPoint:
      return check(room, e);
    case EventKind::kMatchOver: {
      result = check(room, e);
      if (result.ok()) {
        const wire::PlayerName players[2] = {room.seats[0].name, room.seats[1].name};
        last_change_ = leaderboard_.record(room.id, room.name, players, e.score, e.slot);
      }
      return result;
    }
    case EventKind::kClose:
      table_.close(e.room);
      return result;
  }
  result.error = ApplyError::kInvalidEvent;
  return result;
}

ApplyResult RoomBook::open_room(const Event& e) {
  ApplyResult result;
  result.error = from_seat_error(table_.open(e.room, e.name, new_match(target_score_)));
  return result;
}

ApplyResult RoomBook::join(Room& room, const Event& e) {
  ApplyResult result;
  if (room.match.phase != Phase::kWaiting) {
    result.error = ApplyError::kWrongPhase;
    return result;
  }
  result.error = from_seat_error(table_.can_seat(room, e.slot, e.client_id));
  if (!result.ok()) return result;
  table_.seat(room, e.slot, e.client_id, e.client, e.player);
  if (room.player_count() == 2) start_match(room.match);
  return result;
}

ApplyResult RoomBook::leave(Room& room, const Event& e) {
  ApplyResult result;
  result.error = from_seat_error(table_.unseat(room, e.slot));
  if (!result.ok()) return result;
  if (forfeit(room.match, e.slot)) {
    result.match_over = true;
    result.winner = room.match.winner;
    result.score = score_of(room.match);
  }
  return result;
}

ApplyResult RoomBook::check(const Room& room, const Event& e) const {
  ApplyResult result;
  const MatchState& m = room.match;
  bool agrees = score_of(m) == e.score;
  if (e.kind == EventKind::kMatchOver) {
    agrees = agrees && m.phase == Phase::kGameOver && m.winner == e.slot;
  }
  if (!agrees) result.error = ApplyError::kCheckMismatch;
  return result;
}

}  // namespace dp::pong
