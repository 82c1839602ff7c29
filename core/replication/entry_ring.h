// A bounded ring of the newest log entries, indexed by sequence number.
//
// The leader keeps the most recent entries for retransmission; a follower whose gap reaches
// further back gets a snapshot instead. The ring is bounded twice: at most 2^capacity_log2
// entries, and their wire encodings (log_entry.h) share an arena of 2^arena_log2 bytes, so a
// burst of large entries evicts the oldest ones early rather than grow memory. Entries are
// kept in their wire encoding, so a batch for the followers is a copy of contiguous bytes.
// Nothing allocates after construction, and construction touches no page (the storage is
// left uninitialised).
//
// Invariants: first_seq() <= next_seq(); next_seq() - first_seq() <= capacity(); every held
// entry lies wholly inside the arena and within the last arena_bytes() bytes written.
#pragma once

#include <cstdint>
#include <memory>

#include "core/common/assert.h"
#include "core/wire/log_entry.h"

namespace dp {

class EntryRing {
 public:
  static constexpr unsigned kDefaultCapacityLog2 = 16;  // 65,536 entries: ~10 s of a busy leader.
  static constexpr unsigned kDefaultArenaLog2 = 22;     // 4 MiB of encoded entries.

  explicit EntryRing(unsigned capacity_log2 = kDefaultCapacityLog2,
                     unsigned arena_log2 = kDefaultArenaLog2);

  // Restarts the sequence: the next entry appended gets `next_seq`.
  void reset(std::uint64_t next_seq);

  // Appends an entry (payload at most wire::kMaxEntryPayload) and returns its sequence
  // number, evicting the oldest entries as needed.
  std::uint64_t push(const wire::EntryView& entry);

  // Oldest entry still held (a binary search: entries the arena evicted are found lazily).
  std::uint64_t first_seq() const;
  std::uint64_t next_seq() const { return next_seq_; }      // Next to be appended.
  std::uint64_t last_seq() const { return next_seq_ - 1; }  // Newest appended (0 if none).
  // Within the slots, and not yet overwritten in the arena.
  bool holds(std::uint64_t seq) const {
    return seq >= first_seq_ && seq < next_seq_ && intact(slot(seq));
  }
  // The entry at `seq`, which must be held; valid until the next push().
  wire::EntryView at(std::uint64_t seq) const;
  // Appends to `block`, in order from `from` (which must be held), as many whole entries as
  // fit it; returns how many.
  std::size_t append_to(std::uint64_t from, wire::EntryBlock& block) const;
  std::size_t capacity() const { return static_cast<std::size_t>(mask_ + 1); }
  // Entries held now: next_seq() - first_seq() (so a binary search, as first_seq()).
  std::uint64_t size() const { return next_seq_ - first_seq(); }
  std::size_t arena_bytes() const { return static_cast<std::size_t>(arena_mask_ + 1); }

 private:
  struct Slot {              // Trivial on purpose: the array is left uninitialised until written.
    std::uint64_t position;  // Virtual arena offset of the encoded entry.
    std::uint16_t size;      // Its wire size.
    std::uint8_t header;     // Bytes before the payload (service, kind, length).
  };
  static_assert(wire::entry_wire_size(wire::kMaxEntryPayload) <= 0xffff);

  const Slot& slot(std::uint64_t seq) const {
    return slots_[static_cast<std::size_t>(seq & mask_)];
  }
  const std::uint8_t* bytes_at(std::uint64_t position) const {
    return arena_.get() + (position & arena_mask_);
  }
  // Nothing written since the entry reached back over it (writes advance head_).
  bool intact(const Slot& s) const { return head_ - s.position <= arena_mask_ + 1; }

  std::uint64_t mask_;
  std::uint64_t arena_mask_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<std::uint8_t[]> arena_;
  // The oldest entry the slots hold; the arena may have overwritten a few after it (holds()
  // checks, first_seq() searches), so a push never reads an old slot.
  std::uint64_t first_seq_ = 1;
  std::uint64_t next_seq_ = 1;
  std::uint64_t head_ = 0;  // Virtual arena offset where the next entry goes.
};

}  // namespace dp
