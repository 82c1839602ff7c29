// The commit gate: effects a service may show clients only once the log entries behind them
// are committed (replicated on enough servers that no failover can take them back).
//
// A service holds an effect with the seq of the entry that caused it; the log replica tells
// the service how far commits got, and the service releases every effect at or below that,
// oldest first, into what it shows. The gate knows nothing of what an effect is.
//
// Bounded: at most kMaxHeld effects wait at once. A service checks size() before it orders
// more entries and pauses while its commits are that far behind (back-pressure), so an effect
// is never dropped and never shown early.
#pragma once

#include <cstdint>
#include <deque>

#include "core/common/assert.h"

namespace dp {

template <class Effect>
class CommitGate {
 public:
  static constexpr std::size_t kMaxHeld = 1 << 18;

  // Holds `effect` until `seq` is committed. Seqs must not decrease; the gate must not be full.
  void hold(std::uint64_t seq, const Effect& effect) {
    DP_ASSERT(held_.size() < kMaxHeld, "the commit gate overflowed (check size() first)");
    DP_ASSERT(held_.empty() || held_.back().seq <= seq, "effects held out of log order");
    held_.push_back(Held{seq, effect});
  }

  // Releases, oldest first, every effect whose seq is at or below commit_seq.
  template <class Show>
  void release(std::uint64_t commit_seq, Show&& show) {
    while (!held_.empty() && held_.front().seq <= commit_seq) {
      show(held_.front().effect);
      held_.pop_front();
    }
  }

  void clear() { held_.clear(); }
  bool full() const { return held_.size() >= kMaxHeld; }
  std::size_t size() const { return held_.size(); }

 private:
  struct Held {
    std::uint64_t seq;
    Effect effect;
  };
  std::deque<Held> held_;
};

}  // namespace dp
