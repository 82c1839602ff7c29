// A 64-bit digest over a canonical byte stream (FNV-1a, integers little-endian).
//
// The run's trace digest feeds every delivered and dropped datagram and every node event,
// with times, through this. The encoding is explicit (fixed widths, fixed byte order), so
// the same run gives the same digest on every machine.
#pragma once

#include <cstdint>
#include <span>

namespace dp::sim {

class Digest {
 public:
  void add_u8(std::uint8_t v) {
    hash_ ^= v;
    hash_ *= kPrime;
  }
  void add_u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) add_u8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void add_i64(std::int64_t v) { add_u64(static_cast<std::uint64_t>(v)); }
  void add_bytes(std::span<const std::uint8_t> bytes) {
    add_u64(bytes.size());
    for (std::uint8_t b : bytes) add_u8(b);
  }
  std::uint64_t value() const { return hash_; }

 private:
  static constexpr std::uint64_t kPrime = 0x100000001b3ull;
  std::uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace dp::sim
