// The replicated state machine of all racing rooms, held by every replica (the leader and
// each follower) and changed only by applying the same totally ordered Events. Events are
// checked, never trusted: a bad one returns a named error and leaves the book unchanged.
//
// Room life cycle: Waiting (0-1 racers) -> Countdown (two or more; up to four may still join;
// back to Waiting if it drops below two) -> Racing -> GameOver (every racer crashed or
// retired, or time ran out) -> removed by kClose.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "core/common/durable.h"
#include "core/services/racing/board.h"
#include "core/services/racing/event.h"
#include "core/services/racing/race.h"
#include "core/services/rooms/room_table.h"

namespace dp::racing {

using Room = rooms::Room<RaceState, kMaxRacers>;
using rooms::Seat;
using rooms::SeatRef;

enum class ApplyError : std::uint8_t {
  kOk = 0,
  kInvalidEvent,
  kUnknownRoom,
  kRoomIdTaken,
  kTooManyRooms,
  kBadSlot,
  kAlreadySeated,
  kBadClient,
  kWrongPhase,
  kCheckMismatch,  // kScores / kRaceOver disagree with this replica's own race.
};
const char* apply_error_name(ApplyError error);

struct ApplyResult {
  ApplyError error = ApplyError::kOk;
  bool scores_changed = false;  // The leader orders a kScores check next.
  bool race_over = false;       // ... and a kRaceOver check.
  bool ok() const { return error == ApplyError::kOk; }
};

class RaceBook {
 public:
  ApplyResult apply(const Event& event);

  const std::map<std::uint32_t, Room>& rooms() const { return table_.rooms(); }
  const Room* find(std::uint32_t room_id) const { return table_.find(room_id); }
  std::optional<SeatRef> seat_of(std::uint64_t client_id) const {
    return table_.seat_of(client_id);
  }
  std::uint32_t next_room_id() const { return table_.next_room_id(); }
  const RaceBoard& board() const { return board_; }

  // FNV-1a 64 over the snapshot bytes.
  std::uint64_t digest() const;
  void save_snapshot(std::vector<std::uint8_t>& out) const;
  // Untrusted bytes; false, and the book unchanged, when they do not decode or fit together.
  bool load_snapshot(std::span<const std::uint8_t> bytes);

  // Durable records: meta (key 0: next room id, results recorded), rooms (key: room id),
  // results (key: number), racers (key: a hash of the name, which the value repeats).
  enum Table : std::uint8_t { kMetaTable = 0, kRoomTable = 1, kResultTable = 2, kPlayerTable = 3 };
  void write_records(const Event& event, RecordSink& sink) const;
  void write_all_records(RecordSink& sink) const;
  bool load_records(std::span<const StoredRecord> records);

 private:
  ApplyResult join(Room& room, const Event& e);
  ApplyResult leave(Room& room, const Event& e);
  ApplyResult race_over(Room& room, const Event& e);

  rooms::RoomTable<RaceState, kMaxRacers> table_;
  RaceBoard board_;
  RaceBoard::Change last_change_;
};

}  // namespace dp::racing
