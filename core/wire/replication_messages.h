// Message bodies of the replicated log's stream between the leader and its followers. They
// carry generic entries (log_entry.h) and know nothing of any service. The epoch travels in
// the header.
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"
#include "core/wire/log_entry.h"

namespace dp::wire {

// Leader -> follower: entries first_seq, first_seq+1, ... in order. commit_seq is the last
// entry replicated on enough servers that clients may be shown its effects.
struct Replicate {
  static constexpr MsgType kType = MsgType::kReplicate;
  std::uint64_t first_seq = 0;
  std::uint64_t commit_seq = 0;
  EntryBlock entries;
  template <class A>
  void serialize(A& ar) {
    ar(first_seq, commit_seq, entries);
  }
  bool valid() const {
    return first_seq != 0 && first_seq < (1ull << 62) && commit_seq < (1ull << 62) &&
           entries.well_formed();
  }
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

// Leader -> the follower it chose (pong-ctl move-leader, drain): "take over now". Sent once
// that follower holds every committed entry; it then starts a new epoch of its own at once, as
// if it had won an election, and the old leader follows it on its COORDINATOR. `successor`
// names the receiver, so the message means nothing to anyone else.
struct HandOver {
  static constexpr MsgType kType = MsgType::kHandOver;
  NodeId successor;
  std::uint64_t commit_seq = 0;  // The leader's commit seq when it handed over.
  template <class A>
  void serialize(A& ar) {
    ar(successor, commit_seq);
  }
  bool valid() const { return !successor.is_nil() && commit_seq < (1ull << 62); }
};

constexpr std::size_t kSnapshotChunkBytes = 1000;
constexpr std::uint32_t kMaxSnapshotChunks = 8192;  // ~8 MB of state at most.

// One chunk of a serialized replica state as of `seq`.
// (The archive's tag 1, id 8, seq 8, chunk 4, count 4, total 4, the data's count 8, bytes.)
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
    return seq <= kMaxSeq && chunk_count >= 1 && chunk_count <= kMaxSnapshotChunks &&
           chunk < chunk_count && total_bytes <= chunk_count * kSnapshotChunkBytes;
  }
};
static_assert(1 + 8 + 8 + 4 + 4 + 4 + 8 + kSnapshotChunkBytes <= kMaxBodySize,
              "a full snapshot chunk fits one datagram");

}  // namespace dp::wire
