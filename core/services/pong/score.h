// A Pong score, and the one place that writes it as text ("3-2": left player first).
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace dp::pong {

struct Score {
  std::uint8_t left = 0;
  std::uint8_t right = 0;

  int total() const { return int{left} + int{right}; }
  // True when neither side's points are fewer than in `earlier` (scores only ever grow).
  bool at_least(const Score& earlier) const {
    return left >= earlier.left && right >= earlier.right;
  }
  auto operator<=>(const Score&) const = default;
  std::string str() const { return std::to_string(left) + "-" + std::to_string(right); }
};

}  // namespace dp::pong
