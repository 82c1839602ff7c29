#include "core/client/chat_client.h"

#include <algorithm>
#include <limits>
#include <string>

#include "core/client/leader_hint.h"
#include "core/wire/decode_counted.h"

namespace dp {
namespace {

// Delivered messages kept in outgoing() for display.
constexpr std::size_t kDeliveredKept = 20;
// A hole in the lines is asked again at most this often.
constexpr TimeUs kGapRetryUs = 50 * kUsPerMs;
// Lines that overtook earlier ones are held, at most this far ahead.
constexpr std::uint64_t kMaxEarlyLines = 64;
constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();

}  // namespace

ChatClient::ChatClient(const ChatClientConfig& config)
    : config_(config), rng_(config.seed), channel_(config.channel) {
  if (config_.name.size() > wire::kPlayerNameMax) config_.name.resize(wire::kPlayerNameMax);
}

void ChatClient::start(TimeUs now) {
  now_ = now;
  client_id_ = config_.client_id;
  while (client_id_ == 0) client_id_ = rng_.next_u64();
  heard_us_ = now;
  bot_next_us_ = std::max(now, config_.bot_start_us);
  send_discovery(now);
}

std::uint32_t ChatClient::send(TimeUs now, std::string_view text) {
  if (!wire::valid_chat_text(text) || outgoing_.size() >= config_.max_queue) return 0;
  ChatOutgoing out;
  out.msg_id = next_msg_id_++;
  out.channel = channel_;
  out.text = std::string(text);
  out.queued_us = now;
  outgoing_.push_back(std::move(out));
  if (config_.record_lines) send_times_.emplace_back(now, 0);
  if (phase_ == ChatPhase::kConnected) send_window(now);
  return next_msg_id_ - 1;
}

void ChatClient::switch_channel(TimeUs now, std::string_view channel) {
  if (!wire::valid_chat_channel(channel) || channel == channel_) return;
  channel_ = std::string(channel);
  baseline_ = false;
  last_n_ = 0;
  head_ = 0;
  oldest_n_ = 0;
  lines_.clear();
  older_.clear();
  early_.clear();
  if (phase_ == ChatPhase::kConnected) subscribe(now);
}

void ChatClient::request_older(TimeUs) {
  if (phase_ != ChatPhase::kConnected || oldest_n_ <= 1) return;
  wire::ChatHistory page;
  page.client_id = client_id_;
  page.channel.assign(channel_);
  page.before = oldest_n_;
  page.count = wire::kChatPageMax;
  send_to(leader_client_, page);
}

void ChatClient::on_datagram(TimeUs now, Channel channel, Endpoint from,
                             std::span<const std::uint8_t> bytes) {
  now_ = now;
  if (!wire::admit_header(now, wire::Receiver::kClient, channel, bytes, header_, stats_, outbox_) ||
      !wire::decode_counted(now, channel, header_, bytes, message_, stats_, outbox_)) {
    return;
  }
  if (header_.sender == config_.id) return;
  std::visit([&](const auto& msg) { handle(now, from, header_, msg); }, message_);
}

void ChatClient::handle(TimeUs now, Endpoint from, const wire::Header& h,
                        const wire::DiscoverResponse& m) {
  const std::optional<LeaderHint> hint = leader_hint(from, h, m);
  if (!hint) return;
  if (session_.note_required(m.sessions == 1)) {
    session_.configure(config_.session_seed, rng_);
    client_id_ = session_.new_identity();
  }
  const Candidate& c = *hint;
  // Never back to a leader older than one we followed.
  if (c.epoch < leader_epoch_) return;
  if (phase_ == ChatPhase::kConnected) {
    // A recheck names a newer leader than ours: ours is cut off, or was replaced.
    if (leader_epoch_ < c.epoch) connect(now, c);
    return;
  }
  if (!best_ || c.epoch > best_->epoch ||
      (c.epoch == best_->epoch && c.from_leader && !best_->from_leader)) {
    best_ = c;
  }
  if (choose_at_us_ == 0) choose_at_us_ = now + config_.discovery_window_us;
}

bool ChatClient::from_leader(TimeUs now, Endpoint from, const wire::Header& h) {
  if (h.epoch.is_none() || h.epoch.leader != h.sender) return false;
  if (phase_ == ChatPhase::kConnected && h.epoch == leader_epoch_ && from == leader_client_) {
    heard_us_ = now;
    return true;
  }
  if (h.epoch > leader_epoch_) {
    // A newer leader speaks to us (it took over our subscription or acknowledges a resend).
    connect(now, Candidate{h.epoch, from, true});
    heard_us_ = now;
    return true;
  }
  return false;
}

void ChatClient::handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::ChatAck& m) {
  if (m.client_id != client_id_ || !from_leader(now, from, h)) return;
  if (m.status == wire::ChatAck::kRateLimited) {
    ++stats_.rate_limited;
    hold_until_us_ = std::max(hold_until_us_, now + TimeUs{m.retry_after_ms} * kUsPerMs);
    // The refused message and those after it go again once the wait is over.
    for (ChatOutgoing& out : outgoing_) {
      if (out.msg_id >= m.msg_id) out.sent_us = 0;
    }
  }
  if (m.through <= acked_ || m.through >= next_msg_id_) return;
  for (ChatOutgoing& out : outgoing_) {
    if (out.msg_id > acked_ && out.msg_id <= m.through) {
      out.delivered_us = now;
      if (config_.record_lines) send_times_[out.msg_id - 1].second = now;
    }
  }
  acked_ = m.through;
  // Keep a few delivered ones on screen; the rest go.
  std::size_t delivered = 0;
  for (const ChatOutgoing& out : outgoing_) delivered += out.delivered() ? 1 : 0;
  while (delivered > kDeliveredKept && outgoing_.front().delivered()) {
    outgoing_.pop_front();
    --delivered;
  }
  send_window(now);
}

