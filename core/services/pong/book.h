// The replicated state machine of all Pong rooms.
//
// The leader and every follower hold a RoomBook and apply the same totally ordered Events to
// it; the code is deterministic, so replicas that applied the same prefix have the same
// digest(). Events are checked, never trusted: a bad event returns a named error and leaves
// the book unchanged. Seats and room ids are the rooms layer's (rooms::RoomTable).
//
// Room life cycle: Waiting (0-1 players) -> Countdown (both joined) -> Playing -> GameOver
// (winner and final score; a kLeave during Countdown/Playing forfeits) -> removed by kClose.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "core/common/durable.h"
#include "core/common/result.h"
#include "core/common/types.h"
#include "core/services/pong/event.h"
#include "core/services/pong/leaderboard.h"
#include "core/services/pong/rules.h"
#include "core/services/rooms/room_table.h"

namespace dp::pong {

using rooms::kMaxRooms;
using rooms::Seat;
using rooms::SeatRef;
using Room = rooms::Room<MatchState, 2>;

enum class ApplyError : std::uint8_t {
  kOk = 0,
  kInvalidEvent,  // Does not decode (unknown kind, wrong length, a field out of range).
  kUnknownRoom,
  kRoomIdTaken,  // kOpenRoom with an id at or below one already used (ids never repeat).
  kTooManyRooms,
  kBadSlot,        // The slot is empty (leave, input) or occupied (join).
  kAlreadySeated,  // kJoin for a client present in some room.
  kBadClient,      // kJoin with client id 0.
  kWrongPhase,     // E.g. a join into a running match, a tick in a waiting room.
  kCheckMismatch,  // kPoint / kMatchOver disagree with this replica's own state.
  kIdentityTaken,  // kIdentity for a book founded by another epoch.
};
const char* apply_error_name(ApplyError error);

// What applying one event did. The leader turns point_scored_by / match_over into kPoint /
// kMatchOver check events (see plan_checks in planner.h).
struct ApplyResult {
  ApplyError error = ApplyError::kOk;
  std::uint8_t point_scored_by = kNoSlot;
  bool match_over = false;
  std::uint8_t winner = kNoSlot;  // Set when match_over.
  Score score;                    // Set when a point or match end happened.

  bool ok() const { return error == ApplyError::kOk; }
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

  ApplyResult apply(const Event& event);

  const std::map<std::uint32_t, Room>& rooms() const { return table_.rooms(); }
  const Room* find(std::uint32_t room_id) const { return table_.find(room_id); }
  std::optional<SeatRef> seat_of(std::uint64_t client_id) const {
    return table_.seat_of(client_id);
  }
  // The id the next kOpenRoom must use at least (ids are never reused).
  std::uint32_t next_room_id() const { return table_.next_room_id(); }
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

  const Leaderboard& leaderboard() const { return leaderboard_; }
  // The epoch that founded this state (none until its first leader ordered kIdentity): the
  // cluster's identity, the same on every replica and for ever. Two clusters never share one
  // (leader ids are random), so (identity, result number) names a result everywhere.
  const Epoch& identity() const { return identity_; }

  // Durable records (book_records.cc). Tables: meta (key 0: target score, next room id,
  // results recorded; key 1: the identity), rooms (key: room id), results (key: number), players
  // (key: a hash of the name, which the value repeats).
  enum Table : std::uint8_t { kMetaTable = 0, kRoomTable = 1, kResultTable = 2, kPlayerTable = 3 };
  // After `event` (durable) was applied: the records it changed.
  void write_records(const Event& event, RecordSink& sink) const;
  void write_all_records(RecordSink& sink) const;
  // Rebuilds the book from its records; false, and the book unchanged, when they do not
  // decode or do not fit together (the same checks as a snapshot's).
  bool load_records(std::span<const StoredRecord> records);

 private:
  ApplyResult open_room(const Event& e);
  ApplyResult join(Room& room, const Event& e);
  ApplyResult leave(Room& room, const Event& e);
  ApplyResult check(const Room& room, const Event& e) const;

  std::uint8_t target_score_;
  rooms::RoomTable<MatchState, 2> table_;
  Leaderboard leaderboard_;
  Epoch identity_;
  Leaderboard::Change last_change_;  // Of the latest match-over applied (for its records).
};

}  // namespace dp::pong
