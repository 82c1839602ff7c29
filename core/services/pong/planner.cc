#include "core/services/pong/planner.h"

namespace dp::pong {
namespace {

// The first slot a newcomer may take in `room`, or kNoSlot.
std::uint8_t free_slot(const Room& room) {
  if (room.match.phase != Phase::kWaiting) return kNoSlot;
  if (!room.seats[0].present) return 0;
  if (!room.seats[1].present) return 1;
  return kNoSlot;
}

}  // namespace

wire::PlayerName default_player_name(std::uint64_t client_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  char name[11] = {'p', 'l', 'a', 'y', 'e', 'r', '-', 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) name[7 + i] = kHex[(client_id >> (12 - 4 * i)) & 0xfu];
  return wire::PlayerName(std::string_view(name, sizeof name));
}

void plan_join(const RoomBook& book, std::uint64_t client_id, Endpoint client,
               std::string_view room_name, std::vector<Event>& out, const wire::PlayerName& player,
               std::uint32_t room_id) {
  if (client_id == 0) return;
  if (book.seat_of(client_id)) return;
  // Truncated to the wire's capacity. An empty view may carry a null pointer, which
  // FixedString::assign would hand to memcpy, so it is not assigned at all.
  wire::RoomName name;
  if (!room_name.empty()) name.assign(room_name);
  const rooms::Placement place = rooms::place(book, name, free_slot, room_id);
  if (!place.placed) return;
  if (place.open_new) {
    Event open = make_event(EventKind::kOpenRoom, place.room);
    open.name = name;
    out.push_back(open);
  }
  Event join = make_event(EventKind::kJoin, place.room);
  join.slot = place.slot;
  join.client_id = client_id;
  join.client = client;
  join.player = player.empty() ? default_player_name(client_id) : player;
  out.push_back(join);
}

void plan_leave(const RoomBook& book, std::uint64_t client_id, std::vector<Event>& out) {
  const std::optional<SeatRef> seat = book.seat_of(client_id);
  if (!seat) return;
  Event leave = make_event(EventKind::kLeave, seat->room);
  leave.slot = seat->slot;
  out.push_back(leave);
}

void plan_tick(const RoomBook& book, const InputTable& inputs, std::vector<Event>& out,
               std::uint32_t linger_ticks) {
  for (const auto& [id, room] : book.rooms()) {
    const MatchState& m = room.match;
    switch (m.phase) {
      case Phase::kWaiting:
        // Rooms never leak: a waiting room that everyone left is closed.
        if (room.player_count() == 0) out.push_back(make_event(EventKind::kClose, id));
        break;
      case Phase::kCountdown:
      case Phase::kPlaying:
        for (std::uint8_t slot = 0; slot < 2; ++slot) {
          const auto it = inputs.find(room.seats[slot].client_id);
          if (it == inputs.end() || it->second < -1 || it->second > 1) continue;
          if (it->second == m.paddle_dir[slot]) continue;
          Event input = make_event(EventKind::kInput, id);
          input.slot = slot;
          input.direction = it->second;
          out.push_back(input);
        }
        out.push_back(make_event(EventKind::kTick, id));
        break;
      case Phase::kGameOver:
        out.push_back(
            make_event(m.linger_ticks >= linger_ticks ? EventKind::kClose : EventKind::kTick, id));
        break;
      case Phase::kClosed:
        break;
    }
  }
}

void plan_checks(std::uint32_t room, const ApplyResult& result, std::vector<Event>& out) {
  if (!result.ok()) return;
  if (result.point_scored_by != kNoSlot) {
    Event point = make_event(EventKind::kPoint, room);
    point.score = result.score;
    out.push_back(point);
  }
  if (result.match_over) {
    Event over = make_event(EventKind::kMatchOver, room);
    over.slot = result.winner;
    over.score = result.score;
    out.push_back(over);
  }
}

}  // namespace dp::pong
