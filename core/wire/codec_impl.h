// Template part of codec.h; include codec.h instead.
#pragma once

#include <cereal/archives/portable_binary.hpp>
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

}  // namespace dp::wire
