#include "core/game/room_planner.h"

namespace dp::game {
namespace {

wire::RoomEvent event(wire::EventKind kind, std::uint32_t room) {
  wire::RoomEvent e;
  e.kind = kind;
  e.room = room;
  return e;
}

// The first slot a newcomer may take in `room`, or kNoSlot.
std::uint8_t free_slot(const Room& room) {
  if (room.match.phase != Phase::kWaiting) return kNoSlot;
  if (!room.players[0].present) return 0;
  if (!room.players[1].present) return 1;
  return kNoSlot;
}

}  // namespace

void plan_join(const RoomBook& book, std::uint64_t client_id, Endpoint client,
               std::string_view room_name, std::vector<wire::RoomEvent>& out) {
  if (client_id == 0) return;
  if (book.seat_of(client_id)) return;
  // Truncated to the wire's capacity. An empty view may carry a null pointer, which
  // FixedString::assign would hand to memcpy, so it is not assigned at all.
  wire::RoomName name;
  if (!room_name.empty()) name.assign(room_name);

  // Matchmaking walks rooms in id order, so the oldest open room fills first.
  std::uint32_t target_room = 0;
  std::uint8_t target_slot = kNoSlot;
  for (const auto& [id, room] : book.rooms()) {
    const std::uint8_t slot = free_slot(room);
    if (slot != kNoSlot && room.name == name) {
      target_room = id;
      target_slot = slot;
      break;
    }
  }
  const bool open_new = target_slot == kNoSlot;
  if (open_new) {
    if (book.next_room_id() == 0 || book.rooms().size() >= kMaxRooms) return;
    target_room = book.next_room_id();
    target_slot = 0;
  }

  if (open_new) {
    wire::RoomEvent open = event(wire::EventKind::kOpenRoom, target_room);
    open.name = name;
    out.push_back(open);
  }
  wire::RoomEvent join = event(wire::EventKind::kJoin, target_room);
  join.slot = target_slot;
  join.client_id = client_id;
  join.client = client;
  out.push_back(join);
}

void plan_leave(const RoomBook& book, std::uint64_t client_id, std::vector<wire::RoomEvent>& out) {
  const std::optional<Seat> seat = book.seat_of(client_id);
  if (!seat) return;
  wire::RoomEvent leave = event(wire::EventKind::kLeave, seat->room);
  leave.slot = seat->slot;
  out.push_back(leave);
}

void plan_tick(const RoomBook& book, const InputTable& inputs, std::vector<wire::RoomEvent>& out,
               std::uint32_t linger_ticks) {
  for (const auto& [id, room] : book.rooms()) {
    const MatchState& m = room.match;
    switch (m.phase) {
      case Phase::kWaiting:
        // Rooms never leak: a waiting room that everyone left is closed.
        if (room.player_count() == 0) out.push_back(event(wire::EventKind::kClose, id));
        break;
      case Phase::kCountdown:
      case Phase::kPlaying:
        for (std::uint8_t slot = 0; slot < 2; ++slot) {
          const auto it = inputs.find(room.players[slot].client_id);
          if (it == inputs.end() || it->second < -1 || it->second > 1) continue;
          if (it->second == m.paddle_dir[slot]) continue;
          wire::RoomEvent input = event(wire::EventKind::kInput, id);
          input.slot = slot;
          input.value = it->second;
          out.push_back(input);
        }
        out.push_back(event(wire::EventKind::kTick, id));
        break;
      case Phase::kGameOver:
        out.push_back(event(
            m.linger_ticks >= linger_ticks ? wire::EventKind::kClose : wire::EventKind::kTick, id));
        break;
      case Phase::kClosed:
        break;
    }
  }
}

void plan_checks(std::uint32_t room, const ApplyResult& result, std::vector<wire::RoomEvent>& out) {
  if (!result.ok()) return;
  if (result.point_scored_by != kNoSlot) {
    wire::RoomEvent point = event(wire::EventKind::kPoint, room);
    point.value = result.packed_score;
    out.push_back(point);
  }
  if (result.match_over) {
    wire::RoomEvent over = event(wire::EventKind::kMatchOver, room);
    over.slot = result.winner;
    over.value = result.packed_score;
    out.push_back(over);
  }
}

}  // namespace dp::game
