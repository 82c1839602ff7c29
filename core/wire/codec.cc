#include "core/wire/codec.h"

#include <cereal/archives/portable_binary.hpp>
#include <istream>

#include "core/wire/span_streambuf.h"

namespace dp::wire {
namespace {

using DecodeStatus = std::variant<std::monostate, DecodeError>;

template <class Msg>
DecodeStatus decode_body(std::span<const std::uint8_t> body, Message& out) {
  // Reuse the variant's storage when it already holds this type (no large re-construction).
  Msg* msg = std::get_if<Msg>(&out);
  if (msg == nullptr) msg = &out.emplace<Msg>();
  SpanInBuf buf(body);
  try {
    std::istream is(&buf);
    cereal::PortableBinaryInputArchive ar(is);
    ar(*msg);
  } catch (const BoundsError&) {
    return DecodeError::kOversizeContainer;
  } catch (...) {
    // cereal throws when a read runs past the end of the span.
    return DecodeError::kTruncatedBody;
  }
  if (buf.remaining() != 0) return DecodeError::kTrailingBytes;
  if (!msg->valid()) return DecodeError::kOutOfRange;
  return std::monostate{};
}

}  // namespace

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
  }
  return "?";
}

DecodeStatus decode_into(std::span<const std::uint8_t> bytes, Decoded& out) {
  // Cheapest checks first, before any archive exists.
  if (bytes.size() < kHeaderSize) return DecodeError::kTooShort;
  if (bytes.size() > kMaxDatagramSize) return DecodeError::kTooLong;
  if (bytes[0] != kMagic0 || bytes[1] != kMagic1) return DecodeError::kBadMagic;
  if (bytes[2] != kProtocolVersion) return DecodeError::kBadVersion;
  if (!is_known_msg_type(bytes[3])) return DecodeError::kUnknownType;
  out.header = read_header(bytes.first<kHeaderSize>());
  if (out.header.body_size != bytes.size() - kHeaderSize) return DecodeError::kLengthMismatch;
  const auto body = bytes.subspan(kHeaderSize);
  switch (out.header.type) {
    case MsgType::kDiscoverRequest:
      return decode_body<DiscoverRequest>(body, out.body);
    case MsgType::kDiscoverResponse:
      return decode_body<DiscoverResponse>(body, out.body);
    case MsgType::kHeartbeat:
      return decode_body<Heartbeat>(body, out.body);
    case MsgType::kElection:
      return decode_body<Election>(body, out.body);
    case MsgType::kAnswer:
      return decode_body<Answer>(body, out.body);
    case MsgType::kCoordinator:
      return decode_body<Coordinator>(body, out.body);
    case MsgType::kResign:
      return decode_body<Resign>(body, out.body);
    case MsgType::kReplicate:
      return decode_body<Replicate>(body, out.body);
    case MsgType::kAck:
      return decode_body<Ack>(body, out.body);
    case MsgType::kNack:
      return decode_body<Nack>(body, out.body);
    case MsgType::kSnapshot:
      return decode_body<Snapshot>(body, out.body);
    case MsgType::kJoin:
      return decode_body<Join>(body, out.body);
    case MsgType::kInput:
      return decode_body<Input>(body, out.body);
    case MsgType::kRoomState:
      return decode_body<RoomState>(body, out.body);
    case MsgType::kLeave:
      return decode_body<Leave>(body, out.body);
  }
  return DecodeError::kUnknownType;
}

Result<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes) {
  Decoded out;
  auto status = decode_into(bytes, out);
  if (auto* error = std::get_if<DecodeError>(&status)) {
    return Result<Decoded, DecodeError>::failure(*error);
  }
  return out;
}

}  // namespace dp::wire
