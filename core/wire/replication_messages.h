// Message bodies of the sequencer's replication stream (leader <-> followers) and of client
// traffic (clients <-> leader). The epoch travels in the header.
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"

namespace dp::wire {

constexpr std::size_t kRoomNameMax = 24;
using RoomName = FixedString<kRoomNameMax>;

// One entry of the total order. Only the fields a kind needs go on the wire.
enum class EventKind : std::uint8_t {
  kOpenRoom = 1,   // room, name
  kJoin = 2,       // room, slot, client_id, client
  kLeave = 3,      // room, slot (a leave or a forfeit)
  kInput = 4,      // room, slot, value = paddle direction (-1, 0, 1)
  kTick = 5,       // room
  kPoint = 6,      // room, value = packed score (left << 8 | right); a check for replicas
  kMatchOver = 7,  // room, slot = winner, value = packed score
  kClose = 8,      // room
};
constexpr std::uint8_t kMaxEventKindValue = 8;

struct RoomEvent {
  EventKind kind = EventKind::kTick;
  std::uint32_t room = 0;
  std::uint8_t slot = 0;
  std::int32_t value = 0;
  std::uint64_t client_id = 0;
  Endpoint client;
  RoomName name;

  template <class A>
  void save(A& ar) const {
    ar(static_cast<std::uint8_t>(kind), room);
    fields(ar, *this);
  }
  template <class A>
  void load(A& ar) {
    std::uint8_t k = 0;
    ar(k, room);
    if (k < 1 || k > kMaxEventKindValue) throw BoundsError("unknown event kind");
    kind = static_cast<EventKind>(k);
    fields(ar, *this);
  }
  // Bytes this event takes on the wire (for packing batches under the datagram limit).
  std::size_t wire_size() const;
  bool valid() const;

 private:
  // Shared by save (Self = const RoomEvent) and load (Self = RoomEvent).
  template <class A, class Self>
  static void fields(A& ar, Self& e) {
    switch (e.kind) {
      case EventKind::kOpenRoom:
        ar(e.name);
        break;
      case EventKind::kJoin:
        ar(e.slot, e.client_id, e.client);
        break;
      case EventKind::kLeave:
        ar(e.slot);
        break;
      case EventKind::kInput:
        ar(e.slot, e.value);
        break;
      case EventKind::kTick:
        break;
      case EventKind::kPoint:
        ar(e.value);
        break;
      case EventKind::kMatchOver:
        ar(e.slot, e.value);
        break;
      case EventKind::kClose:
        break;
    }
  }
};

constexpr std::size_t kMaxEventsPerBatch = 200;

// Leader -> follower: events first_seq, first_seq+1, ... in order.
struct Replicate {
  static constexpr MsgType kType = MsgType::kReplicate;
  std::uint64_t first_seq = 0;
  std::uint64_t commit_seq = 0;
  FixedVec<RoomEvent, kMaxEventsPerBatch> events;
  template <class A>
  void serialize(A& ar) {
    ar(first_seq, commit_seq, events);
  }
  bool valid() const;
};

// Follower -> leader: everything up to and including applied_seq is applied (cumulative).
struct Ack {
  static constexpr MsgType kType = MsgType::kAck;
  std::uint64_t applied_seq = 0;
  template <class A>
  void serialize(A& ar) {
    ar(applied_seq);
  }
  bool valid() const { return applied_seq < (1ull << 62); }
};

// Follower -> leader: events [from_seq, to_seq] are missing. want_snapshot asks for the whole
// state instead (newly joined, restarted, or hopelessly behind); a new leader also uses it to
// pull the state of a follower that is ahead of it.
struct Nack {
  static constexpr MsgType kType = MsgType::kNack;
  std::uint64_t from_seq = 0;
  std::uint64_t to_seq = 0;
  std::uint8_t want_snapshot = 0;
  template <class A>
  void serialize(A& ar) {
    ar(from_seq, to_seq, want_snapshot);
  }
  bool valid() const { return from_seq <= to_seq && want_snapshot <= 1 && to_seq < (1ull << 62); }
};

constexpr std::size_t kSnapshotChunkBytes = 1000;
constexpr std::uint32_t kMaxSnapshotChunks = 8192;  // ~8 MB of state at most.

// One chunk of a serialized replica state as of `seq`.
struct Snapshot {
  static constexpr MsgType kType = MsgType::kSnapshot;
  std::uint64_t snapshot_id = 0;  // Distinguishes transfers; chunks of one id belong together.
  std::uint64_t seq = 0;
  std::uint32_t chunk = 0;
  std::uint32_t chunk_count = 0;
  std::uint32_t total_bytes = 0;
  FixedVec<std::uint8_t, kSnapshotChunkBytes> data;
  template <class A>
  void serialize(A& ar) {
    ar(snapshot_id, seq, chunk, chunk_count, total_bytes, data);
  }
  bool valid() const {
    return chunk_count >= 1 && chunk_count <= kMaxSnapshotChunks && chunk < chunk_count &&
           total_bytes <= chunk_count * kSnapshotChunkBytes;
  }
};

// Client -> leader: join a named room, or (empty name) the first open one.
struct Join {
  static constexpr MsgType kType = MsgType::kJoin;
  std::uint64_t client_id = 0;
  RoomName room_name;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room_name);
  }
  bool valid() const { return client_id != 0; }
};

constexpr std::size_t kInputHistory = 8;

// Client -> leader, every tick: the newest paddle direction first, then the previous few, so
// one lost datagram loses no input.
struct Input {
  static constexpr MsgType kType = MsgType::kInput;
  std::uint64_t client_id = 0;
  std::uint32_t room = 0;
  std::uint32_t input_seq = 0;
  FixedVec<std::int8_t, kInputHistory> recent;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room, input_seq, recent);
  }
  bool valid() const;
};

struct Leave {
  static constexpr MsgType kType = MsgType::kLeave;
  std::uint64_t client_id = 0;
  std::uint32_t room = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room);
  }
  bool valid() const { return client_id != 0; }
};

// Leader -> client: the state of the client's room. Positions are fixed-point (1/256 px).
// Scores and game over are shown only once replicated, so a failover never takes them back.
struct RoomState {
  static constexpr MsgType kType = MsgType::kRoomState;
  std::uint32_t room = 0;
  std::uint64_t seq = 0;  // Position in the total order this state reflects.
  RoomName name;
  std::uint8_t phase = 0;
  std::uint8_t your_slot = 0;
  std::uint8_t winner = 0;  // Slot + 1, or 0 while undecided.
  std::uint8_t target_score = 0;
  std::uint8_t score_left = 0;
  std::uint8_t score_right = 0;
  std::uint16_t countdown_ticks = 0;
  std::uint32_t tick = 0;
  std::int32_t ball_x = 0;
  std::int32_t ball_y = 0;
  std::int32_t ball_vx = 0;
  std::int32_t ball_vy = 0;
  std::int32_t paddle_left_y = 0;
  std::int32_t paddle_right_y = 0;
  Endpoint leader_control;  // Lets the client log which server leads.
  template <class A>
  void serialize(A& ar) {
    ar(room, seq, name, phase, your_slot, winner, target_score, score_left, score_right,
       countdown_ticks, tick, ball_x, ball_y, ball_vx, ball_vy, paddle_left_y, paddle_right_y,
       leader_control);
  }
  bool valid() const;
};

}  // namespace dp::wire
