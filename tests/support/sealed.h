// Tests that talk to a ServerNode by hand: servers sign every datagram they send each other
// (core/security/datagram_auth.h). These helpers add a keyless server's trailer to a crafted
// datagram, and take the trailer off what a node sent.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/cluster/config.h"
#include "core/security/datagram_auth.h"

namespace dp::test {

// A keyless server of `mode` would have sent these bytes with this trailer.
inline std::vector<std::uint8_t> sealed_keyless(std::span<const std::uint8_t> bytes,
                                                ElectionMode mode = ElectionMode::kSticky) {
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  out.push_back(static_cast<std::uint8_t>(mode));
  out.push_back(0);
  return out;
}

// The message part of a datagram a server sent (header and body, without the trailer).
inline std::span<const std::uint8_t> unsealed(std::span<const std::uint8_t> bytes) {
  return DatagramAuth::split(bytes).message;
}

}  // namespace dp::test
