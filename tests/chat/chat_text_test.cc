// What a chat message may say: 1-280 bytes of well-formed UTF-8 with no control character.
// A text that breaks the rules is refused by the clients (ChatClient::send), on the wire (a
// ChatSend that carries it does not decode) and by the book (a Post that carries it is not
// applied), so every screen shows the same one-line text.
#include "core/wire/chat_text.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <string_view>

#include "core/wire/chat_messages.h"
#include "core/wire/codec.h"

namespace dp::wire {
namespace {

using namespace std::string_view_literals;

std::string repeat(std::string_view piece, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(ChatText, AcceptsPlainAndMultibyteText) {
  for (const std::string_view ok : {"hello"sv, "a"sv, " "sv, "~"sv, "h\xc3\xa9llo"sv,  // é
                                    "\xe6\x97\xa5\xe6\x9c\xac"sv,                      // 日本
                                    "\xf0\x9f\x98\x80"sv,                              // 😀
                                    "\xc2\xa0"sv,             // U+00A0, the first after C1
                                    "\xed\x9f\xbf"sv,         // U+D7FF, just below the surrogates
                                    "\xee\x80\x80"sv,         // U+E000, just above them
                                    "\xef\xbf\xbf"sv,         // U+FFFF
                                    "\xf4\x8f\xbf\xbf"sv,     // U+10FFFF, the last code point
                                    "\xdf\xbf"sv,             // U+07FF, the longest 2-byte form
                                    "\xe0\xa0\x80"sv,         // U+0800, the shortest 3-byte form
                                    "\xf0\x90\x80\x80"sv}) {  // U+10000, shortest 4-byte
    EXPECT_EQ(check_chat_text(ok), ChatTextError::kOk) << testing::PrintToString(ok);
    EXPECT_TRUE(valid_chat_text(ok));
  }
}

TEST(ChatText, RefusesTheEmptyText) {
  EXPECT_EQ(check_chat_text(""), ChatTextError::kEmpty);
  EXPECT_FALSE(valid_chat_text(""));
}

TEST(ChatText, RefusesOverlongForms) {
  for (const std::string_view bad : {
           "\xc0\xaf"sv,             // '/' in two bytes
           "\xc1\xbf"sv,             // U+007F in two bytes
           "\xc0\x80"sv,             // NUL in two bytes ("modified UTF-8")
           "\xe0\x80\xaf"sv,         // '/' in three bytes
           "\xe0\x9f\xbf"sv,         // U+07FF in three bytes
           "\xf0\x80\x80\xaf"sv,     // '/' in four bytes
           "\xf0\x8f\xbf\xbf"sv,     // U+FFFF in four bytes
           "ok \xc0\xaf then ok"sv,  // in the middle of a text
       }) {
    EXPECT_EQ(check_chat_text(bad), ChatTextError::kBadUtf8) << testing::PrintToString(bad);
  }
}

TEST(ChatText, RefusesSurrogates) {
  for (const std::string_view bad : {"\xed\xa0\x80"sv,  // U+D800
                                     "\xed\xaf\xbf"sv,  // U+DBFF
                                     "\xed\xb0\x80"sv,  // U+DC00
                                     "\xed\xbf\xbf"sv,  // U+DFFF
                                     // A CESU-8 pair for U+1F600.
                                     "\xed\xa0\xbd\xed\xb8\x80"sv}) {
    EXPECT_EQ(check_chat_text(bad), ChatTextError::kBadUtf8) << testing::PrintToString(bad);
  }
}

TEST(ChatText, RefusesCodePointsAboveU10FFFF) {
  for (const std::string_view bad : {"\xf4\x90\x80\x80"sv,                            // U+110000
                                     "\xf7\xbf\xbf\xbf"sv,                            // U+1FFFFF
                                     "\xf5\x80\x80\x80"sv, "\xf8\x88\x80\x80\x80"sv,  // 5 bytes
                                     "\xfc\x84\x80\x80\x80\x80"sv,                    // 6 bytes
                                     "\xfe"sv, "\xff"sv}) {
    EXPECT_EQ(check_chat_text(bad), ChatTextError::kBadUtf8) << testing::PrintToString(bad);
  }
}

TEST(ChatText, RefusesTruncatedAndStraySequences) {
  for (const std::string_view bad : {
           "\xc3"sv,          // 2-byte lead at the end
           "abc\xe6\x97"sv,   // 3-byte sequence cut after two
           "\xf0\x9f\x98"sv,  // 4-byte sequence cut after three
           "\xc3"
           "a"sv,  // lead followed by ASCII
           "\xe6\x97"
           "a"sv,             // cut in the middle of a text
           "\x80"sv,          // a continuation byte alone
           "a\xbf"sv,         // a continuation byte after ASCII
           "\xc3\xa9\xa9"sv,  // one continuation too many
       }) {
    EXPECT_EQ(check_chat_text(bad), ChatTextError::kBadUtf8) << testing::PrintToString(bad);
  }
  // A text cut in the middle of a character out of a longer buffer (a view that ends before
  // the character does): the bytes past the view's end must not complete it.
  const std::string buffer = "abc\xe6\x97\xa5 \xf0\x9f\x98\x80";
  EXPECT_EQ(check_chat_text(std::string_view(buffer).substr(0, 4)), ChatTextError::kBadUtf8);
  EXPECT_EQ(check_chat_text(std::string_view(buffer).substr(0, 5)), ChatTextError::kBadUtf8);
  EXPECT_EQ(check_chat_text(std::string_view(buffer).substr(0, 6)), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(std::string_view(buffer).substr(0, 10)), ChatTextError::kBadUtf8);
  EXPECT_EQ(check_chat_text(std::string_view(buffer).substr(3, 1)), ChatTextError::kBadUtf8);
  EXPECT_EQ(check_chat_text(buffer), ChatTextError::kOk);
}

TEST(ChatText, RefusesC0DelAndC1Controls) {
  for (const std::string_view bad : {
           "a\0b"sv,  // NUL
           "\x01"sv, "line\nbreak"sv, "car\rriage"sv, "tab\there"sv, "\x1b[31mred"sv,
           "\x1f"sv,      // the last C0
           "del\x7f"sv,   // DEL
           "\xc2\x80"sv,  // U+0080, the first C1
           "\xc2\x85"sv,  // NEL, a line break on some terminals
           "\xc2\x9b"
           "31m"sv,       // CSI
           "\xc2\x9f"sv,  // U+009F, the last C1
       }) {
    EXPECT_EQ(check_chat_text(bad), ChatTextError::kControl) << testing::PrintToString(bad);
  }
}

TEST(ChatText, The280ByteLimitCountsBytesNotCharacters) {
  EXPECT_EQ(check_chat_text(repeat("a", 280)), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(repeat("a", 281)), ChatTextError::kTooLong);
  EXPECT_EQ(check_chat_text(repeat("a", 4000)), ChatTextError::kTooLong);
  // 140 two-byte characters are 280 bytes; one more is not.
  EXPECT_EQ(check_chat_text(repeat("\xc3\xa9", 140)), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(repeat("\xc3\xa9", 141)), ChatTextError::kTooLong);
  // 93 three-byte characters are 279 bytes (ok), 94 are 282 (too long, at 94 characters).
  EXPECT_EQ(check_chat_text(repeat("\xe6\x97\xa5", 93)), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(repeat("\xe6\x97\xa5", 93) + "a"), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(repeat("\xe6\x97\xa5", 93) + "ab"), ChatTextError::kTooLong);
  EXPECT_EQ(check_chat_text(repeat("\xe6\x97\xa5", 94)), ChatTextError::kTooLong);
  // 70 four-byte emoji are exactly 280 bytes.
  EXPECT_EQ(check_chat_text(repeat("\xf0\x9f\x98\x80", 70)), ChatTextError::kOk);
  EXPECT_EQ(check_chat_text(repeat("\xf0\x9f\x98\x80", 70) + "!"), ChatTextError::kTooLong);
  // The length is checked first: an over-long text is "too long" even if also bad.
  EXPECT_EQ(check_chat_text(repeat("\x01", 300)), ChatTextError::kTooLong);
}

TEST(ChatText, EveryErrorHasItsOwnName) {
  const std::array errors{ChatTextError::kOk, ChatTextError::kEmpty, ChatTextError::kTooLong,
                          ChatTextError::kBadUtf8, ChatTextError::kControl};
  for (std::size_t i = 0; i < errors.size(); ++i) {
    for (std::size_t j = i + 1; j < errors.size(); ++j) {
      EXPECT_STRNE(chat_text_error_name(errors[i]), chat_text_error_name(errors[j]));
    }
  }
  EXPECT_STREQ(chat_text_error_name(ChatTextError::kTooLong), "longer than 280 bytes");
}

TEST(ChatChannel, PrintableAsciiOfOneToFortyBytes) {
  EXPECT_TRUE(valid_chat_channel("lobby"));
  EXPECT_TRUE(valid_chat_channel("pong:final"));
  EXPECT_TRUE(valid_chat_channel(repeat("c", 40)));
  EXPECT_FALSE(valid_chat_channel(repeat("c", 41)));
  EXPECT_FALSE(valid_chat_channel(""));
  EXPECT_FALSE(valid_chat_channel("two words"));
  EXPECT_FALSE(valid_chat_channel("tab\there"));
  EXPECT_FALSE(valid_chat_channel("caf\xc3\xa9"));
  EXPECT_FALSE(valid_chat_channel("del\x7f"));
}

TEST(ChatChannel, ARoomsChannelIsValidAndCutToForty) {
  EXPECT_EQ(chat_channel_of_room("pong", "final"), "pong:final");
  EXPECT_EQ(chat_channel_of_room("racing", "my room"), "racing:my_room");
  const std::string long_room = chat_channel_of_room("pong", repeat("r", 60));
  EXPECT_EQ(long_room.size(), kChatChannelMax);
  EXPECT_TRUE(valid_chat_channel(long_room));
  EXPECT_TRUE(valid_chat_channel(chat_channel_of_room("pong", "caf\xc3\xa9 \x01")));
}

// On the wire: a ChatSend or ChatLine whose text breaks the rules is not taken in (it does
// not encode, or the receiver's decode refuses it).
template <class Msg>
bool crosses_the_wire(const Msg& msg) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  const auto size = encode(NodeId{0, 5}, Epoch{}, msg, buf);
  return size.ok() && decode(std::span<const std::uint8_t>(buf.data(), *size)).ok();
}

TEST(ChatText, ADatagramCarryingABadTextDoesNotDecode) {
  ChatSend send;
  send.client_id = 9;
  send.msg_id = 1;
  send.channel.assign("lobby");
  send.name.assign("ann");
  send.text.assign("fine \xf0\x9f\x98\x80");
  EXPECT_TRUE(crosses_the_wire(send)) << "a valid message decodes";
  for (const std::string_view bad : {"\xc0\xaf"sv, "ring\x07"sv, "\xed\xa0\x80"sv, "\xc2\x9b"sv}) {
    send.text.assign(bad);
    EXPECT_FALSE(crosses_the_wire(send)) << testing::PrintToString(bad);
  }
  ChatLines lines;
  lines.channel.assign("lobby");
  lines.head = 1;
  lines.first = 1;
  ChatLine line;
  line.n = 1;
  line.client_id = 9;
  line.msg_id = 1;
  line.name.assign("ann");
  line.text.assign("ok");
  lines.lines.push_back(line);
  EXPECT_TRUE(crosses_the_wire(lines));
  lines.lines[0].text.assign("two\nlines");
  EXPECT_FALSE(crosses_the_wire(lines)) << "a line with a newline is refused";
}

}  // namespace
}  // namespace dp::wire
