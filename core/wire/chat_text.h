// What a chat message may say and where it may be said. Shared by the wire (a datagram that
// breaks these rules is refused when decoded), the chat service (an entry that breaks them is
// refused when applied) and the clients (which refuse to send it).
//
//   text     1-280 bytes of valid UTF-8 (no overlong forms, no surrogates, nothing above
//            U+10FFFF) with no control character: C0 (U+0000-U+001F), DEL (U+007F) and C1
//            (U+0080-U+009F) are refused, so a message is one line on every screen.
//   channel  1-40 bytes of printable ASCII: "lobby", or a game room's ("pong:NAME",
//            "racing:NAME"; see chat_channel_of_room).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/wire/fixed.h"

namespace dp::wire {

constexpr std::size_t kChatTextMax = 280;
constexpr std::size_t kChatChannelMax = 40;
using ChatText = FixedString<kChatTextMax>;
using ChatChannel = FixedString<kChatChannelMax>;

constexpr std::string_view kLobbyChannel = "lobby";

// Why a text is refused (kOk when it is not).
enum class ChatTextError : std::uint8_t { kOk = 0, kEmpty, kTooLong, kBadUtf8, kControl };
ChatTextError check_chat_text(std::string_view text);
inline bool valid_chat_text(std::string_view text) {
  return check_chat_text(text) == ChatTextError::kOk;
}
const char* chat_text_error_name(ChatTextError error);
bool valid_chat_channel(std::string_view channel);
// The channel of a game room: "<game>:<room name>", cut to kChatChannelMax bytes.
std::string chat_channel_of_room(std::string_view game, std::string_view room_name);

}  // namespace dp::wire
