// A chat client as a pure state machine: it finds the chat cluster's leader by broadcast on
// the chat discovery port, sends its messages in order (resending each until acknowledged,
// waiting when the leader says it is over its rate), follows one channel (the lobby, or a
// game room's), and re-homes to a new leader after a silence or when one announces a newer
// epoch. It never waits on, nor knows of, a game cluster.
//
// Messages are numbered 1, 2, ... under a client id drawn at start; the leader orders them in
// that order only, so a resend after a failover is recognised and never shown twice. Lines
// arrive numbered in the channel's order; the client takes them only in that order (a gap is
// asked again at once), so what it shows has no hole and no duplicate.
//
// The node never reads a clock or a socket (see dp::Node).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/leader_hint.h"
#include "core/client/session_link.h"
#include "core/common/node.h"
#include "core/common/rng.h"
#include "core/wire/codec.h"

namespace dp {

struct ChatClientConfig {
  NodeId id;  // Sender id in headers.
  // `client` (the node's one socket) and `discovery_port` (the chat cluster's, 50001).
  LocalEndpoints endpoints;
  std::string name = "player";  // Printable ASCII, 1-16 bytes (longer is cut).
  std::string channel = "lobby";
  std::uint64_t seed = 1;
  std::uint64_t client_id = 0;  // 0: drawn from the seed.
  // Secret bytes for session key pairs against a keyed chat cluster (session_link.h); all
  // zero: drawn from the seed. With a session the client id is its key's, not client_id.
  SessionSeed session_seed{};

  TimeUs discovery_retry_us = 250 * kUsPerMs;
  TimeUs discovery_window_us = 20 * kUsPerMs;
  // Nothing from the leader for this long: find the cluster again.
  TimeUs silence_timeout_us = 500 * kUsPerMs;
  // A message not acknowledged this long is sent again.
  TimeUs resend_after_us = 200 * kUsPerMs;
  // The subscription is renewed this often (the leader's answer is our heartbeat).
  TimeUs subscribe_interval_us = 150 * kUsPerMs;
  // While connected, the cluster is asked again this often who leads: a leader cut off from
  // its majority keeps answering but orders nothing, and the newer leader is found this way.
  TimeUs recheck_interval_us = 1000 * kUsPerMs;
  std::size_t window = 16;         // Messages in flight at once.
  std::size_t max_queue = 100000;  // Messages waiting to be sent; send() refuses beyond.
  std::size_t lines_kept = 500;    // Lines kept for display.
  bool record_lines = false;       // Keep every line's (n, sender, msg id) for checks.
  // A bot (the simulator's chat clients): from bot_start_us on, queue "<name> #k" every
  // bot_interval_us, bot_messages in all.
  std::uint32_t bot_messages = 0;
  TimeUs bot_start_us = 0;
  TimeUs bot_interval_us = 100 * kUsPerMs;
};

enum class ChatPhase : std::uint8_t { kDiscovering, kConnected };

// One of our messages, as the sender sees it: sending, then delivered.
struct ChatOutgoing {
  std::uint32_t msg_id = 0;
  std::string channel;
  std::string text;
  TimeUs queued_us = 0;
  TimeUs delivered_us = 0;  // 0 while sending.
  TimeUs sent_us = 0;       // Last sent (0: not yet).
  bool delivered() const { return delivered_us != 0; }
};

// A line shown, with when it arrived.
struct ChatShownLine {
  wire::ChatLine line;
  TimeUs at_us = 0;
};

// Compact record of a line taken in (record_lines).
struct ChatSeen {
  std::uint64_t n = 0;
  std::uint64_t client_id = 0;
  std::uint32_t msg_id = 0;
  TimeUs at_us = 0;
};

struct ChatClientStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_rejected = 0;
  std::array<std::uint64_t, wire::kMaxDecodeErrorValue + 1> rejected_by_error{};
  std::uint64_t sends = 0;  // ChatSend datagrams (resends included).
  std::uint64_t resends = 0;
  std::uint64_t rate_limited = 0;  // Times the leader said "later".
  std::uint64_t lines = 0;         // Lines taken in.
  std::uint64_t duplicates = 0;    // Lines already held (dropped).
  std::uint64_t gaps = 0;          // Times lines came past a hole (held, the hole asked again).
  std::uint64_t rehomes = 0;       // Leaders chosen after the first.
  std::uint64_t sessions = 0;      // Sessions a keyed chat cluster granted us.
  std::uint64_t rediscoveries = 0;
};

class ChatClient final : public Node {
 public:
  explicit ChatClient(const ChatClientConfig& config);

