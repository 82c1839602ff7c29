// Fixed-width big-endian (network order) fields at a raw pointer: the datagram header and the
// authentication trailers. (Snapshot encodings use byte_io.h, little-endian and bounds-checked.)
#pragma once

#include <cstdint>

namespace dp {

inline void put_be64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xffu);
    v >>= 8;
  }
}

inline std::uint64_t get_be64(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | p[i];
  return v;
}

}  // namespace dp
