// Randomness a process owns at start-up (ids and seeds for the node state machines). Only
// apps/ use it; core/ gets its randomness from the seeds these produce.
#pragma once

#include <sodium.h>

#include <cstdint>
#include <random>

#include "core/security/session.h"

namespace dp {

inline std::uint64_t random_u64(std::random_device& device) {
  return (static_cast<std::uint64_t>(device()) << 32) ^ device();
}

// Secret bytes for session keys and nonces: the operating system's CSPRNG (libsodium), never
// the node's own (seeded, predictable) generator.
inline SessionSeed random_session_seed() {
  SessionSeed seed{};
  if (sodium_init() < 0) std::abort();
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

}  // namespace dp
