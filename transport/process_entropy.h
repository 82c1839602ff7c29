// Randomness a process owns at start-up (ids and seeds for the node state machines). Only
// apps/ use it; core/ gets its randomness from the seeds these produce.
#pragma once

#include <cstdint>
#include <random>

namespace dp {

inline std::uint64_t random_u64(std::random_device& device) {
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

}  // namespace dp
