// Template part of codec.h; include codec.h instead.
#pragma once

#include <cereal/archives/portable_binary.hpp>
#include <istream>
#include <ostream>

#include "core/wire/span_streambuf.h"

namespace dp::wire {

template <class Msg>
Result<std::size_t, EncodeError> encode(const NodeId& sender, const Epoch& epoch, const Msg& body,
                                        std::span<std::uint8_t> out) {
  if (out.size() < kHeaderSize)
    return Result<std::size_t, EncodeError>::failure(EncodeError::kTooLarge);
  const std::size_t room = std::min(out.size(), kMaxDatagramSize) - kHeaderSize;
  SpanOutBuf buf(out.subspan(kHeaderSize, room));
  try {
    std::ostream os(&buf);
    cereal::PortableBinaryOutputArchive ar(os);
    ar(body);
  } catch (...) {
    // cereal throws when the span is full: the message does not fit one datagram.
    return Result<std::size_t, EncodeError>::failure(EncodeError::kTooLarge);
  }
  Header h;
  h.type = Msg::kType;
  h.sender = sender;
  h.epoch = epoch;
  h.body_size = static_cast<std::uint16_t>(buf.written());
  write_header(h, out.first<kHeaderSize>());
  return kHeaderSize + buf.written();
}

template <class Msg>
std::optional<DecodeError> decode_body(std::span<const std::uint8_t> body, Msg& msg) {
  SpanInBuf buf(body);
  try {
    std::istream is(&buf);
    cereal::PortableBinaryInputArchive ar(is);
    ar(msg);
  } catch (const BoundsError&) {
    return DecodeError::kOversizeContainer;
  } catch (...) {
    // cereal throws when a read runs past the end of the span.
    return DecodeError::kTruncatedBody;
  }
  if (buf.remaining() != 0) return DecodeError::kTrailingBytes;
  if (!msg.valid()) return DecodeError::kOutOfRange;
  return std::nullopt;
}

namespace detail {

template <class Variant, std::size_t I = 0>
std::optional<DecodeError> decode_alternative(MsgType type, std::span<const std::uint8_t> body,
                                              Variant& out) {
  if constexpr (I == std::variant_size_v<Variant>) {
    return DecodeError::kUnknownType;
  } else {
    using Msg = std::variant_alternative_t<I, Variant>;
    if (Msg::kType != type) return decode_alternative<Variant, I + 1>(type, body, out);
    // Reuse the variant's storage when it already holds this type (no large re-construction).
    Msg* msg = std::get_if<Msg>(&out);
    if (msg == nullptr) msg = &out.template emplace<Msg>();
    return decode_body(body, *msg);
  }
}

}  // namespace detail

template <class Variant>
std::optional<DecodeError> decode_message(MsgType type, std::span<const std::uint8_t> body,
                                          Variant& out) {
  return detail::decode_alternative(type, body, out);
}

}  // namespace dp::wire
