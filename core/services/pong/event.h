// Pong's log entries: what the leader orders and every replica applies to its rooms.
//
// Entry kinds and payloads (little-endian; every payload starts with the room id u32):
//   1 open-room   name length u8, name bytes (at most wire::kRoomNameMax)
//   2 join        slot u8, client id u64, client ip u32, client port u16, player name
//                 length u8 and bytes (at most wire::kPlayerNameMax)
//   3 leave       slot u8 (a leave or a forfeit)
//   4 input       slot u8, paddle direction i8 (-1, 0, 1)
//   5 tick        (nothing)
//   6 point       score left u8, right u8: the score after the point (a check for replicas)
//   7 match-over  winner slot u8, final score left u8, right u8 (a check)
//   8 close       (nothing)
//   9 identity    term u64, leader id (hi u64, lo u64): the epoch that founded this state,
//                 the cluster's identity (room 0)
// decode() is strict: an unknown kind, a wrong length or a field out of range is refused.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>

#include "core/common/types.h"
#include "core/services/pong/score.h"
#include "core/wire/log_entry.h"
#include "core/wire/message_types.h"
#include "core/wire/room_name.h"

namespace dp::pong {

enum class EventKind : std::uint8_t {
  kOpenRoom = 1,
  kJoin = 2,
  kLeave = 3,
  kInput = 4,
  kTick = 5,
  kPoint = 6,
  kMatchOver = 7,
  kClose = 8,
  kIdentity = 9,
};
constexpr std::uint8_t kMaxEventKindValue = 9;
const char* event_kind_name(EventKind kind);

struct Event {
  EventKind kind = EventKind::kTick;
  std::uint32_t room = 0;
  std::uint8_t slot = 0;        // join, leave, input; match-over: the winner.
  std::int8_t direction = 0;    // input.
  Score score;                  // point, match-over.
  std::uint64_t client_id = 0;  // join.
  Endpoint client;              // join.
  wire::RoomName name;          // open-room.
  wire::PlayerName player;      // join.
  Epoch founding;               // identity.

  // The largest payload any event has (an open-room with the longest name, or a join with the
  // longest player name).
  static constexpr std::size_t kMaxPayload = std::max<std::size_t>(
      4 + 1 + wire::kRoomNameMax, 4 + 1 + 8 + 4 + 2 + 1 + wire::kPlayerNameMax);
  static_assert(kMaxPayload <= wire::kMaxEntryPayload);

  // Writes the payload into `out`; returns its size.
  std::size_t encode(std::span<std::uint8_t, kMaxPayload> out) const;
  static std::optional<Event> decode(const wire::EntryView& entry);
};

Event make_event(EventKind kind, std::uint32_t room);

}  // namespace dp::pong
