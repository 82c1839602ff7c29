// Encoding and decoding of whole datagrams: header + cereal portable-binary body.
//
// encode() writes into a caller-provided buffer and does not allocate. decode() treats the
// bytes as hostile: it checks size, magic, version, type and body length before building any
// archive, never throws, never allocates (bodies use fixed-capacity containers), and checks
// every field's range after decoding.
#pragma once

#include <cstdint>
#include <span>
#include <variant>

#include "core/common/result.h"
#include "core/wire/cluster_messages.h"
#include "core/wire/header.h"
#include "core/wire/replication_messages.h"

namespace dp::wire {

enum class DecodeError : std::uint8_t {
  kTooShort = 1,  // Shorter than the header.
  kTooLong,       // Longer than kMaxDatagramSize.
  kBadMagic,
  kBadVersion,
  kUnknownType,
  kLengthMismatch,     // Header body length disagrees with the datagram size.
  kTruncatedBody,      // The body ended before the message did.
  kTrailingBytes,      // The body has bytes left over after the message.
  kOversizeContainer,  // A count larger than the container's capacity.
  kOutOfRange,         // A field outside its valid range.
};
constexpr std::uint8_t kMaxDecodeErrorValue = 10;
const char* decode_error_name(DecodeError error);

enum class EncodeError : std::uint8_t { kTooLarge = 1 };

using Message =
    std::variant<DiscoverRequest, DiscoverResponse, Heartbeat, Election, Answer, Coordinator,
                 Resign, Replicate, Ack, Nack, Snapshot, Join, Input, RoomState, Leave>;

struct Decoded {
  Header header;
  Message body;
};

// Encodes `body` with the given sender and epoch into `out`; returns the datagram size.
template <class Msg>
Result<std::size_t, EncodeError> encode(const NodeId& sender, const Epoch& epoch, const Msg& body,
                                        std::span<std::uint8_t> out);

// Decodes into `out` (reused by callers to avoid re-constructing large bodies).
// Returns DecodeError on any malformed input; `out` is then unspecified.
std::variant<std::monostate, DecodeError> decode_into(std::span<const std::uint8_t> bytes,
                                                      Decoded& out);
Result<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes);

}  // namespace dp::wire

#include "core/wire/codec_impl.h"
