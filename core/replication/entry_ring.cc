#include "core/replication/entry_ring.h"

#include <cstring>

namespace dp {

EntryRing::EntryRing(unsigned capacity_log2, unsigned arena_log2)
    : mask_((std::uint64_t{1} << capacity_log2) - 1),
      arena_mask_((std::uint64_t{1} << arena_log2) - 1),
      // new T[n] without () leaves trivial storage uninitialised: no page is touched here.
      slots_(new Slot[mask_ + 1]),
      arena_(new std::uint8_t[arena_mask_ + 1]) {
  DP_ASSERT(arena_mask_ + 1 >= 2 * wire::entry_wire_size(wire::kMaxEntryPayload),
            "the arena must hold two of the largest entries");
}

void EntryRing::reset(std::uint64_t next_seq) {
  DP_ASSERT(next_seq >= 1, "sequence numbers start at 1");
  first_seq_ = next_seq;
  next_seq_ = next_seq;
}

std::uint64_t EntryRing::first_seq() const {
  // Positions grow with seqs, so the intact entries are a suffix of [first_seq_, next_seq_).
  std::uint64_t lo = first_seq_;
  std::uint64_t hi = next_seq_;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (intact(slot(mid))) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

std::uint64_t EntryRing::push(const wire::EntryView& entry) {
  DP_ASSERT(entry.payload.size() <= wire::kMaxEntryPayload, "an entry over the wire's bound");
  const std::uint64_t size = wire::entry_wire_size(entry.payload.size());
  const std::uint64_t arena = arena_mask_ + 1;
  std::uint64_t position = head_;
  // An entry never straddles the arena's end: skip to its start instead.
  if ((position & arena_mask_) + size > arena) position = (position | arena_mask_) + 1;
  const std::uint64_t end = position + size;
  // The slots are full: the oldest entry goes (the arena's overwrites are found by intact()).
  if (next_seq_ - first_seq_ > mask_) ++first_seq_;

  const std::uint64_t seq = next_seq_++;
  Slot& s = slots_[static_cast<std::size_t>(seq & mask_)];
  s.position = position;
  s.size = static_cast<std::uint16_t>(size);
  s.header = static_cast<std::uint8_t>(size - entry.payload.size());
  wire::write_entry(entry, arena_.get() + (position & arena_mask_));
  head_ = end;
  return seq;
}

wire::EntryView EntryRing::at(std::uint64_t seq) const {
  DP_ASSERT(holds(seq), "ring read outside the entries it holds");
  const Slot& s = slot(seq);
  const std::uint8_t* p = bytes_at(s.position);
  return wire::EntryView{p[0], p[1], {p + s.header, static_cast<std::size_t>(s.size - s.header)}};
}

std::size_t EntryRing::append_to(std::uint64_t from, wire::EntryBlock& block) const {
  DP_ASSERT(holds(from), "a batch starts at an entry the ring holds");
  // Entries follow each other in the arena except where one skipped its end: copy runs.
  std::uint64_t run_start = slot(from).position;
  std::uint64_t run_end = run_start;
  std::size_t run_entries = 0;
  std::size_t appended = 0;
  for (std::uint64_t seq = from; seq < next_seq_; ++seq) {
    const Slot& s = slot(seq);
    if (!block.fits(run_end - run_start + s.size, run_entries + 1)) break;
    if (s.position != run_end) {
      block.append_encoded({bytes_at(run_start), run_end - run_start}, run_entries);
      run_start = run_end = s.position;
      run_entries = 0;
    }
    run_end += s.size;
    ++run_entries;
    ++appended;
  }
  block.append_encoded({bytes_at(run_start), run_end - run_start}, run_entries);
  return appended;
}

}  // namespace dp