void ChatClient::handle(TimeUs now, Endpoint from, const wire::Header& h,
                        const wire::ChatLines& m) {
  if (!from_leader(now, from, h) || m.channel.view() != channel_) return;
  if (m.page == wire::ChatLines::kHistory) {
    take_history(now, m);
    return;
  }
  head_ = std::max(head_, m.head);
  if (!baseline_) {
    // The first answer on this channel: its lines start where the leader began sending.
    baseline_ = true;
    last_n_ = m.start;
    oldest_n_ = 0;
  } else if (m.first > last_n_ + 1 && m.first != 0) {
    // Lines we never saw are no longer kept anywhere: go on from the oldest kept.
    last_n_ = m.first - 1;
  }
  for (const wire::ChatLine& line : m.lines) {
    if (line.n <= last_n_) {
      ++stats_.duplicates;
    } else if (line.n == last_n_ + 1) {
      take_line(now, line);
    } else if (line.n <= last_n_ + kMaxEarlyLines) {
      early_.emplace(line.n, line);  // Overtook the lines before it: held until they come.
    }
  }
  // Lines held back that now follow on.
  for (auto it = early_.begin(); it != early_.end() && it->first <= last_n_ + 1;
       it = early_.erase(it)) {
    if (it->first == last_n_ + 1) take_line(now, it->second);
  }
  if (!early_.empty()) {
    // A hole: ask for what we lack (the leader sends from our last line again).
    ++stats_.gaps;
    if (gap_asked_us_ < 0 || now - gap_asked_us_ >= kGapRetryUs) {
      gap_asked_us_ = now;
      subscribe(now);
    }
  }
}

void ChatClient::take_line(TimeUs now, const wire::ChatLine& line) {
  last_n_ = line.n;
  ++stats_.lines;
  if (config_.record_lines) seen_.push_back(ChatSeen{line.n, line.client_id, line.msg_id, now});
  keep_line(now, line, false);
}

void ChatClient::take_history(TimeUs now, const wire::ChatLines& m) {
  if (oldest_n_ <= 1) return;
  // A page comes in several datagrams, in any order: hold its lines until they join on in
  // front of the oldest held.
  for (const wire::ChatLine& line : m.lines) {
    if (line.n < oldest_n_ && line.n + wire::kChatPageMax >= oldest_n_) older_[line.n] = line;
  }
  for (auto it = older_.find(oldest_n_ - 1); it != older_.end(); it = older_.find(oldest_n_ - 1)) {
    keep_line(now, it->second, true);
    older_.erase(it);
  }
  while (!older_.empty() && older_.rbegin()->first >= oldest_n_)
    older_.erase(older_.rbegin()->first);
}

void ChatClient::keep_line(TimeUs now, const wire::ChatLine& line, bool front) {
  if (front) {
    // An older page may hold more than the display keeps: it grows to a page beyond it.
    lines_.push_front(ChatShownLine{line, now});
    while (lines_.size() > config_.lines_kept + wire::kChatPageMax) lines_.pop_back();
  } else {
    lines_.push_back(ChatShownLine{line, now});
    while (lines_.size() > config_.lines_kept) lines_.pop_front();
  }
  oldest_n_ = lines_.front().line.n;
}

