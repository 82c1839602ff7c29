// ChatBook's canonical encoding (snapshots, digests) and its durable records.
//
// Snapshot layout (little-endian): magic u32 "DPCH", version u8, ordered u64, channel count
// u32, each channel in name order (name, next_n u64, last_order u64, line count u32, lines),
// sender count u32, each sender in id order (client id u64, last msg id u32, last order u64).
// A line: n u64, order u64, client id u64, msg id u32, name, text.
#include <algorithm>

#include "core/common/byte_io.h"
#include "core/common/fnv.h"
#include "core/services/chat/book.h"
#include "core/services/chat/text_codec.h"

namespace dp::chat {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x48435044;  // "DPCH" read little-endian.
constexpr std::uint8_t kSnapshotVersion = 1;

void put_line(ByteWriter& w, const Line& line) {
  w.put(line.n);
  w.put(line.order);
  w.put(line.client_id);
  w.put(line.msg_id);
  put_text(w, line.name.view());
  put_text(w, line.text.view());
}

bool get_line(ByteReader& r, Line& line) {
  line.n = r.get<std::uint64_t>();
  line.order = r.get<std::uint64_t>();
  line.client_id = r.get<std::uint64_t>();
  line.msg_id = r.get<std::uint32_t>();
  return get_player(r, line.name) && get_chat_text(r, line.text) && !r.failed() && line.n != 0 &&
         line.order != 0 && line.client_id != 0 && line.msg_id != 0;
}

// A channel's lines must be numbered and ordered strictly upwards, below next_n.
bool consistent(const ChannelLog& log) {
  std::uint64_t n = 0;
  std::uint64_t order = 0;
  for (const Line& line : log.lines) {
    if (line.n <= n || line.order <= order || line.n >= log.next_n) return false;
    n = line.n;
    order = line.order;
  }
  return log.lines.empty() || log.lines.back().order <= log.last_order;
}

std::span<const std::uint8_t> bytes_of(const std::vector<std::uint8_t>& v) { return v; }

}  // namespace

void ChatBook::save_snapshot(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(kSnapshotMagic);
  w.put(kSnapshotVersion);
  w.put(ordered_);
  w.put(static_cast<std::uint32_t>(channels_.size()));
  for (const auto& [name, log] : channels_) {
    put_text(w, name);
    w.put(log.next_n);
    w.put(log.last_order);
    w.put(static_cast<std::uint32_t>(log.lines.size()));
    for (const Line& line : log.lines) put_line(w, line);
  }
  w.put(static_cast<std::uint32_t>(senders_.size()));
  for (const auto& [id, sender] : senders_) {
    w.put(id);
    w.put(sender.last_msg_id);
    w.put(sender.last_order);
  }
}

bool ChatBook::load_snapshot(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  if (r.get<std::uint32_t>() != kSnapshotMagic || r.get<std::uint8_t>() != kSnapshotVersion) {
    return false;
  }
  ChatBook book;
  book.ordered_ = r.get<std::uint64_t>();
  const auto channel_count = r.get<std::uint32_t>();
  if (r.failed() || channel_count > kMaxChannels) return false;
  for (std::uint32_t c = 0; c < channel_count; ++c) {
    wire::ChatChannel name;
    if (!get_channel(r, name)) return false;
    ChannelLog log;
    log.next_n = r.get<std::uint64_t>();
    log.last_order = r.get<std::uint64_t>();
    const auto lines = r.get<std::uint32_t>();
    if (log.next_n == 0) return false;
    if (r.failed() || lines > kMaxLines || book.line_count_ + lines > kMaxLines) return false;
    for (std::uint32_t i = 0; i < lines; ++i) {
      Line line;
      if (!get_line(r, line) || line.order > book.ordered_) return false;
      log.lines.push_back(line);
    }
    if (!consistent(log) || log.last_order > book.ordered_ ||
        !book.channels_.emplace(std::string(name.view()), std::move(log)).second) {
      return false;
    }
    book.line_count_ += lines;
  }
  const auto sender_count = r.get<std::uint32_t>();
  if (r.failed() || sender_count > kMaxSenders) return false;
  for (std::uint32_t s = 0; s < sender_count; ++s) {
    const auto id = r.get<std::uint64_t>();
    Sender sender;
    sender.last_msg_id = r.get<std::uint32_t>();
    sender.last_order = r.get<std::uint64_t>();
    if (r.failed() || id == 0 || sender.last_order > book.ordered_ ||
        !book.senders_.emplace(id, sender).second) {
      return false;
    }
  }
  if (r.failed() || r.remaining() != 0) return false;
  // The global age order of the lines kept.
  for (const auto& [name, log] : book.channels_) {
    for (const Line& line : log.lines) book.ages_.emplace_back(line.order, name);
  }
  std::sort(book.ages_.begin(), book.ages_.end());
  for (std::size_t i = 1; i < book.ages_.size(); ++i) {
    if (book.ages_[i].first == book.ages_[i - 1].first) return false;
  }
  *this = std::move(book);
  return true;
}

