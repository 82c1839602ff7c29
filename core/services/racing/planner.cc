#include "core/services/racing/planner.h"

#include <algorithm>

#include "core/services/pong/planner.h"

namespace dp::racing {
namespace {

std::uint8_t free_slot(const Room& room, std::uint8_t seats) {
  if (room.match.phase != Phase::kWaiting && room.match.phase != Phase::kCountdown) {
    return kNoSlot;
  }
  int taken = 0;
  for (const Racer& r : room.match.racers) taken += r.racing ? 1 : 0;
  if (taken >= seats) return kNoSlot;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    if (!room.seats[slot].present && !room.match.racers[slot].racing) return slot;
  }
  return kNoSlot;
}

Event race_over_event(std::uint32_t room, const RaceState& race) {
  Event over = make_event(EventKind::kRaceOver, room);
  over.slot = race.winner;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot)
    over.scores[slot] = race.racers[slot].score;
  return over;
}

}  // namespace

void plan_join(const RaceBook& book, std::uint64_t client_id, Endpoint client,
               std::string_view room_name, const wire::PlayerName& player, std::uint64_t seed,
               std::vector<Event>& out, std::uint8_t seats, std::uint32_t room_id) {
  seats = std::clamp(seats, kMinRacers, kMaxRacers);
  if (client_id == 0 || book.seat_of(client_id)) return;
  wire::RoomName name;
  if (!room_name.empty()) name.assign(room_name);
  const rooms::Placement place = rooms::place(
      book, name, [seats](const Room& room) { return free_slot(room, seats); }, room_id);
  if (!place.placed) return;
  if (place.open_new) {
    Event open = make_event(EventKind::kOpenRoom, place.room);
    open.name = name;
    open.seed = seed;
    out.push_back(open);
  }
  Event join = make_event(EventKind::kJoin, place.room);
  join.slot = place.slot;
  join.client_id = client_id;
  join.client = client;
  join.player = player.empty() ? pong::default_player_name(client_id) : player;
  out.push_back(join);
}

void plan_leave(const RaceBook& book, std::uint64_t client_id, std::vector<Event>& out) {
  const std::optional<SeatRef> seat = book.seat_of(client_id);
  if (!seat) return;
  Event leave = make_event(EventKind::kLeave, seat->room);
  leave.slot = seat->slot;
  out.push_back(leave);
}

void plan_tick(const RaceBook& book, const SteerTable& steering, std::vector<Event>& out) {
  for (const auto& [id, room] : book.rooms()) {
    const RaceState& race = room.match;
    switch (race.phase) {
      case Phase::kWaiting:
        if (room.player_count() == 0) out.push_back(make_event(EventKind::kClose, id));
        break;
      case Phase::kCountdown:
      case Phase::kRacing:
        for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
          if (!room.seats[slot].present || !race.racers[slot].alive) continue;
          const auto it = steering.find(room.seats[slot].client_id);
          if (it == steering.end() || it->second < -1 || it->second > 1) continue;
          if (it->second == race.racers[slot].dir) continue;
          Event input = make_event(EventKind::kInput, id);
          input.slot = slot;
          input.direction = it->second;
          out.push_back(input);
        }
        out.push_back(make_event(EventKind::kTick, id));
        break;
      case Phase::kGameOver:
        if (!race.recorded) {
          out.push_back(race_over_event(id, race));
        } else {
          out.push_back(make_event(
              race.linger_ticks >= kGameOverLingerTicks ? EventKind::kClose : EventKind::kTick,
              id));
        }
        break;
      case Phase::kClosed:
        break;
    }
  }
}

void plan_checks(const RaceBook& book, std::uint32_t room, const ApplyResult& result,
                 std::vector<Event>& out) {
  if (!result.ok()) return;
  const Room* r = book.find(room);
  if (r == nullptr) return;
  if (result.scores_changed) out.push_back(scores_event(room, r->match));
  if (result.race_over) out.push_back(race_over_event(room, r->match));
}

}  // namespace dp::racing
