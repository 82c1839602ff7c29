// A bounded ring of the newest log entries, indexed by sequence number.
//
// The leader keeps the most recent entries for retransmission; a follower whose gap reaches
// further back gets a snapshot instead. The ring is bounded twice: at most 2^capacity_log2
// entries, and their payloads share an arena of arena_bytes (a power of two), so a burst of
// large entries evicts the oldest ones early rather than grow memory. Nothing allocates after
// construction, and construction touches no page (the storage is left uninitialised).
//
// Invariants: first_seq() <= next_seq(); next_seq() - first_seq() <= capacity(); every held
// entry's payload lies wholly inside the arena and within the last arena_bytes bytes written.
#pragma once

#include <cstdint>
#include <memory>

#include "core/common/assert.h"
#include "core/wire/log_entry.h"

namespace dp {

class EntryRing {
 public:
  static constexpr unsigned kDefaultCapacityLog2 = 16;  // 65,536 entries: ~10 s of a busy leader.
  static constexpr unsigned kDefaultArenaLog2 = 22;     // 4 MiB of payloads.

  explicit EntryRing(unsigned capacity_log2 = kDefaultCapacityLog2,
                     unsigned arena_log2 = kDefaultArenaLog2);

  // Restarts the sequence: the next entry appended gets `next_seq`.
  void reset(std::uint64_t next_seq);

  // Appends an entry (payload at most wire::kMaxEntryPayload) and returns its sequence
  // number, evicting the oldest entries as needed.
  std::uint64_t push(const wire::EntryView& entry);

  std::uint64_t first_seq() const { return first_seq_; }    // Oldest entry still held.
  std::uint64_t next_seq() const { return next_seq_; }      // Next to be appended.
  std::uint64_t last_seq() const { return next_seq_ - 1; }  // Newest appended (0 if none).
  bool holds(std::uint64_t seq) const { return seq >= first_seq_ && seq < next_seq_; }
  // The entry at `seq`, which must be held; valid until the next push().
  wire::EntryView at(std::uint64_t seq) const;
  std::size_t capacity() const { return static_cast<std::size_t>(mask_ + 1); }
  std::size_t arena_bytes() const { return static_cast<std::size_t>(arena_mask_ + 1); }

 private:
  struct Slot {              // Trivial on purpose: the array is left uninitialised until written.
    std::uint64_t position;  // Virtual arena offset of the payload.
    std::uint16_t size;
    std::uint8_t service;
    std::uint8_t kind;
  };
  static_assert(wire::kMaxEntryPayload <= 0xffff);

  const Slot& slot(std::uint64_t seq) const {
    return slots_[static_cast<std::size_t>(seq & mask_)];
  }

  std::uint64_t mask_;
  std::uint64_t arena_mask_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<std::uint8_t[]> arena_;
  std::uint64_t first_seq_ = 1;
  std::uint64_t next_seq_ = 1;
  std::uint64_t head_ = 0;  // Virtual arena offset where the next payload goes.
};

}  // namespace dp
