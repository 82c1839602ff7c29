// A fixed-capacity ring of ordered events, indexed by sequence number.
//
// The leader keeps the most recent `capacity` events for retransmission; a follower whose
// gap reaches further back gets a snapshot instead. Capacity is a power of two so the index
// is a mask; nothing allocates after construction.
#pragma once

#include <cstdint>
#include <vector>

#include "core/wire/replication_messages.h"

namespace dp {

class EventRing {
 public:
  // capacity_log2 = 16 keeps 65536 events: about 10 s of 100 busy rooms.
  explicit EventRing(unsigned capacity_log2 = 16)
      : mask_((std::uint64_t{1} << capacity_log2) - 1),
        events_(mask_ + 1),
        cumulative_bytes_(mask_ + 1) {}

  // Restarts the sequence: the next event ordered gets `next_seq`.
  void reset(std::uint64_t next_seq) {
    first_seq_ = next_seq;
    next_seq_ = next_seq;
    total_bytes_ = 0;
  }

  // Appends an event and returns its sequence number. Overwrites the oldest when full.
  std::uint64_t push(const wire::RoomEvent& event) {
    const std::uint64_t seq = next_seq_++;
    const std::size_t slot = static_cast<std::size_t>(seq & mask_);
    events_[slot] = event;
    total_bytes_ += event.wire_size();
    cumulative_bytes_[slot] = total_bytes_;
    if (next_seq_ - first_seq_ > mask_ + 1) ++first_seq_;
    return seq;
  }

  std::uint64_t first_seq() const { return first_seq_; }    // Oldest event still held.
  std::uint64_t next_seq() const { return next_seq_; }      // Next to be ordered.
  std::uint64_t last_seq() const { return next_seq_ - 1; }  // Newest ordered (0 if none).
  bool holds(std::uint64_t seq) const { return seq >= first_seq_ && seq < next_seq_; }
  const wire::RoomEvent& at(std::uint64_t seq) const {
    return events_[static_cast<std::size_t>(seq & mask_)];
  }
  // Wire bytes of events [from, to], both held.
  std::uint64_t bytes_between(std::uint64_t from, std::uint64_t to) const {
    const std::uint64_t end = cumulative_bytes_[static_cast<std::size_t>(to & mask_)];
    const wire::RoomEvent& first = at(from);
    const std::uint64_t start = cumulative_bytes_[static_cast<std::size_t>(from & mask_)];
    return end - start + first.wire_size();
  }
  std::size_t capacity() const { return static_cast<std::size_t>(mask_ + 1); }

 private:
  std::uint64_t mask_;
  std::vector<wire::RoomEvent> events_;
  std::vector<std::uint64_t> cumulative_bytes_;
  std::uint64_t first_seq_ = 1;
  std::uint64_t next_seq_ = 1;
  std::uint64_t total_bytes_ = 0;
};

}  // namespace dp
