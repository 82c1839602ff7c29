#include "core/services/chat/book.h"

#include "core/common/byte_io.h"
#include "core/services/chat/text_codec.h"

namespace dp::chat {

const char* apply_error_name(ApplyError error) {
  switch (error) {
    case ApplyError::kOk:
      return "ok";
    case ApplyError::kInvalidEntry:
      return "invalid-entry";
    case ApplyError::kOutOfOrder:
      return "out-of-order";
  }
  return "unknown";
}

void Post::encode(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(client_id);
  w.put(msg_id);
  put_text(w, channel.view());
  put_text(w, name.view());
  put_text(w, text.view());
}

std::optional<Post> Post::decode(std::span<const std::uint8_t> payload) {
  ByteReader r(payload);
  Post p;
  p.client_id = r.get<std::uint64_t>();
  p.msg_id = r.get<std::uint32_t>();
  if (!get_channel(r, p.channel) || !get_player(r, p.name) || !get_chat_text(r, p.text)) {
    return std::nullopt;
  }
  if (r.failed() || r.remaining() != 0 || p.client_id == 0 || p.msg_id == 0 || p.name.empty()) {
    return std::nullopt;
  }
  return p;
}

std::uint32_t ChatBook::expected(std::uint64_t client_id, std::uint32_t acked) const {
  const auto it = senders_.find(client_id);
  return (it == senders_.end() ? acked : it->second.last_msg_id) + 1;
}

const ChannelLog* ChatBook::channel(std::string_view name) const {
  const auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : &it->second;
}

const Line* ChatBook::find(std::string_view channel, std::uint64_t client_id,
                           std::uint32_t msg_id) const {
  const ChannelLog* log = this->channel(channel);
  if (log == nullptr) return nullptr;
  for (auto it = log->lines.rbegin(); it != log->lines.rend(); ++it) {
    if (it->client_id == client_id && it->msg_id == msg_id) return &*it;
  }
  return nullptr;
}

ApplyError ChatBook::apply(const wire::EntryView& entry) {
  changes_ = Changes{};
  if (entry.kind != static_cast<std::uint8_t>(EntryKind::kPost)) return ApplyError::kInvalidEntry;
  const std::optional<Post> post = Post::decode(entry.payload);
  if (!post) return ApplyError::kInvalidEntry;
  return apply(*post);
}

ApplyError ChatBook::apply(const Post& post) {
  changes_ = Changes{};
  const auto known = senders_.find(post.client_id);
  if (known != senders_.end() && post.msg_id != known->second.last_msg_id + 1) {
    return ApplyError::kOutOfOrder;
  }
  const std::string_view name = post.channel.view();
  if (channels_.find(name) == channels_.end() && channels_.size() >= kMaxChannels) {
    evict_channel();
  }
  if (known == senders_.end() && senders_.size() >= kMaxSenders) evict_sender();

  ChannelLog& log = channels_[std::string(name)];
  ++ordered_;
  Line line;
  line.n = log.next_n++;
  line.order = ordered_;
  line.client_id = post.client_id;
  line.msg_id = post.msg_id;
  line.name = post.name;
  line.text = post.text;
  log.lines.push_back(line);
  log.last_order = ordered_;
  ages_.emplace_back(ordered_, std::string(name));
  ++line_count_;
  senders_[post.client_id] = Sender{post.msg_id, ordered_};
  changes_.channel = std::string(name);
  changes_.client_id = post.client_id;
  while (line_count_ > kMaxLines) evict_line();
  return ApplyError::kOk;
}

void ChatBook::evict_line() {
  while (!ages_.empty()) {
    const auto [order, name] = ages_.front();
    ages_.pop_front();
    const auto it = channels_.find(name);
    // A line of a channel evicted whole is already gone.
    if (it == channels_.end() || it->second.lines.empty() ||
        it->second.lines.front().order != order) {
      continue;
    }
    it->second.lines.pop_front();
    --line_count_;
    changes_.lines_gone.push_back(order);
    return;
  }
}

void ChatBook::evict_channel() {
  auto quietest = channels_.begin();
  for (auto it = channels_.begin(); it != channels_.end(); ++it) {
    if (it->second.last_order < quietest->second.last_order) quietest = it;
  }
  if (quietest == channels_.end()) return;
  for (const Line& line : quietest->second.lines) changes_.lines_gone.push_back(line.order);
  // Its lines leave the age order too (it would otherwise grow with every evicted channel).
  const std::string& gone = quietest->first;
  std::erase_if(ages_, [&](const auto& age) { return age.second == gone; });
  line_count_ -= quietest->second.lines.size();
  changes_.channels_gone.push_back(quietest->first);
  channels_.erase(quietest);
}

void ChatBook::evict_sender() {
  auto quietest = senders_.begin();
  for (auto it = senders_.begin(); it != senders_.end(); ++it) {
    if (it->second.last_order < quietest->second.last_order) quietest = it;
  }
  if (quietest == senders_.end()) return;
  changes_.senders_gone.push_back(quietest->first);
  senders_.erase(quietest);
}

}  // namespace dp::chat
