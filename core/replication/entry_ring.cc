#include "core/replication/entry_ring.h"

#include <cstring>

namespace dp {

EntryRing::EntryRing(unsigned capacity_log2, unsigned arena_log2)
    : mask_((std::uint64_t{1} << capacity_log2) - 1),
      arena_mask_((std::uint64_t{1} << arena_log2) - 1),
      // new T[n] without () leaves trivial storage uninitialised: no page is touched here.
      slots_(new Slot[mask_ + 1]),
      arena_(new std::uint8_t[arena_mask_ + 1]) {
  DP_ASSERT(arena_mask_ + 1 >= 2 * wire::kMaxEntryPayload, "the arena must hold large entries");
}

void EntryRing::reset(std::uint64_t next_seq) {
  DP_ASSERT(next_seq >= 1, "sequence numbers start at 1");
  first_seq_ = next_seq;
  next_seq_ = next_seq;
}

std::uint64_t EntryRing::push(const wire::EntryView& entry) {
  const std::uint64_t size = entry.payload.size();
  DP_ASSERT(size <= wire::kMaxEntryPayload, "an entry payload over the wire's bound");
  const std::uint64_t arena = arena_mask_ + 1;
  std::uint64_t position = head_;
  // A payload never straddles the arena's end: skip to its start instead.
  if ((position & arena_mask_) + size > arena) position = (position | arena_mask_) + 1;
  const std::uint64_t end = position + size;
  // Evict what the new payload overwrites, and the oldest entry when the slots are full.
  while (first_seq_ < next_seq_ && end - slot(first_seq_).position > arena) ++first_seq_;
  if (next_seq_ - first_seq_ > mask_) ++first_seq_;

  const std::uint64_t seq = next_seq_++;
  Slot& s = slots_[static_cast<std::size_t>(seq & mask_)];
  s.position = position;
  s.size = static_cast<std::uint16_t>(size);
  s.service = entry.service;
  s.kind = entry.kind;
  if (size > 0) {
    std::memcpy(arena_.get() + (position & arena_mask_), entry.payload.data(), size);
  }
  head_ = end;
  return seq;
}

wire::EntryView EntryRing::at(std::uint64_t seq) const {
  DP_ASSERT(holds(seq), "ring read outside the entries it holds");
  const Slot& s = slot(seq);
  return wire::EntryView{s.service, s.kind, {arena_.get() + (s.position & arena_mask_), s.size}};
}

}  // namespace dp