void ChatClient::on_tick(TimeUs now) {
  now_ = now;
  while (bot_sent_ < config_.bot_messages && now >= bot_next_us_) {
    ++bot_sent_;
    send(now, config_.name + " #" + std::to_string(bot_sent_));
    bot_next_us_ += std::max<TimeUs>(1, config_.bot_interval_us);
  }
  if (phase_ == ChatPhase::kDiscovering) {
    if (choose_at_us_ != 0 && now >= choose_at_us_) {
      const Candidate c = *best_;
      best_.reset();
      choose_at_us_ = 0;
      connect(now, c);
    } else if (now >= next_discovery_us_) {
      send_discovery(now);
    }
    return;
  }
  if (now - heard_us_ >= config_.silence_timeout_us) {
    rediscover(now);
    return;
  }
  if (now >= next_subscribe_us_) subscribe(now);
  if (now >= next_recheck_us_) {
    send_discovery(now);
    next_recheck_us_ = now + config_.recheck_interval_us;
  }
  send_window(now);
}

TimeUs ChatClient::next_tick_at() const {
  const TimeUs bot = bot_sent_ < config_.bot_messages ? bot_next_us_ : kNever;
  if (phase_ == ChatPhase::kDiscovering) {
    return std::min(
        bot, choose_at_us_ != 0 ? std::min(choose_at_us_, next_discovery_us_) : next_discovery_us_);
  }
  TimeUs next = std::min(bot, next_recheck_us_);
  next = std::min(next, std::min(next_subscribe_us_, heard_us_ + config_.silence_timeout_us));
  // The oldest message in flight is resent after resend_after_us (or when the wait is over).
  std::size_t in_window = 0;
  for (const ChatOutgoing& out : outgoing_) {
    if (out.delivered()) continue;
    if (++in_window > config_.window) break;
    const TimeUs due = out.sent_us == 0 ? 0 : out.sent_us + config_.resend_after_us;
    next = std::min(next, std::max(due, hold_until_us_));
  }
  return next;
}

void ChatClient::connect(TimeUs now, const Candidate& c) {
  if (ever_connected_ && c.epoch != leader_epoch_) ++stats_.rehomes;
  ever_connected_ = true;
  phase_ = ChatPhase::kConnected;
  leader_epoch_ = c.epoch;
  leader_client_ = c.client;
  heard_us_ = now;
  next_recheck_us_ = now + config_.recheck_interval_us;
  // Everything in flight goes to the new leader at once.
  for (ChatOutgoing& out : outgoing_) out.sent_us = 0;
  subscribe(now);
  send_window(now);
}

void ChatClient::rediscover(TimeUs now) {
  ++stats_.rediscoveries;
  session_.renew();  // Same key pair and id; a new ticket (a rotated key may retire one).
  phase_ = ChatPhase::kDiscovering;
  best_.reset();
  choose_at_us_ = 0;
  send_discovery(now);
}

void ChatClient::send_discovery(TimeUs now) {
  const auto request = wire::client_discover_request(config_.endpoints.client);
  auto buf = outbox_.begin_datagram();
  auto size = wire::encode(config_.id, Epoch{}, request, buf);
  if (!size) {
    outbox_.abort_datagram();
  } else {
    outbox_.commit_datagram(Channel::kClient, true, Endpoint{0, config_.endpoints.discovery_port},
                            *size, static_cast<std::uint8_t>(wire::DiscoverRequest::kType));
  }
  next_discovery_us_ =
      now + config_.discovery_retry_us + rng_.range(0, config_.discovery_retry_us / 10);
}

void ChatClient::subscribe(TimeUs now) {
  wire::ChatSubscribe sub;
  sub.client_id = client_id_;
  sub.channel.assign(channel_);
  sub.after = baseline_ ? last_n_ : 0;
  sub.fresh = baseline_ ? 0 : 1;
  send_to(leader_client_, sub);
  next_subscribe_us_ = now + config_.subscribe_interval_us;
}

void ChatClient::send_window(TimeUs now) {
  if (phase_ != ChatPhase::kConnected || now < hold_until_us_) return;
  std::size_t in_window = 0;
  for (ChatOutgoing& out : outgoing_) {
    if (out.delivered()) continue;
    if (++in_window > config_.window) break;
    if (out.sent_us != 0 && now - out.sent_us < config_.resend_after_us) continue;
    if (out.sent_us != 0) ++stats_.resends;
    wire::ChatSend m;
    m.client_id = client_id_;
    m.msg_id = out.msg_id;
    m.acked = acked_;
    m.channel.assign(out.channel);
    m.name.assign(config_.name);
    m.text.assign(out.text);
    send_to(leader_client_, m);
    out.sent_us = now;
    ++stats_.sends;
  }
}

void ChatClient::handle(TimeUs now, Endpoint from, const wire::Header&,
                        const wire::SessionGrant& m) {
  if (!session_.on_grant(from, m)) return;
  ++stats_.sessions;
  if (phase_ != ChatPhase::kConnected) return;
  // What waited for the session goes out now rather than at its next retry.
  for (ChatOutgoing& out : outgoing_) out.sent_us = 0;
  subscribe(now);
  send_window(now);
}

}  // namespace dp