  void start(TimeUs now) override;
  void on_datagram(TimeUs now, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override;
  void on_tick(TimeUs now) override;
  TimeUs next_tick_at() const override;

  // Queues a message; its msg id, or 0 when refused (the text breaks wire::check_chat_text,
  // or the queue is full).
  std::uint32_t send(TimeUs now, std::string_view text);
  // Follows another channel from now on (its last lines come first).
  void switch_channel(TimeUs now, std::string_view channel);
  // Asks for the page of lines before the oldest shown.
  void request_older(TimeUs now);

  ChatPhase phase() const { return phase_; }
  // A leader answered within the silence timeout.
  bool connected(TimeUs now) const {
    return phase_ == ChatPhase::kConnected && now - heard_us_ < config_.silence_timeout_us;
  }
  const Epoch& leader_epoch() const { return leader_epoch_; }
  std::uint64_t client_id() const { return client_id_; }
  const std::string& channel() const { return channel_; }
  const std::string& name() const { return config_.name; }
  // Lines of the channel, oldest first (older pages asked for come in front).
  const std::deque<ChatShownLine>& lines() const { return lines_; }
  // Our messages: those not yet acknowledged and the most recent delivered ones.
  const std::deque<ChatOutgoing>& outgoing() const { return outgoing_; }
  std::uint32_t acked() const { return acked_; }
  std::uint32_t queued() const { return next_msg_id_ - 1; }
  std::uint64_t last_line() const { return last_n_; }
  std::uint64_t head() const { return head_; }
  const std::vector<ChatSeen>& seen() const { return seen_; }
  // When each of our messages was queued and acknowledged, by msg id (record_lines).
  const std::vector<std::pair<TimeUs, TimeUs>>& send_times() const { return send_times_; }
  const ChatClientStats& stats() const { return stats_; }
  const ChatClientConfig& config() const { return config_; }

 private:
  using Message =
      std::variant<wire::DiscoverResponse, wire::ChatAck, wire::ChatLines, wire::ChatSend,
                   wire::ChatSubscribe, wire::ChatHistory, wire::SessionGrant>;
  using Candidate = LeaderHint;

  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::DiscoverResponse& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::ChatAck& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::ChatLines& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::SessionGrant& m);
  template <class Other>
  void handle(TimeUs, Endpoint, const wire::Header&, const Other&) {}
  // Whether a leader's message may be taken: from the leader we follow, or from a newer one
  // (which we then follow).
  bool from_leader(TimeUs now, Endpoint from, const wire::Header& h);
  void take_history(TimeUs now, const wire::ChatLines& m);
  void connect(TimeUs now, const Candidate& c);
  void rediscover(TimeUs now);
  void send_discovery(TimeUs now);
  void subscribe(TimeUs now);
  void send_window(TimeUs now);
  void take_line(TimeUs now, const wire::ChatLine& line);
  void keep_line(TimeUs now, const wire::ChatLine& line, bool front);
  // A request to the leader, sealed with our session when the cluster wants one.
  template <class Msg>
  void send_to(Endpoint to, const Msg& msg) {
    session_.send(now_, outbox_, config_.id, to, msg, config_.subscribe_interval_us);
  }

  ChatClientConfig config_;
  Rng rng_;
  wire::Header header_;
  Message message_;
  ChatClientStats stats_;

  ChatPhase phase_ = ChatPhase::kDiscovering;
  std::uint64_t client_id_ = 0;
  SessionLink session_;
  TimeUs now_ = 0;  // Of the call being handled (for the session's request timing).
  std::optional<Candidate> best_;
  TimeUs choose_at_us_ = 0;
  TimeUs next_discovery_us_ = 0;
  Epoch leader_epoch_;
  Endpoint leader_client_;
  TimeUs heard_us_ = 0;
  TimeUs next_subscribe_us_ = 0;
  TimeUs next_recheck_us_ = 0;
  bool ever_connected_ = false;

  std::string channel_;
  bool baseline_ = false;  // The first answer for the channel set where its lines start.
  std::uint64_t last_n_ = 0;
  std::uint64_t head_ = 0;
  std::uint64_t oldest_n_ = 0;  // Of the lines held (0: none).
  TimeUs gap_asked_us_ = -1;
  std::deque<ChatShownLine> lines_;
  std::map<std::uint64_t, wire::ChatLine> older_;  // A page's lines not yet joined on.
  std::map<std::uint64_t, wire::ChatLine> early_;  // Live lines ahead of a hole.

  std::uint32_t next_msg_id_ = 1;
  std::uint32_t acked_ = 0;
  std::deque<ChatOutgoing> outgoing_;  // From acked_ - kept delivered ones, in msg id order.
  TimeUs hold_until_us_ = 0;           // Rate-limited: send nothing before.
  std::vector<ChatSeen> seen_;
  std::vector<std::pair<TimeUs, TimeUs>> send_times_;
  std::uint32_t bot_sent_ = 0;
  TimeUs bot_next_us_ = 0;
};

}  // namespace dp
