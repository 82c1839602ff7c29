// FNV-1a, 64 bit: the digest of a service's canonical encoding, and a stable key for a name.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace dp {

inline std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const std::uint8_t b : bytes) {
    h ^= b;
    h *= 0x100000001b3ull;
  }
  return h;
}

inline std::uint64_t fnv1a(std::string_view text) {
  return fnv1a({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

}  // namespace dp
