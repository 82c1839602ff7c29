// The replicated state machine of all Pong rooms.
//
// The leader and every follower hold a RoomBook and apply the same totally ordered
// wire::RoomEvent values to it; the code is deterministic, so replicas that applied the same
// prefix have the same digest(). Events are checked, never trusted: a bad event returns a
// named error and leaves the book unchanged.
//
// Room life cycle: Waiting (0-1 players) -> Countdown (both joined) -> Playing -> GameOver
// (winner and final score; a kLeave during Countdown/Playing forfeits) -> removed by kClose.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "core/common/result.h"
#include "core/common/types.h"
#include "core/game/pong_rules.h"
#include "core/wire/replication_messages.h"

namespace dp::game {

constexpr std::size_t kMaxRooms = 100000;  // kOpenRoom beyond this is refused.

struct PlayerSlot {
  bool present = false;
  std::uint64_t client_id = 0;  // Kept after a leave so the final state can still be addressed.
  Endpoint client;

  bool operator==(const PlayerSlot&) const = default;
};

struct Room {
  std::uint32_t id = 0;
  wire::RoomName name;
  MatchState match;
  PlayerSlot players[2];

  int player_count() const { return int{players[0].present} + int{players[1].present}; }
  bool operator==(const Room&) const = default;
};

enum class ApplyError : std::uint8_t {
  kOk = 0,
  kInvalidEvent,  // Fails wire::RoomEvent::valid() (slot or value out of range).
  kUnknownRoom,
  kRoomIdTaken,  // kOpenRoom with an id at or below one already used (ids never repeat).
  kTooManyRooms,
  kBadSlot,        // The slot is empty (leave, input) or occupied (join).
  kAlreadySeated,  // kJoin for a client present in some room.
  kBadClient,      // kJoin with client id 0.
  kWrongPhase,     // E.g. a join into a running match, a tick in a waiting room.
  kCheckMismatch,  // kPoint / kMatchOver disagree with this replica's own state.
};
const char* apply_error_name(ApplyError error);

// What applying one event did. The sequencer turns point_scored_by / match_over into kPoint /
// kMatchOver check events (see plan_checks in room_planner.h).
struct ApplyResult {
  ApplyError error = ApplyError::kOk;
  std::uint8_t point_scored_by = kNoSlot;
  bool match_over = false;
  std::uint8_t winner = kNoSlot;  // Set when match_over.
  std::int32_t packed_score = 0;  // left << 8 | right, set when a point or match end happened.

  bool ok() const { return error == ApplyError::kOk; }
};

// Where a present client sits.
struct Seat {
  std::uint32_t room = 0;
  std::uint8_t slot = 0;
};

enum class SnapshotError : std::uint8_t {
  kTruncated = 1,
  kBadMagic,
  kBadVersion,
  kTooManyRooms,  // Count above kMaxRooms, or more than the remaining bytes could hold.
  kOutOfRange,    // Some field outside its valid range.
  kInconsistent,  // Duplicate or unordered ids, a client seated twice, bad next id.
  kTrailingBytes,
};
const char* snapshot_error_name(SnapshotError error);

struct Loaded {};  // Success marker for load_snapshot.

class RoomBook {
 public:
  // target_score applies to rooms opened later; every replica must use the same value.
  explicit RoomBook(std::uint8_t target_score = kDefaultTargetScore);

  ApplyResult apply(const wire::RoomEvent& event);

  const std::map<std::uint32_t, Room>& rooms() const { return rooms_; }
  const Room* find(std::uint32_t room_id) const;
  std::optional<Seat> seat_of(std::uint64_t client_id) const;
  // The id the next kOpenRoom must use at least (ids are never reused).
  std::uint32_t next_room_id() const { return next_room_id_; }
  std::uint8_t target_score() const { return target_score_; }

  // FNV-1a 64 over the canonical encoding (the snapshot bytes), so equal digests mean equal
  // books up to hash collisions.
  std::uint64_t digest() const;
  static std::uint64_t room_digest(const Room& room);

  // Appends the canonical encoding of the whole book to `out`.
  void save_snapshot(std::vector<std::uint8_t>& out) const;
  // Replaces the book with the decoded bytes, which are untrusted. On any error the book is
  // unchanged. Allocation is bounded by the input size.
  Result<Loaded, SnapshotError> load_snapshot(std::span<const std::uint8_t> bytes);

 private:
  ApplyResult open_room(const wire::RoomEvent& e);
  ApplyResult join(Room& room, const wire::RoomEvent& e);
  ApplyResult leave(Room& room, const wire::RoomEvent& e);
  ApplyResult check(const Room& room, const wire::RoomEvent& e) const;
  void close(std::uint32_t room_id);

  std::uint8_t target_score_;
  std::uint32_t next_room_id_ = 1;  // Room id 0 is never used.
  std::map<std::uint32_t, Room> rooms_;
  // Derived index of present players, rebuilt on snapshot load; not part of the digest.
  std::map<std::uint64_t, Seat> seats_;
};

}  // namespace dp::game
