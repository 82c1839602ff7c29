// Strings in the chat service's encodings (entries, snapshots, records): length u16, then the
// bytes. Reading is strict: too long, cut short, or breaking the field's rules is refused.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/common/byte_io.h"
#include "core/wire/chat_text.h"
#include "core/wire/room_name.h"

namespace dp::chat {

inline void put_text(ByteWriter& w, std::string_view text) {
  w.put(static_cast<std::uint16_t>(text.size()));
  w.put_bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// Reads one string of at most `max` bytes into `out` (a FixedString).
template <class Fixed>
bool get_text(ByteReader& r, std::size_t max, Fixed& out) {
  const auto size = r.get<std::uint16_t>();
  if (r.failed() || size > max) return false;
  const auto bytes = r.get_bytes(size);
  if (r.failed()) return false;
  out = Fixed{};
  if (!bytes.empty()) out.assign({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  return true;
}

inline bool get_channel(ByteReader& r, wire::ChatChannel& out) {
  return get_text(r, wire::kChatChannelMax, out) && wire::valid_chat_channel(out.view());
}
inline bool get_player(ByteReader& r, wire::PlayerName& out) {
  return get_text(r, wire::kPlayerNameMax, out) && !out.empty() && wire::valid_name(out.view());
}
inline bool get_chat_text(ByteReader& r, wire::ChatText& out) {
  return get_text(r, wire::kChatTextMax, out) && wire::valid_chat_text(out.view());
}

}  // namespace dp::chat
