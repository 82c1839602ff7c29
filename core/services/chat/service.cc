#include "core/services/chat/service.h"

#include <algorithm>

namespace dp::chat {
namespace {

// Bounds on what one tick takes in; beyond them a datagram is dropped (its sender resends).
constexpr std::size_t kMaxReceivedPerTick = 4096;
constexpr std::size_t kMaxHistoryPerTick = 8;
constexpr std::size_t kMaxLimitedPerTick = 1024;
// A sender silent this long (with nothing waiting for a commit) is forgotten by the leader.
constexpr TimeUs kSessionTimeoutUs = 60 * kUsPerSecond;
constexpr TimeUs kExpiryIntervalUs = kUsPerSecond;
// Messages that arrived ahead of their sender's next one wait this long for the gap to fill
// (datagrams sent together overtake one another); at most kMaxAhead of them in all.
constexpr TimeUs kAheadTimeoutUs = kUsPerSecond;
constexpr std::size_t kMaxAhead = 4096;

}  // namespace

void ChatService::begin_hosting(TimeUs now) {
  hosting_ = true;
  last_expiry_us_ = now;
  committed_.clear();
  // Everything this replica holds is committed now.
  for (const auto& [name, log] : book_.channels()) committed_[name] = log.head();
}

void ChatService::end_hosting() {
  hosting_ = false;
  received_.clear();
  ahead_.clear();
  limited_.clear();
  history_.clear();
  sessions_.clear();
  subscribers_.clear();
  committed_.clear();
  gate_.clear();
}

std::optional<wire::DecodeError> ChatService::on_client_datagram(
    TimeUs now, Endpoint from, const wire::Header& header, std::span<const std::uint8_t> body) {
  if (auto error = wire::decode_message(header.type, body, message_)) return error;
  if (std::holds_alternative<wire::ChatAck>(message_) ||
      std::holds_alternative<wire::ChatLines>(message_)) {
    return wire::DecodeError::kWrongChannel;
  }
  if (!hosting_) return std::nullopt;
  if (const auto* send = std::get_if<wire::ChatSend>(&message_)) {
    if (received_.size() < kMaxReceivedPerTick) received_.emplace_back(from, *send);
  } else if (const auto* sub = std::get_if<wire::ChatSubscribe>(&message_)) {
    subscribe(now, from, *sub);
  } else if (const auto* page = std::get_if<wire::ChatHistory>(&message_)) {
    if (history_.size() < kMaxHistoryPerTick) history_.emplace_back(from, *page);
  }
  return std::nullopt;
}

void ChatService::subscribe(TimeUs now, Endpoint from, const wire::ChatSubscribe& m) {
  const SubscriberKey key{from, std::string(m.channel.view())};
  auto it = subscribers_.find(key);
  if (it == subscribers_.end() || m.fresh != 0) {
    if (it == subscribers_.end() && subscribers_.size() >= config_.max_subscribers) {
      ++stats_.subscribers_dropped;
      return;
    }
    Subscriber s;
    s.client_id = m.client_id;
    const std::uint64_t head = committed_head(key.second);
    const ChannelLog* log = book_.channel(key.second);
    const std::uint64_t first = log != nullptr ? log->first() : 1;
    // A late joiner gets the last kHistoryLines; a returning one what it lacks.
    s.start = m.fresh != 0 ? (head > kHistoryLines ? head - kHistoryLines : 0) : m.after;
    s.start = std::min(std::max(s.start, first - 1), head);
    s.cursor = s.start;
    it = subscribers_.insert_or_assign(key, s).first;
  } else if (m.after < it->second.cursor) {
    // The client lacks lines we sent (lost, or still on their way): send them again.
    it->second.cursor = std::max(m.after, it->second.start);
  }
  it->second.heard_us = now;
  it->second.answer_due = true;
}

std::uint64_t ChatService::committed_head(const std::string& channel) const {
  const auto it = committed_.find(channel);
  return it == committed_.end() ? 0 : it->second;
}

bool ChatService::take_send(TimeUs now, Endpoint from, const wire::ChatSend& send) {
  auto [it, added] = sessions_.try_emplace(send.client_id);
  Session& session = it->second;
  if (added) {
    // All it has in the book is committed: nothing of it was ordered since we began hosting.
    const auto known = book_.senders().find(send.client_id);
    session.committed = known == book_.senders().end() ? 0 : known->second.last_msg_id;
  }
  session.from = from;
  session.heard_us = now;
  const std::uint32_t expected = book_.expected(send.client_id, send.acked);
  if (send.msg_id < expected) {
    // Already ordered: acknowledge again once (or as soon as) it is committed.
    ++stats_.resends;
    if (send.msg_id <= session.committed) session.ack_due = true;
    return false;
  }
  if (!session.bucket.take(now, config_.rate)) {
    ++stats_.rate_limited;
    if (limited_.size() < kMaxLimitedPerTick) {
      wire::ChatAck ack;
      ack.client_id = send.client_id;
      ack.through = session.committed;
      ack.status = wire::ChatAck::kRateLimited;
      ack.msg_id = send.msg_id;
      const TimeUs wait = session.bucket.wait_us(now, config_.rate);
      ack.retry_after_ms =
          static_cast<std::uint16_t>(std::min<TimeUs>(60'000, (wait + kUsPerMs - 1) / kUsPerMs));
      limited_.emplace_back(from, ack);
    }
    return false;
  }
  return true;
}

void ChatService::plan(TimeUs now, LogWriter& log) {
  if (gate_.size() + received_.size() + ahead_.size() > CommitGate<Delivered>::kMaxHeld) {
    ++stats_.ticks_held_back;
    return;
  }
  for (const auto& [from, send] : received_) {
    if (ahead_.size() < kMaxAhead) ahead_[{send.client_id, send.msg_id}] = Ahead{from, send, now};
  }
  received_.clear();
  // In (sender, msg id) order: a sender's messages are taken one after another, whatever
  // order they arrived in.
  for (auto it = ahead_.begin(); it != ahead_.end();) {
    const Endpoint from = it->second.from;
    const wire::ChatSend send = it->second.send;
    if (send.msg_id > book_.expected(send.client_id, send.acked)) {
      if (now - it->second.at_us > kAheadTimeoutUs) {
        ++stats_.out_of_order;  // Its sender resends it after the one before.
        it = ahead_.erase(it);
      } else {
        ++it;
      }
      continue;
    }
    it = ahead_.erase(it);
    if (!take_send(now, from, send)) continue;
    Post post;
    post.client_id = send.client_id;
    post.msg_id = send.msg_id;
    post.channel = send.channel;
    post.name = send.name;
    post.text = send.text;
    payload_.clear();
    post.encode(payload_);
    const LogWriter::Appended appended = log.append(
        wire::EntryView{kServiceId, static_cast<std::uint8_t>(EntryKind::kPost), payload_});
    if (!appended.status.ok()) continue;
    ++stats_.posted;
    const ChannelLog* channel = book_.channel(send.channel.view());
    gate_.hold(appended.seq, Delivered{send.client_id, send.msg_id,
                                       std::string(send.channel.view()), channel->head()});
  }
  if (now - last_expiry_us_ >= kExpiryIntervalUs) {
    last_expiry_us_ = now;
    expire(now);
  }
}

void ChatService::on_commit(std::uint64_t commit_seq) {
  gate_.release(commit_seq, [&](const Delivered& d) {
    committed_[d.channel] = d.n;
    const auto it = sessions_.find(d.client_id);
    if (it != sessions_.end()) {
      it->second.committed = std::max(it->second.committed, d.msg_id);
      it->second.ack_due = true;
    }
  });
}

void ChatService::publish(TimeUs, const ClientLink& link, std::uint64_t) {
  if (!hosting_) return;
  for (const auto& [to, ack] : limited_) link.send(to, ack);
  limited_.clear();
  for (auto& [client_id, session] : sessions_) {
    if (!session.ack_due) continue;
    session.ack_due = false;
    wire::ChatAck ack;
    ack.client_id = client_id;
    ack.through = session.committed;
    link.send(session.from, ack);
    ++stats_.acks_sent;
  }
  for (const auto& [to, page] : history_) {
    const std::string channel(page.channel.view());
    const std::uint64_t before = std::min(page.before, committed_head(channel) + 1);
    const std::uint64_t after = before > page.count ? before - 1 - page.count : 0;
    send_lines(link, to, channel, after, before - 1, wire::ChatLines::kHistory,
               wire::kChatPageMax / static_cast<int>(wire::kChatLinesPerDatagram) + 1, true);
  }
  history_.clear();
  for (auto& [key, s] : subscribers_) {
    const std::uint64_t head = committed_head(key.second);
    if (head <= s.cursor && !s.answer_due) continue;
    s.cursor = send_lines(link, key.first, key.second, s.cursor, head, wire::ChatLines::kLive,
                          config_.datagrams_per_tick, s.answer_due, s.start);
    s.answer_due = false;
  }
}

std::uint64_t ChatService::send_lines(const ClientLink& link, Endpoint to,
                                      const std::string& channel, std::uint64_t after,
                                      std::uint64_t last, std::uint8_t page, int budget,
                                      bool even_if_empty, std::uint64_t start) {
  const ChannelLog* log = book_.channel(channel);
  lines_ = wire::ChatLines{};
  lines_.channel.assign(channel);
  lines_.head = committed_head(channel);
  lines_.first = log != nullptr && !log->lines.empty() ? log->first() : 0;
  lines_.page = page;
  lines_.start = std::min(start, lines_.head);
  if (log != nullptr && !log->lines.empty()) {
    after = std::max(after, log->first() - 1);
    last = std::min(last, log->head());
  }
  std::uint64_t sent = after;
  bool any = false;
  if (log != nullptr && !log->lines.empty()) {
    for (std::uint64_t n = after + 1; n <= last && budget > 0; ++n) {
      const Line& line = log->lines[static_cast<std::size_t>(n - log->first())];
      wire::ChatLine out;
      out.n = line.n;
      out.client_id = line.client_id;
      out.msg_id = line.msg_id;
      out.name = line.name;
      out.text = line.text;
      lines_.lines.push_back(out);
      sent = n;
      ++stats_.lines_sent;
      if (lines_.lines.full()) {
        link.send(to, lines_);
        any = true;
        lines_.lines.clear();
        --budget;
      }
    }
  }
  if (!lines_.lines.empty() || (!any && even_if_empty)) link.send(to, lines_);
  return sent;
}

void ChatService::expire(TimeUs now) {
  for (auto it = subscribers_.begin(); it != subscribers_.end();) {
    if (now - it->second.heard_us > config_.subscriber_timeout_us) {
      ++stats_.subscribers_dropped;
      it = subscribers_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const auto known = book_.senders().find(it->first);
    const std::uint32_t last = known == book_.senders().end() ? 0 : known->second.last_msg_id;
    if (now - it->second.heard_us > kSessionTimeoutUs && it->second.committed >= last) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

std::vector<std::unique_ptr<Service>> chat_services(const ChatConfig& config) {
  std::vector<std::unique_ptr<Service>> services;
  services.push_back(std::make_unique<ChatService>(config));
  return services;
}

}  // namespace dp::chat
