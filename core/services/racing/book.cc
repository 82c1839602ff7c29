#include "core/services/racing/book.h"

namespace dp::racing {
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

ApplyResult error(ApplyError e) {
  ApplyResult r;
  r.error = e;
  return r;
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
      return "already seated";
    case ApplyError::kBadClient:
      return "bad client";
    case ApplyError::kWrongPhase:
      return "wrong phase";
    case ApplyError::kCheckMismatch:
      return "check mismatch";
  }
  return "?";
}

ApplyResult RaceBook::apply(const Event& e) {
  if (e.kind == EventKind::kOpenRoom) {
    return error(from_seat_error(table_.open(e.room, e.name, new_race(e.seed))));
  }
  Room* found = table_.find(e.room);
  if (found == nullptr) return error(ApplyError::kUnknownRoom);
  Room& room = *found;
  RaceState& race = room.match;
  ApplyResult result;
  switch (e.kind) {
    case EventKind::kOpenRoom:
      break;
    case EventKind::kJoin:
      return join(room, e);
    case EventKind::kLeave:
      return leave(room, e);
    case EventKind::kInput:
      if ((race.phase != Phase::kCountdown && race.phase != Phase::kRacing) ||
          !room.seats[e.slot].present || !race.racers[e.slot].alive) {
        return error(ApplyError::kWrongPhase);
      }
      race.racers[e.slot].dir = e.direction;
      return result;
    case EventKind::kTick: {
      if (race.phase == Phase::kWaiting) return error(ApplyError::kWrongPhase);
      const StepResult step_result = step(race);
      result.scores_changed = step_result.scores_changed;
      result.race_over = step_result.race_over;
      return result;
    }
    case EventKind::kScores: {
      const Event mine = scores_event(room.id, race);
      if (mine.scores != e.scores || mine.alive != e.alive) {
        return error(ApplyError::kCheckMismatch);
      }
      return result;
    }
    case EventKind::kRaceOver:
      return race_over(room, e);
    case EventKind::kClose:
      table_.close(room.id);
      return result;
  }
  return error(ApplyError::kInvalidEvent);
}

ApplyResult RaceBook::join(Room& room, const Event& e) {
  RaceState& race = room.match;
  if (race.phase != Phase::kWaiting && race.phase != Phase::kCountdown) {
    return error(ApplyError::kWrongPhase);
  }
  if (auto seat_error = table_.can_seat(room, e.slot, e.client_id);
      seat_error != rooms::SeatError::kOk) {
    return error(from_seat_error(seat_error));
  }
  table_.seat(room, e.slot, e.client_id, e.client, e.player);
  seat_racer(race, e.slot);
  if (race.phase == Phase::kWaiting && room.player_count() >= kMinRacers) start_countdown(race);
  return {};
}

ApplyResult RaceBook::leave(Room& room, const Event& e) {
  RaceState& race = room.match;
  if (auto seat_error = table_.unseat(room, e.slot); seat_error != rooms::SeatError::kOk) {
    return error(from_seat_error(seat_error));
  }
  ApplyResult result;
  switch (race.phase) {
    case Phase::kWaiting:
    case Phase::kCountdown:
      // Before GO the seat is simply given up (and forgotten: its name is not a racer's).
      unseat_racer(race, e.slot);
      room.seats[e.slot] = Seat{};
      if (race.phase == Phase::kCountdown && room.player_count() < kMinRacers) {
        race.phase = Phase::kWaiting;
        race.countdown_ticks = 0;
      }
      break;
    case Phase::kRacing: {
      const StepResult retired = retire(race, e.slot);
      result.scores_changed = retired.scores_changed;
      result.race_over = retired.race_over;
      break;
    }
    case Phase::kGameOver:
    case Phase::kClosed:
      break;
  }
  return result;
}

ApplyResult RaceBook::race_over(Room& room, const Event& e) {
  const RaceState& race = room.match;
  if (race.phase != Phase::kGameOver || race.recorded) return error(ApplyError::kWrongPhase);
  if (race.winner != e.slot) return error(ApplyError::kCheckMismatch);
  RaceResult result;
  result.room = room.id;
  result.winner = race.winner;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    if (race.racers[slot].score != e.scores[slot]) return error(ApplyError::kCheckMismatch);
    result.scores[slot] = race.racers[slot].score;
    if (race.racers[slot].racing) result.racers[slot] = room.seats[slot].name;
  }
  room.match.recorded = true;  // Recorded once, however many leaders try.
  last_change_ = board_.record(result);
  return {};
}

}  // namespace dp::racing
