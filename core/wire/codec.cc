#include "core/wire/codec.h"

namespace dp::wire {

// cereal's portable archive starts with a one-byte byte-order tag.
constexpr std::size_t kArchiveTagBytes = 1;
static_assert(kArchiveTagBytes + 8 + 8 + 2 + 2 + EntryBlock::kCapacity <= kMaxBodySize,
              "a full Replicate must fit one datagram");

const char* decode_error_name(DecodeError error) {
  switch (error) {
    case DecodeError::kTooShort:
      return "too-short";
    case DecodeError::kTooLong:
      return "too-long";
    case DecodeError::kBadMagic:
      return "bad-magic";
    case DecodeError::kBadVersion:
      return "bad-version";
    case DecodeError::kUnknownType:
      return "unknown-type";
    case DecodeError::kLengthMismatch:
      return "length-mismatch";
    case DecodeError::kTruncatedBody:
      return "truncated-body";
    case DecodeError::kTrailingBytes:
      return "trailing-bytes";
    case DecodeError::kOversizeContainer:
      return "oversize-container";
    case DecodeError::kOutOfRange:
      return "out-of-range";
    case DecodeError::kWrongChannel:
      return "wrong-channel";
    case DecodeError::kUnknownService:
      return "unknown-service";
    case DecodeError::kUnsigned:
      return "unsigned";
    case DecodeError::kBadTag:
      return "bad-tag";
    case DecodeError::kReplayed:
      return "replayed";
    case DecodeError::kForeignMode:
      return "foreign-mode";
    case DecodeError::kTermJump:
      return "term-jump";
    case DecodeError::kBadSession:
      return "bad-session";
  }
  return "?";
}

std::optional<std::uint64_t> request_client_id(std::span<const std::uint8_t> body) {
  SpanInBuf buf(body);
  try {
    std::istream is(&buf);
    cereal::PortableBinaryInputArchive ar(is);
    std::uint64_t client_id = 0;
    ar(client_id);
    return client_id;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<DecodeError> decode_header(std::span<const std::uint8_t> bytes, Header& out) {
  // Cheapest checks first, before any archive exists.
  if (bytes.size() < kHeaderSize) return DecodeError::kTooShort;
  if (bytes.size() > kMaxDatagramSize) return DecodeError::kTooLong;
  if (bytes[0] != kMagic0 || bytes[1] != kMagic1) return DecodeError::kBadMagic;
  if (bytes[2] != kProtocolVersion) return DecodeError::kBadVersion;
  if (family_of(bytes[3]) == Family::kUnknown) return DecodeError::kUnknownType;
  out = read_header(bytes.first<kHeaderSize>());
  if (out.epoch.term > kMaxTerm) return DecodeError::kOutOfRange;
  if (out.body_size != bytes.size() - kHeaderSize) return DecodeError::kLengthMismatch;
  return std::nullopt;
}

std::optional<DecodeError> decode_into(std::span<const std::uint8_t> bytes, Decoded& out) {
  if (auto error = decode_header(bytes, out.header)) return error;
  return decode_message(out.header.type, body_of(bytes), out.body);
}

Result<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes) {
  Decoded out;
  if (auto error = decode_into(bytes, out)) return Result<Decoded, DecodeError>::failure(*error);
  return out;
}

}  // namespace dp::wire