std::uint64_t ChatBook::digest() const {
  std::vector<std::uint8_t> bytes;
  save_snapshot(bytes);
  return fnv1a(bytes_of(bytes));
}

namespace {

void put_line_record(RecordSink& sink, std::string_view channel, const Line& line) {
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  put_text(w, channel);
  put_line(w, line);
  sink.put(RecordKey{0, ChatBook::kLineTable, line.order}, value);
}

void put_channel_record(RecordSink& sink, std::string_view name, const ChannelLog& log) {
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  put_text(w, name);
  w.put(log.next_n);
  w.put(log.last_order);
  sink.put(RecordKey{0, ChatBook::kChannelTable, fnv1a(name)}, value);
}

void put_sender_record(RecordSink& sink, std::uint64_t id, const Sender& sender) {
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  w.put(sender.last_msg_id);
  w.put(sender.last_order);
  sink.put(RecordKey{0, ChatBook::kSenderTable, id}, value);
}

}  // namespace

void ChatBook::write_records(RecordSink& sink) const {
  for (const std::uint64_t order : changes_.lines_gone) {
    sink.erase(RecordKey{0, kLineTable, order});
  }
  for (const std::string& name : changes_.channels_gone) {
    sink.erase(RecordKey{0, kChannelTable, fnv1a(name)});
  }
  for (const std::uint64_t id : changes_.senders_gone) sink.erase(RecordKey{0, kSenderTable, id});
  if (const ChannelLog* log = channel(changes_.channel); log != nullptr && !log->lines.empty()) {
    put_line_record(sink, changes_.channel, log->lines.back());
    put_channel_record(sink, changes_.channel, *log);
  }
  if (const auto it = senders_.find(changes_.client_id); it != senders_.end()) {
    put_sender_record(sink, it->first, it->second);
  }
}

void ChatBook::write_all_records(RecordSink& sink) const {
  for (const auto& [name, log] : channels_) {
    put_channel_record(sink, name, log);
    for (const Line& line : log.lines) put_line_record(sink, name, line);
  }
  for (const auto& [id, sender] : senders_) put_sender_record(sink, id, sender);
}

bool ChatBook::load_records(std::span<const StoredRecord> records) {
  ChatBook book;
  std::vector<std::pair<std::string, Line>> lines;
  for (const StoredRecord& record : records) {
    ByteReader r(record.value);
    switch (record.key.table) {
      case kLineTable: {
        wire::ChatChannel channel;
        Line line;
        if (!get_channel(r, channel) || !get_line(r, line) || line.order != record.key.key) {
          return false;
        }
        lines.emplace_back(std::string(channel.view()), line);
        break;
      }
      case kChannelTable: {
        wire::ChatChannel name;
        if (!get_channel(r, name) || fnv1a(name.view()) != record.key.key) return false;
        ChannelLog log;
        log.next_n = r.get<std::uint64_t>();
        log.last_order = r.get<std::uint64_t>();
        if (r.failed() || log.next_n == 0 || book.channels_.size() >= kMaxChannels ||
            !book.channels_.emplace(std::string(name.view()), std::move(log)).second) {
          return false;
        }
        break;
      }
      case kSenderTable: {
        Sender sender;
        sender.last_msg_id = r.get<std::uint32_t>();
        sender.last_order = r.get<std::uint64_t>();
        if (r.failed() || record.key.key == 0 || book.senders_.size() >= kMaxSenders) return false;
        book.senders_.emplace(record.key.key, sender);
        break;
      }
      default:
        return false;
    }
    if (r.remaining() != 0) return false;
  }
  if (lines.size() > kMaxLines) return false;
  // Records come in key order, so lines by order: append each to its channel.
  std::sort(lines.begin(), lines.end(),
            [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
  for (auto& [name, line] : lines) {
    const auto it = book.channels_.find(name);
    if (it == book.channels_.end()) return false;
    it->second.lines.push_back(line);
    book.ages_.emplace_back(line.order, name);
  }
  book.line_count_ = lines.size();
  for (const auto& [name, log] : book.channels_) {
    if (!consistent(log)) return false;
    book.ordered_ = std::max(book.ordered_, log.last_order);
  }
  for (const auto& [id, sender] : book.senders_) {
    book.ordered_ = std::max(book.ordered_, sender.last_order);
  }
  *this = std::move(book);
  return true;
}

}  // namespace dp::chat
