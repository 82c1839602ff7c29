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

}  // namespace dp
