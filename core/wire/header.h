// The fixed datagram header that precedes every message body.
//
//   offset size field
//   0      2    magic 0x50 0x44 ("PD")
//   2      1    protocol version
//   3      1    message type (see message_types.h for the families)
//   4      16   sender node id (hi, lo; big-endian)
//   20     8    epoch term (big-endian)
//   28     16   epoch leader id (big-endian)
//   44     2    body length in bytes (big-endian)
//   46     ...  body: cereal portable-binary archive
//
// The header is hand-encoded so a receiver can reject garbage with a few byte compares
// before it builds any archive.
#pragma once

#include <cstdint>
#include <span>

#include "core/common/types.h"
#include "core/wire/message_types.h"

namespace dp::wire {

constexpr std::uint8_t kMagic0 = 0x50;
constexpr std::uint8_t kMagic1 = 0x44;
constexpr std::uint8_t kProtocolVersion = 1;
constexpr std::size_t kHeaderSize = 46;
constexpr std::size_t kMaxDatagramSize = 1200;
constexpr std::size_t kMaxBodySize = kMaxDatagramSize - kHeaderSize;
// The largest epoch term (and sequence number) any datagram may carry: far beyond what a
// cluster can use (a million elections a second for 8,900 years), and far enough below 2^64
// that no increment anywhere can overflow.
constexpr std::uint64_t kMaxTerm = std::uint64_t{1} << 48;
constexpr std::uint64_t kMaxSeq = std::uint64_t{1} << 62;

struct Header {
  MsgType type = MsgType::kHeartbeat;
  NodeId sender;
  Epoch epoch;
  std::uint16_t body_size = 0;
};

void write_header(const Header& header, std::span<std::uint8_t, kHeaderSize> out);
// Reads the fields without validating them (see decode_header() for validation).
Header read_header(std::span<const std::uint8_t, kHeaderSize> in);

}  // namespace dp::wire
