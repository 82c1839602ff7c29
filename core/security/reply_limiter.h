// A token bucket per source address for the answers a server gives strangers (discovery
// replies, session grants): a flood of spoofed requests gets at most `rate_per_s` answers a
// second per address it names (bursts of `burst`), so the server cannot be turned against a
// victim. Bounded: at most kMaxSources addresses are tracked; a new one evicts the one heard
// from least recently.
#pragma once

#include <cstdint>
#include <map>

#include "core/common/types.h"

namespace dp {

class ReplyLimiter {
 public:
  static constexpr std::size_t kMaxSources = 1024;

  ReplyLimiter(std::uint32_t rate_per_s, std::uint32_t burst) : rate_(rate_per_s), burst_(burst) {}

  // True (and one token taken) when `source` may be answered now.
  bool allow(std::uint32_t source, TimeUs now) {
    auto it = buckets_.find(source);
    if (it == buckets_.end()) {
      if (buckets_.size() >= kMaxSources) evict_oldest();
      it = buckets_.emplace(source, Bucket{static_cast<double>(burst_), now}).first;
    }
    Bucket& b = it->second;
    const double elapsed_s = static_cast<double>(now - b.refilled_us) / kUsPerSecond;
    b.tokens = std::min(static_cast<double>(burst_), b.tokens + elapsed_s * rate_);
    b.refilled_us = now;
    if (b.tokens < 1.0) {
      ++refused_;
      return false;
    }
    b.tokens -= 1.0;
    return true;
  }
  std::uint64_t refused() const { return refused_; }

 private:
  struct Bucket {
    double tokens = 0;
    TimeUs refilled_us = 0;
  };
  void evict_oldest() {
    auto oldest = buckets_.begin();
    for (auto it = buckets_.begin(); it != buckets_.end(); ++it) {
      if (it->second.refilled_us < oldest->second.refilled_us) oldest = it;
    }
    buckets_.erase(oldest);
  }

  std::uint32_t rate_;
  std::uint32_t burst_;
  std::map<std::uint32_t, Bucket> buckets_;
  std::uint64_t refused_ = 0;
};

}  // namespace dp
