// A token bucket per sender: `rate_per_s` messages a second on average, bursts of `burst`.
// Pure: the caller passes the time. Tokens are counted in millionths, so the arithmetic is
// integer and exact.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/common/types.h"

namespace dp::chat {

struct RateLimit {
  std::uint32_t rate_per_s = 20;
  std::uint32_t burst = 40;
};

class TokenBucket {
 public:
  static constexpr std::int64_t kUnit = 1'000'000;  // One token.

  // Takes a token if one is free at `now`; a new bucket starts full.
  bool take(TimeUs now, const RateLimit& limit) {
    refill(now, limit);
    if (tokens_ < kUnit) return false;
    tokens_ -= kUnit;
    return true;
  }
  // How long until a token is free (0 if one is).
  TimeUs wait_us(TimeUs now, const RateLimit& limit) {
    refill(now, limit);
    if (tokens_ >= kUnit || limit.rate_per_s == 0) return 0;
    // rate tokens per second = rate millionths of a token per microsecond.
    return (kUnit - tokens_ + limit.rate_per_s - 1) / limit.rate_per_s;
  }
  TimeUs last_us() const { return last_us_; }

 private:
  void refill(TimeUs now, const RateLimit& limit) {
    const std::int64_t full = static_cast<std::int64_t>(limit.burst) * kUnit;
    if (!started_) {
      started_ = true;
      tokens_ = full;
    } else if (now > last_us_) {
      tokens_ = std::min(full, tokens_ + (now - last_us_) * limit.rate_per_s);
    }
    last_us_ = std::max(last_us_, now);
  }

  bool started_ = false;
  std::int64_t tokens_ = 0;
  TimeUs last_us_ = 0;
};

}  // namespace dp::chat
