#include "core/wire/chat_text.h"

#include <cstdint>

namespace dp::wire {
namespace {

// The code point starting at text[i], or -1 when the bytes there are not well-formed UTF-8
// (RFC 3629: shortest form only, no surrogates, at most U+10FFFF). `size` is its length.
std::int32_t decode_utf8(std::string_view text, std::size_t i, std::size_t& size) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  const std::uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    size = 1;
    return b0;
  }
  std::int32_t cp = 0;
  std::int32_t min = 0;
  if ((b0 & 0xe0) == 0xc0) {
    size = 2;
    cp = b0 & 0x1f;
    min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    size = 3;
    cp = b0 & 0x0f;
    min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    size = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (i + size > text.size()) return -1;
  for (std::size_t k = 1; k < size; ++k) {
    const std::uint8_t b = byte(i + k);
    if ((b & 0xc0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
  return cp;
}

}  // namespace

ChatTextError check_chat_text(std::string_view text) {
  if (text.empty()) return ChatTextError::kEmpty;
  if (text.size() > kChatTextMax) return ChatTextError::kTooLong;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t size = 0;
    const std::int32_t cp = decode_utf8(text, i, size);
    if (cp < 0) return ChatTextError::kBadUtf8;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return ChatTextError::kControl;
    i += size;
  }
  return ChatTextError::kOk;
}

const char* chat_text_error_name(ChatTextError error) {
  switch (error) {
    case ChatTextError::kOk:
      return "ok";
    case ChatTextError::kEmpty:
      return "empty";
    case ChatTextError::kTooLong:
      return "longer than 280 bytes";
    case ChatTextError::kBadUtf8:
      return "not valid UTF-8";
    case ChatTextError::kControl:
      return "holds a control character";
  }
  return "unknown";
}

bool valid_chat_channel(std::string_view channel) {
  if (channel.empty() || channel.size() > kChatChannelMax) return false;
  for (const char c : channel) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string chat_channel_of_room(std::string_view game, std::string_view room_name) {
  std::string channel(game);
  channel += ':';
  for (const char c : room_name) channel += (c > 0x20 && c < 0x7f) ? c : '_';
  if (channel.size() > kChatChannelMax) channel.resize(kChatChannelMax);
  return channel;
}

}  // namespace dp::wire
