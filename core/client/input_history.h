// The last few paddle directions a client sent, newest first.
//
// Every Input datagram repeats them (wire::Input::recent), so the leader can recover the
// direction of an Input that was lost, as long as fewer than kInputHistory in a row are lost.
#pragma once

#include <cstdint>

#include "core/wire/pong_messages.h"

namespace dp {

class InputHistory {
 public:
  // Bounded by wire::kInputHistory (8) entries; older directions fall off the end.
  static constexpr std::size_t kCapacity = wire::kInputHistory;

  void push(std::int8_t direction) {
    if (size_ < kCapacity) ++size_;
    // Shift older entries one place back; the oldest falls off when full.
    for (std::size_t i = size_ - 1; i > 0; --i) items_[i] = items_[i - 1];
    items_[0] = direction;
  }
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }

  // Copies the directions, newest first, into a wire container.
  void copy_to(wire::FixedVec<std::int8_t, wire::kInputHistory>& out) const {
    out.clear();
    for (std::size_t i = 0; i < size_; ++i) out.push_back(items_[i]);
  }

 private:
  std::int8_t items_[kCapacity] = {};
  std::size_t size_ = 0;
};

}  // namespace dp
