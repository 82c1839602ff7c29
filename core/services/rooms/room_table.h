// Rooms and seats, for any game of two or more players: the replicated part of the rooms
// layer. A game keeps its rooms in a RoomTable<Match, Seats> (Match is the game's own state
// of one room) and applies its entries to them; the table keeps who sits where, refuses a
// seat that is taken or a client seated twice, and never reuses a room id.
//
// Bounded: at most kMaxRooms rooms; the seat index holds one entry per present player.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>

#include "core/common/types.h"
#include "core/wire/room_name.h"

namespace dp::rooms {

using wire::RoomName;

constexpr std::size_t kMaxRooms = 100000;  // Opening a room beyond this is refused.
constexpr std::uint8_t kNoSlot = 0xff;

struct Seat {
  bool present = false;
  std::uint64_t client_id = 0;  // Kept after a leave so the final state can still be addressed.
  Endpoint client;
  wire::PlayerName name;
  bool operator==(const Seat&) const = default;
};

// Where a present client sits.
struct SeatRef {
  std::uint32_t room = 0;
  std::uint8_t slot = 0;
};

template <class Match, std::size_t Seats>
struct Room {
  static constexpr std::size_t kSeats = Seats;
  std::uint32_t id = 0;
  RoomName name;
  Match match;
  std::array<Seat, Seats> seats{};

  int player_count() const {
    int n = 0;
    for (const Seat& s : seats) n += s.present ? 1 : 0;
    return n;
  }
  bool operator==(const Room&) const = default;
};

enum class SeatError : std::uint8_t {
  kOk = 0,
  kUnknownRoom,
  kRoomIdTaken,  // An id at or below one already used (ids never repeat).
  kTooManyRooms,
  kBadSlot,        // The slot is empty (leave) or occupied (join), or out of range.
  kAlreadySeated,  // A client present in some room.
  kBadClient,      // Client id 0.
};

template <class Match, std::size_t Seats>
class RoomTable {
 public:
  using RoomT = Room<Match, Seats>;

  SeatError open(std::uint32_t id, const RoomName& name, const Match& fresh) {
    // next_room_id_ is 0 once the last id (2^32 - 1) was used: every later open is refused.
    if (id == 0 || next_room_id_ == 0 || id < next_room_id_) return SeatError::kRoomIdTaken;
    if (rooms_.size() >= kMaxRooms) return SeatError::kTooManyRooms;
    RoomT room;
    room.id = id;
    room.name = name;
    room.match = fresh;
    rooms_.emplace(id, room);
    // Wraps to 0 only after 2^32 rooms; every later open is then refused, which is safe.
    next_room_id_ = id + 1;
    return SeatError::kOk;
  }

  // Checks that `client_id` may take `slot` of `room` (the game checks its own phase first).
  SeatError can_seat(const RoomT& room, std::uint8_t slot, std::uint64_t client_id) const {
    if (slot >= Seats || room.seats[slot].present) return SeatError::kBadSlot;
    if (client_id == 0) return SeatError::kBadClient;
    if (seats_.count(client_id) != 0) return SeatError::kAlreadySeated;
    return SeatError::kOk;
  }
  void seat(RoomT& room, std::uint8_t slot, std::uint64_t client_id, Endpoint client,
            const wire::PlayerName& name) {
    room.seats[slot] = Seat{true, client_id, client, name};
    seats_[client_id] = SeatRef{room.id, slot};
  }
  SeatError unseat(RoomT& room, std::uint8_t slot) {
    if (slot >= Seats || !room.seats[slot].present) return SeatError::kBadSlot;
    room.seats[slot].present = false;
    seats_.erase(room.seats[slot].client_id);
    return SeatError::kOk;
  }
  void close(std::uint32_t id) {
    const auto it = rooms_.find(id);
    if (it == rooms_.end()) return;
    for (const Seat& s : it->second.seats) {
      if (s.present) seats_.erase(s.client_id);
    }
    rooms_.erase(it);
  }

  RoomT* find(std::uint32_t id) {
    const auto it = rooms_.find(id);
    return it == rooms_.end() ? nullptr : &it->second;
  }
  const RoomT* find(std::uint32_t id) const {
    const auto it = rooms_.find(id);
    return it == rooms_.end() ? nullptr : &it->second;
  }
  std::optional<SeatRef> seat_of(std::uint64_t client_id) const {
    const auto it = seats_.find(client_id);
    if (it == seats_.end()) return std::nullopt;
    return it->second;
  }
  const std::map<std::uint32_t, RoomT>& rooms() const { return rooms_; }
  // The id the next room must use at least (ids are never reused).
  std::uint32_t next_room_id() const { return next_room_id_; }

  // Replaces every room (a snapshot was loaded). False, and nothing changed, when a client
  // sits twice.
  bool replace(std::map<std::uint32_t, RoomT> rooms, std::uint32_t next_room_id) {
    std::map<std::uint64_t, SeatRef> seats;
    for (const auto& [id, room] : rooms) {
      for (std::uint8_t slot = 0; slot < Seats; ++slot) {
        const Seat& s = room.seats[slot];
        if (s.present && !seats.emplace(s.client_id, SeatRef{id, slot}).second) return false;
      }
    }
    rooms_ = std::move(rooms);
    seats_ = std::move(seats);
    next_room_id_ = next_room_id;
    return true;
  }

 private:
  std::uint32_t next_room_id_ = 1;  // Room id 0 is never used.
  std::map<std::uint32_t, RoomT> rooms_;
  // Derived index of present players, rebuilt on replace(); not part of any digest.
  std::map<std::uint64_t, SeatRef> seats_;
};

// Matchmaking: where a newcomer asking for room `name` (empty: any unnamed room) sits. The
// first room, in id order, of that name with a free slot (open_slot(room) returns it, or
// kNoSlot), so the oldest open room fills first; else slot 0 of a new room. `placed` is false
// when the table is full.
struct Placement {
  bool placed = false;
  bool open_new = false;
  std::uint32_t room = 0;
  std::uint8_t slot = kNoSlot;
};

template <class Table, class OpenSlot>
Placement place(const Table& table, const RoomName& name, OpenSlot&& open_slot,
                std::uint32_t room_id = 0) {
  Placement p;
  // A room asked for by number, if it still has a free seat.
  if (const auto* asked = room_id != 0 ? table.find(room_id) : nullptr) {
    if (const std::uint8_t slot = open_slot(*asked); slot != kNoSlot) {
      p.placed = true;
      p.room = room_id;
      p.slot = slot;
      return p;
    }
  }
  for (const auto& [id, room] : table.rooms()) {
    const std::uint8_t slot = open_slot(room);
    if (slot != kNoSlot && room.name == name) {
      p.placed = true;
      p.room = id;
      p.slot = slot;
      return p;
    }
  }
  if (table.next_room_id() == 0 || table.rooms().size() >= kMaxRooms) return p;
  p.placed = true;
  p.open_new = true;
  p.room = table.next_room_id();
  p.slot = 0;
  return p;
}

}  // namespace dp::rooms
