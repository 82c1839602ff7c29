// How far a replica got: the epoch whose stream it follows and the last seq it applied.
// Ordered: a newer epoch's stream is ahead of any older one's, whatever the seqs (the older
// stream's tail may hold entries nobody committed; the newer one's, entries clients saw).
#pragma once

#include <compare>
#include <cstdint>

#include "core/common/types.h"

namespace dp {

struct Position {
  Epoch epoch;
  std::uint64_t seq = 0;
  auto operator<=>(const Position&) const = default;
};

// What a replica's report of its Position is worth to a new leader's recovery. A report
// vouches when the server holds everything it ever acknowledged: then any group that
// confirmed an entry overlaps the vouching reports in a server that holds it.
enum class Standing : std::uint8_t {
  // It synced at least once and holds its state (in memory, or loaded from its disk).
  kHolds = 0,
  // Its state could not be loaded: it may have acknowledged what it no longer holds.
  kLost = 1,
  // It never synced: it acknowledged nothing, so "nothing" is the truth.
  kFresh = 2,
  // It never synced and replaces a machine whose disk was lost (the operator said so:
  // pong-server --replace, the simulator's wipe-disk): it may lack what that machine
  // acknowledged. It vouches once it has synced.
  kJoining = 3,
};
constexpr std::uint8_t kMaxStandingValue = 3;

constexpr bool vouches(Standing s) { return s == Standing::kHolds || s == Standing::kFresh; }

}  // namespace dp
