// Message bodies of the chat service's client traffic (service 3, types 40-49), carried
// between chat clients and a chat cluster (pong-chat), never a game's servers.
//
//   ChatSend       client -> leader   one message; resent until acknowledged
//   ChatAck        leader -> sender   every message up to `through` is durable on a majority;
//                                     or one message is rate-limited (retry later)
//   ChatSubscribe  client -> leader   "send me this channel after line n" (and a keepalive)
//   ChatHistory    client -> leader   an older page: up to `count` lines before `before`
//   ChatLines      leader -> client   committed lines of a channel, numbered 1, 2, ... in the
//                                     channel's total order
//
// A client numbers its messages 1, 2, ... (msg_id) under a random client id; the leader orders
// them in that order only, so (client id, msg id) names a message and a resend after a
// failover is recognised, never ordered twice.
#pragma once

#include <cstdint>

#include "core/wire/chat_text.h"
#include "core/wire/fixed.h"
#include "core/wire/message_types.h"
#include "core/wire/room_name.h"

namespace dp::wire {

struct ChatSend {
  static constexpr MsgType kType = MsgType::kChatSend;
  std::uint64_t client_id = 0;
  std::uint32_t msg_id = 0;  // 1, 2, ... per client id.
  std::uint32_t acked = 0;   // Every msg id up to this one was acknowledged to the client.
  ChatChannel channel;
  PlayerName name;
  ChatText text;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, msg_id, acked, channel, name, text);
  }
  bool valid() const {
    return client_id != 0 && msg_id > acked && valid_chat_channel(channel.view()) &&
           !name.empty() && valid_name(name.view()) && valid_chat_text(text.view());
  }
};

struct ChatAck {
  static constexpr MsgType kType = MsgType::kChatAck;
  static constexpr std::uint8_t kDelivered = 0;    // Every msg id <= through is durable.
  static constexpr std::uint8_t kRateLimited = 1;  // msg_id was not taken: retry later.
  std::uint64_t client_id = 0;
  std::uint32_t through = 0;
  std::uint8_t status = kDelivered;
  std::uint32_t msg_id = 0;          // kRateLimited: the message refused for now.
  std::uint16_t retry_after_ms = 0;  // kRateLimited: when a token is next free.
  template <class A>
  void serialize(A& ar) {
    ar(client_id, through, status, msg_id, retry_after_ms);
  }
  bool valid() const { return client_id != 0 && status <= kRateLimited; }
};

struct ChatSubscribe {
  static constexpr MsgType kType = MsgType::kChatSubscribe;
  std::uint64_t client_id = 0;
  ChatChannel channel;
  std::uint64_t after = 0;  // The last line the client holds (0: none of the channel's).
  // The client holds nothing of the channel yet: the leader starts it at the last 100 lines.
  std::uint8_t fresh = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, channel, after, fresh);
  }
  bool valid() const { return client_id != 0 && valid_chat_channel(channel.view()) && fresh <= 1; }
};

constexpr std::uint8_t kChatPageMax = 100;

struct ChatHistory {
  static constexpr MsgType kType = MsgType::kChatHistory;
  std::uint64_t client_id = 0;
  ChatChannel channel;
  std::uint64_t before = 0;  // Lines numbered below this one.
  std::uint8_t count = kChatPageMax;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, channel, before, count);
  }
  bool valid() const {
    return client_id != 0 && valid_chat_channel(channel.view()) && before > 1 && count >= 1 &&
           count <= kChatPageMax;
  }
};

struct ChatLine {
  std::uint64_t n = 0;  // Its place in the channel: 1, 2, ...
  std::uint64_t client_id = 0;
  std::uint32_t msg_id = 0;
  PlayerName name;
  ChatText text;
  template <class A>
  void serialize(A& ar) {
    ar(n, client_id, msg_id, name, text);
  }
  bool valid() const {
    return n != 0 && client_id != 0 && msg_id != 0 && valid_name(name.view()) &&
           valid_chat_text(text.view());
  }
};

// Three of the longest lines fit one datagram.
constexpr std::size_t kChatLinesPerDatagram = 3;

struct ChatLines {
  static constexpr MsgType kType = MsgType::kChatLines;
  static constexpr std::uint8_t kLive = 0;     // The channel's newest lines, in order.
  static constexpr std::uint8_t kHistory = 1;  // An answer to ChatHistory.
  ChatChannel channel;
  std::uint64_t head = 0;   // The channel's last committed line (0: none yet).
  std::uint64_t first = 0;  // The oldest line the cluster still keeps (0: none).
  // kLive: where this subscription started (lines after it are sent, in order, from here on).
  std::uint64_t start = 0;
  std::uint8_t page = kLive;
  FixedVec<ChatLine, kChatLinesPerDatagram> lines;  // Increasing n.
  template <class A>
  void serialize(A& ar) {
    ar(channel, head, first, start, page, lines);
  }
  bool valid() const;
};

}  // namespace dp::wire
