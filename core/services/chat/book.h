// The chat service's replicated state: every channel's recent lines in their total order,
// and, per sender, the last message id ordered (so a resend is recognised, never ordered
// twice). Pure and deterministic: every replica applies the same Post entries in the same
// order and holds the same book.
//
// Bounded. At most kMaxLines lines are kept over all channels: the oldest line anywhere
// goes first (its record too). At most kMaxChannels channels: a new one replaces the one
// quiet the longest. At most kMaxSenders senders: a new one replaces the one quiet the
// longest (a sender forgotten that way and then resending an old message would be ordered
// again; it takes 4,096 newer senders in between).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/durable.h"
#include "core/wire/chat_text.h"
#include "core/wire/log_entry.h"
#include "core/wire/room_name.h"

namespace dp::chat {

constexpr std::size_t kMaxLines = 16384;
constexpr std::size_t kMaxChannels = 1024;
constexpr std::size_t kMaxSenders = 4096;

enum class EntryKind : std::uint8_t { kPost = 1 };

// One message to order: the body of a kPost entry.
struct Post {
  std::uint64_t client_id = 0;
  std::uint32_t msg_id = 0;
  wire::ChatChannel channel;
  wire::PlayerName name;
  wire::ChatText text;

  void encode(std::vector<std::uint8_t>& out) const;
  // Untrusted bytes: nullopt unless every field is well-formed.
  static std::optional<Post> decode(std::span<const std::uint8_t> payload);
};

struct Line {
  std::uint64_t n = 0;      // 1, 2, ... within its channel.
  std::uint64_t order = 0;  // 1, 2, ... over every channel: the record's key.
  std::uint64_t client_id = 0;
  std::uint32_t msg_id = 0;
  wire::PlayerName name;
  wire::ChatText text;
};

struct ChannelLog {
  std::uint64_t next_n = 1;      // The number the next line gets.
  std::uint64_t last_order = 0;  // Of its newest line: how recently it was used.
  std::deque<Line> lines;        // Oldest first.
  std::uint64_t head() const { return next_n - 1; }
  std::uint64_t first() const { return lines.empty() ? next_n : lines.front().n; }
};

struct Sender {
  std::uint32_t last_msg_id = 0;
  std::uint64_t last_order = 0;
};

enum class ApplyError : std::uint8_t {
  kOk = 0,
  kInvalidEntry = 1,  // Not a well-formed Post.
  kOutOfOrder = 2,    // Not the sender's next message id.
};
const char* apply_error_name(ApplyError error);

class ChatBook {
 public:
  ApplyError apply(const wire::EntryView& entry);
  ApplyError apply(const Post& post);

  // The msg id a sender's next message must carry: one past its last, or, for a sender the
  // book does not know, one past what it says was acknowledged.
  std::uint32_t expected(std::uint64_t client_id, std::uint32_t acked) const;
  const ChannelLog* channel(std::string_view name) const;
  const std::map<std::string, ChannelLog, std::less<>>& channels() const { return channels_; }
  const std::map<std::uint64_t, Sender>& senders() const { return senders_; }
  std::uint64_t ordered() const { return ordered_; }
  std::size_t line_count() const { return line_count_; }
  // The line a sender's message became, if the book still keeps it.
  const Line* find(std::string_view channel, std::uint64_t client_id, std::uint32_t msg_id) const;

  // Canonical encoding (snapshots and digest).
  void save_snapshot(std::vector<std::uint8_t>& out) const;
  bool load_snapshot(std::span<const std::uint8_t> bytes);
  std::uint64_t digest() const;

  // Durable records: tables kLineTable (key: order), kChannelTable (key: fnv1a of the name),
  // kSenderTable (key: client id). write_records() writes what the last apply() changed.
  static constexpr std::uint8_t kLineTable = 1;
  static constexpr std::uint8_t kChannelTable = 2;
  static constexpr std::uint8_t kSenderTable = 3;
  void write_records(RecordSink& sink) const;
  void write_all_records(RecordSink& sink) const;
  bool load_records(std::span<const StoredRecord> records);

 private:
  void evict_line();
  void evict_channel();
  void evict_sender();

  std::map<std::string, ChannelLog, std::less<>> channels_;
  std::map<std::uint64_t, Sender> senders_;
  std::uint64_t ordered_ = 0;
  std::size_t line_count_ = 0;
  // The order of every line kept, oldest first, with its channel (for the global bound).
  std::deque<std::pair<std::uint64_t, std::string>> ages_;

  // What the last apply() changed, for write_records().
  struct Changes {
    std::string channel;
    std::uint64_t client_id = 0;
    std::vector<std::uint64_t> lines_gone;
    std::vector<std::string> channels_gone;
    std::vector<std::uint64_t> senders_gone;
  };
  Changes changes_;
};

}  // namespace dp::chat
