// A sliding replay window per sender (the IPsec/DTLS anti-replay window): a datagram is fresh
// when its boot stamp is newer than the sender's last, or, in the same boot, its counter is
// newer than the highest seen or one of the last 64 not seen yet. Updated only with datagrams
// whose tag checked, so a forger cannot move it.
#pragma once

#include <cstdint>

namespace dp {

class ReplayWindow {
 public:
  static constexpr std::uint64_t kWidth = 64;

  bool fresh(std::uint64_t boot, std::uint64_t counter) const {
    if (counter == 0) return false;
    if (boot != boot_) return boot > boot_;
    if (counter > top_) return true;
    const std::uint64_t behind = top_ - counter;
    return behind < kWidth && ((seen_ >> behind) & 1u) == 0;
  }
  // Records a fresh datagram (fresh() was true).
  void accept(std::uint64_t boot, std::uint64_t counter) {
    if (boot > boot_) {
      boot_ = boot;
      top_ = counter;
      seen_ = 1;
    } else if (counter > top_) {
      const std::uint64_t shift = counter - top_;
      seen_ = shift >= kWidth ? 0 : seen_ << shift;
      seen_ |= 1;
      top_ = counter;
    } else {
      seen_ |= std::uint64_t{1} << (top_ - counter);
    }
  }

 private:
  std::uint64_t boot_ = 0;
  std::uint64_t top_ = 0;
  std::uint64_t seen_ = 0;  // Bit i: counter top_ - i was seen.
};

}  // namespace dp
