// The racing service's log entries: what the leader orders and every replica applies.
//
// Entry kinds and payloads (little-endian; every payload starts with the room id u32):
//   1 open-room   traffic seed u64, name length u8, name bytes (at most wire::kRoomNameMax)
//   2 join        slot u8, client id u64, client ip u32, client port u16, player name length
//                 u8 and bytes (at most wire::kPlayerNameMax)
//   3 leave       slot u8 (before GO: the seat is freed; during the race: the racer retires)
//   4 input       slot u8, steering i8 (-1, 0, 1)
//   5 tick        (nothing)
//   6 scores      every slot's score u16 and an alive mask u8: a check, ordered after the
//                 entry that changed them, which every replica verifies against its own race
//   7 race-over   winner u8 (slot, or racing::kDraw), every slot's score u16 (a check)
//   8 close       (nothing)
// decode() is strict: an unknown kind, a wrong length or a field out of range is refused.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/common/types.h"
#include "core/services/racing/race.h"
#include "core/wire/log_entry.h"
#include "core/wire/room_name.h"

namespace dp::racing {

enum class EventKind : std::uint8_t {
  kOpenRoom = 1,
  kJoin = 2,
  kLeave = 3,
  kInput = 4,
  kTick = 5,
  kScores = 6,
  kRaceOver = 7,
  kClose = 8,
};
constexpr std::uint8_t kMaxEventKindValue = 8;
const char* event_kind_name(EventKind kind);

struct Event {
  EventKind kind = EventKind::kTick;
  std::uint32_t room = 0;
  std::uint8_t slot = 0;                           // join, leave, input; race-over: the winner.
  std::int8_t direction = 0;                       // input.
  std::uint64_t seed = 0;                          // open-room.
  std::uint64_t client_id = 0;                     // join.
  Endpoint client;                                 // join.
  wire::RoomName name;                             // open-room.
  wire::PlayerName player;                         // join.
  std::array<std::uint16_t, kMaxRacers> scores{};  // scores, race-over.
  std::uint8_t alive = 0;                          // scores: bit i set while racer i drives.

  // Appends the payload to `out`.
  void encode(std::vector<std::uint8_t>& out) const;
  static std::optional<Event> decode(const wire::EntryView& entry);
};

Event make_event(EventKind kind, std::uint32_t room);
// The check entry of a race's scores as they stand.
Event scores_event(std::uint32_t room, const RaceState& race);

}  // namespace dp::racing
