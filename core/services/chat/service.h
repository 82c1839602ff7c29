// Chat as a service of the replicated log, run by a cluster of its own (pong-chat): the
// ChatBook on every replica and, on the leader, the chat clients it serves.
//
// On the leader, each tick: the messages received since the last tick are ordered (a Post
// entry each) if they are their sender's next message and the sender's token bucket has a
// token; a resend of a message already ordered is recognised by (client id, msg id) and only
// acknowledged again. A message is acknowledged to its sender, and shown to the channel's
// subscribers, only once its entry is committed: on a majority of the chat servers, and on
// their disks (a Post is durable).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/replication/commit_gate.h"
#include "core/replication/service.h"
#include "core/services/chat/book.h"
#include "core/services/chat/rate_limit.h"
#include "core/wire/chat_messages.h"

namespace dp::chat {

// Lines a late joiner is sent first.
constexpr std::uint64_t kHistoryLines = 100;

struct ChatConfig {
  RateLimit rate;
  // Subscriptions a server keeps; a subscriber silent this long is dropped (clients renew
  // theirs every ChatClientConfig::subscribe_interval_us).
  std::size_t max_subscribers = 1024;
  TimeUs subscriber_timeout_us = 5 * kUsPerSecond;
  // Datagrams of lines one subscriber is sent per tick (a late joiner catches up over ticks).
  int datagrams_per_tick = 24;
};

struct ChatStats {
  std::uint64_t posted = 0;        // Messages ordered.
  std::uint64_t resends = 0;       // Messages already ordered, sent again.
  std::uint64_t out_of_order = 0;  // Ahead of a gap that did not fill in time (dropped).
  std::uint64_t rate_limited = 0;  // Refused for now by the sender's token bucket.
  std::uint64_t acks_sent = 0;
  std::uint64_t lines_sent = 0;
  std::uint64_t subscribers_dropped = 0;  // Silent too long, or over the bound.
  std::uint64_t ticks_held_back = 0;      // The commit gate was full.
};

class ChatService final : public Service {
 public:
  static constexpr wire::ServiceId kServiceId = wire::kChatService;

  explicit ChatService(const ChatConfig& config = {}) : config_(config) {}

  wire::ServiceId service_id() const override { return kServiceId; }
  const char* service_name() const override { return "chat"; }

  ApplyStatus apply(const wire::EntryView& entry) override {
    return ApplyStatus{static_cast<std::uint8_t>(book_.apply(entry))};
  }
  const char* apply_error_name(std::uint8_t error) const override {
    return chat::apply_error_name(static_cast<ApplyError>(error));
  }
  void save_snapshot(std::vector<std::uint8_t>& out) const override { book_.save_snapshot(out); }
  bool load_snapshot(std::span<const std::uint8_t> bytes) override {
    return book_.load_snapshot(bytes);
  }
  std::uint64_t digest() const override { return book_.digest(); }

  // Every message is durable: an acknowledged message survives any crash of a minority.
  bool durable(const wire::EntryView&) const override { return true; }
  void write_records(const wire::EntryView&, RecordSink& sink) const override {
    book_.write_records(sink);
  }
  void write_all_records(RecordSink& sink) const override { book_.write_all_records(sink); }
  bool load_records(std::span<const StoredRecord> records) override {
    return book_.load_records(records);
  }

  void begin_hosting(TimeUs now) override;
  void end_hosting() override;
  std::optional<wire::DecodeError> on_client_datagram(TimeUs now, Endpoint from,
                                                      const wire::Header& header,
                                                      std::span<const std::uint8_t> body) override;
  void plan(TimeUs now, LogWriter& log) override;
  void on_commit(std::uint64_t commit_seq) override;
  void publish(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) override;

  const ChatBook& book() const { return book_; }
  const ChatStats& stats() const { return stats_; }
  std::size_t subscribers() const { return subscribers_.size(); }

 private:
  struct Delivered {  // A committed-only effect: one message ordered.
    std::uint64_t client_id = 0;
    std::uint32_t msg_id = 0;
    std::string channel;
    std::uint64_t n = 0;
  };
  struct Session {  // A sender, as the leader knows it.
    Endpoint from;
    TimeUs heard_us = 0;
    std::uint32_t committed = 0;  // Its messages up to this one are committed.
    bool ack_due = false;
    TokenBucket bucket;
  };
  struct Subscriber {
    std::uint64_t client_id = 0;
    std::uint64_t start = 0;   // Where the subscription started.
    std::uint64_t cursor = 0;  // The last line sent.
    TimeUs heard_us = 0;
    bool answer_due = false;  // Renewed since the last answer: reply even with no line.
  };
  using SubscriberKey = std::pair<Endpoint, std::string>;

  // Whether `send` is to be ordered now: its sender's next message, with a token free.
  // Otherwise a resend is acknowledged again and a limited message told when to retry.
  bool take_send(TimeUs now, Endpoint from, const wire::ChatSend& send);
  void subscribe(TimeUs now, Endpoint from, const wire::ChatSubscribe& m);
  std::uint64_t committed_head(const std::string& channel) const;
  // Sends lines (first, last] of `channel` (as many datagrams as it takes, at most `budget`);
  // returns the last line sent.
  std::uint64_t send_lines(const ClientLink& link, Endpoint to, const std::string& channel,
                           std::uint64_t after, std::uint64_t last, std::uint8_t page, int budget,
                           bool even_if_empty, std::uint64_t start = 0);
  void expire(TimeUs now);

  ChatConfig config_;
  ChatBook book_;
  ChatStats stats_;

  bool hosting_ = false;
  std::vector<std::pair<Endpoint, wire::ChatSend>> received_;
  struct Ahead {  // A message waiting for its sender's earlier ones.
    Endpoint from;
    wire::ChatSend send;
    TimeUs at_us = 0;
  };
  std::map<std::pair<std::uint64_t, std::uint32_t>, Ahead> ahead_;
  std::vector<std::pair<Endpoint, wire::ChatAck>> limited_;
  std::vector<std::pair<Endpoint, wire::ChatHistory>> history_;
  std::map<std::uint64_t, Session> sessions_;
  std::map<SubscriberKey, Subscriber> subscribers_;
  std::map<std::string, std::uint64_t, std::less<>> committed_;
  CommitGate<Delivered> gate_;
  TimeUs last_expiry_us_ = 0;

  wire::ChatMessage message_;
  std::vector<std::uint8_t> payload_;
  wire::ChatLines lines_;
};

// What a chat server's log carries: the chat alone.
std::vector<std::unique_ptr<Service>> chat_services(const ChatConfig& config = {});

}  // namespace dp::chat
