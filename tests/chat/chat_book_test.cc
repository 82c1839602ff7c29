// The chat book, the replicated state of the chat cluster: each sender's messages are ordered
// once and in its order, lines are numbered per channel, the bounds on lines, channels and
// senders hold (and what they evict leaves the disk too), and snapshots and durable records
// give back the same book, while corrupted, cut or hostile bytes are refused and change
// nothing.
#include "core/services/chat/book.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/common/byte_io.h"
#include "core/common/fnv.h"

namespace dp::chat {
namespace {

class MapSink final : public RecordSink {
 public:
  void put(const RecordKey& key, std::span<const std::uint8_t> value) override {
    records[key] = std::vector<std::uint8_t>(value.begin(), value.end());
  }
  void erase(const RecordKey& key) override { records.erase(key); }
  std::vector<StoredRecord> stored() const {
    std::vector<StoredRecord> out;
    for (const auto& [k, v] : records) out.push_back({k, v});
    return out;
  }
  std::size_t count(std::uint8_t table) const {
    std::size_t n = 0;
    for (const auto& [k, v] : records) n += k.table == table ? 1 : 0;
    return n;
  }
  bool has(std::uint8_t table, std::uint64_t key) const {
    return records.count(RecordKey{0, table, key}) != 0;
  }
  std::map<RecordKey, std::vector<std::uint8_t>> records;
};

constexpr auto kLines = static_cast<std::uint32_t>(kMaxLines);
constexpr auto kChannels = static_cast<std::uint32_t>(kMaxChannels);

Post post(std::uint64_t client, std::uint32_t msg, std::string_view channel = "lobby",
          std::string_view text = "hi", std::string_view name = "ann") {
  Post p;
  p.client_id = client;
  p.msg_id = msg;
  p.channel.assign(channel);
  p.name.assign(name);
  p.text.assign(text);
  return p;
}

// A book and its disk, as a replica keeps them: records are written after each applied entry.
struct Replica {
  ChatBook book;
  MapSink disk;

  ApplyError apply(const Post& p) {
    std::vector<std::uint8_t> payload;
    p.encode(payload);
    return apply_entry(static_cast<std::uint8_t>(EntryKind::kPost), payload);
  }
  ApplyError apply_entry(std::uint8_t kind, const std::vector<std::uint8_t>& payload) {
    const wire::EntryView entry{wire::kChatService, kind, payload};
    const ApplyError error = book.apply(entry);
    if (error == ApplyError::kOk) book.write_records(disk);
    return error;
  }
};

std::vector<std::string> texts_of(const ChannelLog& log) {
  std::vector<std::string> out;
  for (const Line& line : log.lines) out.emplace_back(line.text.view());
  return out;
}

TEST(ChatBook, OrdersEachSendersMessagesAndNumbersLinesPerChannel) {
  Replica r;
  ASSERT_EQ(r.apply(post(1, 1, "lobby", "a1")), ApplyError::kOk);
  ASSERT_EQ(r.apply(post(2, 1, "pong:final", "b1")), ApplyError::kOk);
  ASSERT_EQ(r.apply(post(1, 2, "lobby", "a2")), ApplyError::kOk);
  ASSERT_EQ(r.apply(post(2, 2, "lobby", "b2")), ApplyError::kOk);
  ASSERT_EQ(r.apply(post(1, 3, "pong:final", "a3")), ApplyError::kOk);

  const ChannelLog* lobby = r.book.channel("lobby");
  const ChannelLog* room = r.book.channel("pong:final");
  ASSERT_NE(lobby, nullptr);
  ASSERT_NE(room, nullptr);
  EXPECT_EQ(texts_of(*lobby), (std::vector<std::string>{"a1", "a2", "b2"}));
  EXPECT_EQ(texts_of(*room), (std::vector<std::string>{"b1", "a3"}));
  // Numbered 1, 2, ... within each channel; ordered 1, 2, ... over all of them.
  EXPECT_EQ(lobby->lines[0].n, 1u);
  EXPECT_EQ(lobby->lines[2].n, 3u);
  EXPECT_EQ(lobby->head(), 3u);
  EXPECT_EQ(lobby->first(), 1u);
  EXPECT_EQ(room->lines[0].n, 1u);
  EXPECT_EQ(room->lines[1].n, 2u);
  EXPECT_EQ(room->head(), 2u);
  EXPECT_EQ(lobby->lines[2].order, 4u);
  EXPECT_EQ(room->lines[1].order, 5u);
  EXPECT_EQ(r.book.ordered(), 5u);
  EXPECT_EQ(r.book.line_count(), 5u);
  EXPECT_EQ(r.book.channel("racing:x"), nullptr);

  EXPECT_EQ(r.book.expected(1, 0), 4u);
  EXPECT_EQ(r.book.expected(2, 0), 3u);
  const Line* found = r.book.find("lobby", 2, 2);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->n, 3u);
  EXPECT_EQ(r.book.find("lobby", 2, 1), nullptr) << "b1 went to the room, not the lobby";
}

TEST(ChatBook, RefusesAMessageOutOfItsSendersOrderAndChangesNothing) {
  Replica r;
  ASSERT_EQ(r.apply(post(1, 1)), ApplyError::kOk);
  const std::uint64_t digest = r.book.digest();
  const auto disk = r.disk.records;
  EXPECT_EQ(r.apply(post(1, 1, "lobby", "again")), ApplyError::kOutOfOrder) << "twice";
  EXPECT_EQ(r.apply(post(1, 3)), ApplyError::kOutOfOrder) << "one skipped";
  EXPECT_EQ(r.apply(post(1, 1000)), ApplyError::kOutOfOrder);
  EXPECT_EQ(r.book.digest(), digest);
  EXPECT_EQ(r.disk.records, disk);
  EXPECT_EQ(r.book.channel("lobby")->lines.size(), 1u);
  EXPECT_EQ(r.apply(post(1, 2)), ApplyError::kOk);
  EXPECT_EQ(r.book.channel("lobby")->head(), 2u);
  EXPECT_STREQ(apply_error_name(ApplyError::kOutOfOrder), "out-of-order");
}

TEST(ChatBook, RefusesAMalformedEntryAndChangesNothing) {
  Replica r;
  ASSERT_EQ(r.apply(post(1, 1)), ApplyError::kOk);
  const std::uint64_t digest = r.book.digest();
  std::vector<std::uint8_t> good;
  post(2, 1, "lobby", "fine").encode(good);
  const auto kind = static_cast<std::uint8_t>(EntryKind::kPost);

  EXPECT_EQ(r.apply_entry(7, good), ApplyError::kInvalidEntry) << "an unknown kind";
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    const std::vector<std::uint8_t> shorter(good.begin(), good.begin() + static_cast<long>(cut));
    EXPECT_EQ(r.apply_entry(kind, shorter), ApplyError::kInvalidEntry) << "cut to " << cut;
  }
  std::vector<std::uint8_t> longer = good;
  longer.push_back(0);
  EXPECT_EQ(r.apply_entry(kind, longer), ApplyError::kInvalidEntry) << "a trailing byte";
  for (const std::string_view text : {"bad \xc0\xaf", "ring\x07", "", "\xed\xa0\x80"}) {
    std::vector<std::uint8_t> bad;
    post(2, 1, "lobby", text).encode(bad);
    EXPECT_EQ(r.apply_entry(kind, bad), ApplyError::kInvalidEntry) << testing::PrintToString(text);
  }
  std::vector<std::uint8_t> no_client;
  post(0, 1).encode(no_client);
  EXPECT_EQ(r.apply_entry(kind, no_client), ApplyError::kInvalidEntry);
  std::vector<std::uint8_t> no_msg;
  post(2, 0).encode(no_msg);
  EXPECT_EQ(r.apply_entry(kind, no_msg), ApplyError::kInvalidEntry);
  std::vector<std::uint8_t> bad_channel;
  post(2, 1, "two words").encode(bad_channel);
  EXPECT_EQ(r.apply_entry(kind, bad_channel), ApplyError::kInvalidEntry);
  EXPECT_EQ(r.book.digest(), digest);
  EXPECT_EQ(r.apply_entry(kind, good), ApplyError::kOk);
}

TEST(ChatBook, ASenderUnknownToTheBookStartsAfterWhatItWasAcked) {
  ChatBook book;
  EXPECT_EQ(book.expected(42, 0), 1u) << "a new sender starts at 1";
  // A sender the book does not know (forgotten, or new to a rebuilt cluster) that says its
  // messages up to 7 were acknowledged sends 8 next.
  EXPECT_EQ(book.expected(42, 7), 8u);
  EXPECT_EQ(book.apply(post(42, 8)), ApplyError::kOk);
  // Once known, the book's own count rules, whatever the sender says.
  EXPECT_EQ(book.expected(42, 0), 9u);
  EXPECT_EQ(book.expected(42, 100), 9u);
  EXPECT_EQ(book.apply(post(42, 8)), ApplyError::kOutOfOrder);
  EXPECT_EQ(book.senders().at(42).last_msg_id, 8u);
}

TEST(ChatBook, TheGlobalLineBoundEvictsTheOldestLineAndItsRecord) {
  Replica r;
  // Two channels, the oldest line in "lobby".
  for (std::uint32_t i = 1; i <= kMaxLines; ++i) {
    ASSERT_EQ(r.apply(post(1, i, i % 2 == 1 ? "lobby" : "pong:a", "m" + std::to_string(i))),
              ApplyError::kOk);
  }
  EXPECT_EQ(r.book.line_count(), kMaxLines);
  EXPECT_TRUE(r.disk.has(ChatBook::kLineTable, 1));
  EXPECT_EQ(r.disk.count(ChatBook::kLineTable), kMaxLines);

  ASSERT_EQ(r.apply(post(1, kLines + 1, "pong:a", "newest")), ApplyError::kOk);
  EXPECT_EQ(r.book.line_count(), kMaxLines);
  const ChannelLog* lobby = r.book.channel("lobby");
  ASSERT_NE(lobby, nullptr);
  EXPECT_EQ(lobby->first(), 2u) << "the lobby's first line (the oldest anywhere) went";
  EXPECT_EQ(lobby->lines.front().text.view(), "m3");
  EXPECT_EQ(lobby->head(), kMaxLines / 2) << "numbering goes on";
  EXPECT_EQ(r.book.channel("pong:a")->first(), 1u) << "the other channel kept its oldest";
  EXPECT_EQ(r.book.find("lobby", 1, 1), nullptr);
  EXPECT_FALSE(r.disk.has(ChatBook::kLineTable, 1)) << "the evicted line's record is erased";
  EXPECT_TRUE(r.disk.has(ChatBook::kLineTable, kMaxLines + 1));
  EXPECT_EQ(r.disk.count(ChatBook::kLineTable), kMaxLines);

  // The disk holds the same book.
  ChatBook reloaded;
  ASSERT_TRUE(reloaded.load_records(r.disk.stored()));
  EXPECT_EQ(reloaded.digest(), r.book.digest());
  // Both go on evicting the same line.
  Replica again{reloaded, r.disk};
  ASSERT_EQ(r.apply(post(1, kLines + 2, "lobby", "x")), ApplyError::kOk);
  ASSERT_EQ(again.apply(post(1, kLines + 2, "lobby", "x")), ApplyError::kOk);
  EXPECT_EQ(again.book.digest(), r.book.digest());
  EXPECT_EQ(again.disk.records, r.disk.records);
  EXPECT_EQ(r.book.channel("pong:a")->first(), 2u);
}

TEST(ChatBook, ANewChannelBeyondTheBoundReplacesTheQuietestWithItsRecords) {
  Replica r;
  for (std::uint32_t c = 0; c < kMaxChannels; ++c) {
    ASSERT_EQ(r.apply(post(1, c + 1, "c" + std::to_string(c))), ApplyError::kOk);
  }
  // c0 speaks again: c1 is now the quietest.
  ASSERT_EQ(r.apply(post(1, kChannels + 1, "c0")), ApplyError::kOk);
  ASSERT_EQ(r.book.channels().size(), kMaxChannels);
  const std::uint64_t c1_line_order = r.book.channel("c1")->lines.front().order;
  ASSERT_TRUE(r.disk.has(ChatBook::kChannelTable, fnv1a("c1")));
  const std::size_t lines_before = r.book.line_count();

  ASSERT_EQ(r.apply(post(1, kChannels + 2, "newcomer")), ApplyError::kOk);
  EXPECT_EQ(r.book.channels().size(), kMaxChannels);
  EXPECT_EQ(r.book.channel("c1"), nullptr) << "the quietest channel went";
  EXPECT_NE(r.book.channel("c0"), nullptr);
  EXPECT_NE(r.book.channel("c2"), nullptr);
  ASSERT_NE(r.book.channel("newcomer"), nullptr);
  EXPECT_EQ(r.book.line_count(), lines_before) << "one line in, c1's one line out";
  EXPECT_FALSE(r.disk.has(ChatBook::kChannelTable, fnv1a("c1")));
  EXPECT_FALSE(r.disk.has(ChatBook::kLineTable, c1_line_order));
  EXPECT_EQ(r.disk.count(ChatBook::kChannelTable), kMaxChannels);

  // A channel that comes back starts again at line 1.
  ASSERT_EQ(r.apply(post(1, kChannels + 3, "c1")), ApplyError::kOk);
  EXPECT_EQ(r.book.channel("c1")->head(), 1u);

  ChatBook reloaded;
  ASSERT_TRUE(reloaded.load_records(r.disk.stored()));
  EXPECT_EQ(reloaded.digest(), r.book.digest());
}

TEST(ChatBook, ANewSenderBeyondTheBoundReplacesTheQuietest) {
  Replica r;
  for (std::uint64_t s = 1; s <= kMaxSenders; ++s) ASSERT_EQ(r.apply(post(s, 1)), ApplyError::kOk);
  ASSERT_EQ(r.apply(post(1, 2)), ApplyError::kOk);  // Sender 1 speaks again: 2 is quietest.
  ASSERT_EQ(r.apply(post(kMaxSenders + 1, 1)), ApplyError::kOk);
  EXPECT_EQ(r.book.senders().size(), kMaxSenders);
  EXPECT_EQ(r.book.senders().count(2), 0u);
  EXPECT_EQ(r.book.senders().count(1), 1u);
  EXPECT_EQ(r.book.expected(1, 0), 3u);
  // Sender 2 is forgotten: what it says was acknowledged is all the book goes by now.
  EXPECT_EQ(r.book.expected(2, 1), 2u);
  EXPECT_EQ(r.book.expected(2, 0), 1u);
  EXPECT_FALSE(r.disk.has(ChatBook::kSenderTable, 2));
  EXPECT_TRUE(r.disk.has(ChatBook::kSenderTable, kMaxSenders + 1));
  EXPECT_EQ(r.disk.count(ChatBook::kSenderTable), kMaxSenders);
  // Its lines stay: only the sender's count went.
  EXPECT_NE(r.book.find("lobby", 2, 1), nullptr);
  ChatBook reloaded;
  ASSERT_TRUE(reloaded.load_records(r.disk.stored()));
  EXPECT_EQ(reloaded.digest(), r.book.digest());
}

// A book with several channels and senders, and lines evicted by the global bound.
Replica busy_replica() {
  Replica r;
  std::map<std::uint64_t, std::uint32_t> next;
  for (std::uint32_t i = 0; i < kMaxLines + 300; ++i) {
    const std::uint64_t sender = 1 + i % 5;
    const std::string channel = i % 3 == 0 ? "lobby" : (i % 3 == 1 ? "pong:a" : "racing:b");
    const std::string text =
        i % 7 == 0 ? "caf\xc3\xa9 \xf0\x9f\x98\x80" : "line " + std::to_string(i);
    EXPECT_EQ(r.apply(post(sender, ++next[sender], channel, text, "p" + std::to_string(sender))),
              ApplyError::kOk);
  }
  return r;
}

TEST(ChatBook, ASnapshotGivesBackTheSameBook) {
  const Replica r = busy_replica();
  std::vector<std::uint8_t> bytes;
  r.book.save_snapshot(bytes);
  ChatBook copy;
  ASSERT_TRUE(copy.load_snapshot(bytes));
  EXPECT_EQ(copy.digest(), r.book.digest());
  EXPECT_EQ(copy.line_count(), r.book.line_count());
  EXPECT_EQ(copy.ordered(), r.book.ordered());
  EXPECT_EQ(copy.expected(3, 0), r.book.expected(3, 0));
  std::vector<std::uint8_t> again;
  copy.save_snapshot(again);
  EXPECT_EQ(again, bytes);
  // The copy goes on exactly as the original (its age order was rebuilt: the same line is
  // evicted next).
  ChatBook original = r.book;
  for (std::uint32_t i = 1; i <= 50; ++i) {
    ASSERT_EQ(original.apply(post(99, i, "racing:b")), ApplyError::kOk);
    ASSERT_EQ(copy.apply(post(99, i, "racing:b")), ApplyError::kOk);
    ASSERT_EQ(copy.digest(), original.digest()) << "after " << i << " more";
  }
}

TEST(ChatBook, RecordsGiveBackTheSameBook) {
  const Replica r = busy_replica();
  ChatBook from_disk;
  ASSERT_TRUE(from_disk.load_records(r.disk.stored()));
  EXPECT_EQ(from_disk.digest(), r.book.digest());
  // What was written entry by entry is what a full write gives.
  MapSink all;
  r.book.write_all_records(all);
  EXPECT_EQ(all.records, r.disk.records);
  // The reloaded book goes on as the original.
  Replica original = r;
  Replica reloaded{from_disk, r.disk};
  for (std::uint32_t i = 1; i <= 50; ++i) {
    ASSERT_EQ(original.apply(post(77, i, "pong:a")), ApplyError::kOk);
    ASSERT_EQ(reloaded.apply(post(77, i, "pong:a")), ApplyError::kOk);
  }
  EXPECT_EQ(reloaded.book.digest(), original.book.digest());
  EXPECT_EQ(reloaded.disk.records, original.disk.records);
}

// --- Refused input ---------------------------------------------------------------------------

// The snapshot layout (book_codec.cc), written by hand so the tests can break one field.
struct SnapLine {
  std::uint64_t n = 1, order = 1, client = 1;
  std::uint32_t msg = 1;
  std::string name = "ann", text = "hi";
};
struct SnapChannel {
  std::string name = "lobby";
  std::uint64_t next_n = 2, last_order = 1;
  std::vector<SnapLine> lines{SnapLine{}};
  std::optional<std::uint32_t> claimed_lines;
};
struct SnapSender {
  std::uint64_t id = 1;
  std::uint32_t last_msg = 1;
  std::uint64_t last_order = 1;
};
struct Snap {
  std::uint32_t magic = 0x48435044;
  std::uint8_t version = 1;
  std::uint64_t ordered = 1;
  std::vector<SnapChannel> channels{SnapChannel{}};
  std::vector<SnapSender> senders{SnapSender{}};
  std::optional<std::uint32_t> claimed_channels, claimed_senders;
};

void put_string(ByteWriter& w, const std::string& s) {
  w.put(static_cast<std::uint16_t>(s.size()));
  w.put_bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

std::vector<std::uint8_t> encode(const Snap& s) {
  std::vector<std::uint8_t> out;
  ByteWriter w(out);
  w.put(s.magic);
  w.put(s.version);
  w.put(s.ordered);
  w.put(s.claimed_channels.value_or(static_cast<std::uint32_t>(s.channels.size())));
  for (const SnapChannel& c : s.channels) {
    put_string(w, c.name);
    w.put(c.next_n);
    w.put(c.last_order);
    w.put(c.claimed_lines.value_or(static_cast<std::uint32_t>(c.lines.size())));
    for (const SnapLine& l : c.lines) {
      w.put(l.n);
      w.put(l.order);
      w.put(l.client);
      w.put(l.msg);
      put_string(w, l.name);
      put_string(w, l.text);
    }
  }
  w.put(s.claimed_senders.value_or(static_cast<std::uint32_t>(s.senders.size())));
  for (const SnapSender& sender : s.senders) {
    w.put(sender.id);
    w.put(sender.last_msg);
    w.put(sender.last_order);
  }
  return out;
}

// A book with something in it, to show that a refused load leaves it as it was.
ChatBook holder() {
  ChatBook book;
  EXPECT_EQ(book.apply(post(5, 1, "pong:x", "kept")), ApplyError::kOk);
  EXPECT_EQ(book.apply(post(5, 2, "pong:x", "kept too")), ApplyError::kOk);
  return book;
}

TEST(ChatBook, TheHandWrittenSnapshotLayoutIsTheBooks) {
  // The control for the tests below: the unbroken hand-written snapshot loads, and equals
  // the book one message gives.
  ChatBook book;
  ASSERT_TRUE(book.load_snapshot(encode(Snap{})));
  ChatBook expected;
  ASSERT_EQ(expected.apply(post(1, 1)), ApplyError::kOk);
  EXPECT_EQ(book.digest(), expected.digest());
}

TEST(ChatBook, ACutOrLengthenedSnapshotIsRefusedAndChangesNothing) {
  const Replica r = busy_replica();
  std::vector<std::uint8_t> bytes;
  holder().save_snapshot(bytes);
  // Every cut of a small snapshot, and a sampling of cuts of a large one.
  ChatBook book = r.book;
  const std::uint64_t digest = book.digest();
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    ASSERT_FALSE(book.load_snapshot({bytes.data(), cut})) << "cut to " << cut;
  }
  std::vector<std::uint8_t> big;
  r.book.save_snapshot(big);
  ChatBook other = holder();
  const std::uint64_t other_digest = other.digest();
  for (std::size_t cut = 0; cut < big.size(); cut += 997) {
    ASSERT_FALSE(other.load_snapshot({big.data(), cut})) << "cut to " << cut;
  }
  ASSERT_FALSE(other.load_snapshot({big.data(), big.size() - 1}));
  big.push_back(0);
  EXPECT_FALSE(other.load_snapshot(big)) << "a trailing byte";
  EXPECT_EQ(book.digest(), digest);
  EXPECT_EQ(other.digest(), other_digest);
}

TEST(ChatBook, AHostileSnapshotIsRefusedAndChangesNothing) {
  std::vector<std::pair<std::string, Snap>> cases;
  auto add = [&](std::string what, auto change) {
    Snap s;
    change(s);
    cases.emplace_back(std::move(what), s);
  };
  add("wrong magic", [](Snap& s) { s.magic ^= 1; });
  add("unknown version", [](Snap& s) { s.version = 2; });
  add("channel count beyond the bound", [](Snap& s) { s.claimed_channels = kChannels + 1; });
  add("channel count beyond the bytes", [](Snap& s) { s.claimed_channels = 2; });
  add("a huge line count", [](Snap& s) { s.channels[0].claimed_lines = 0xffffffffu; });
  add("a bad channel name", [](Snap& s) { s.channels[0].name = "two words"; });
  add("an empty channel name", [](Snap& s) { s.channels[0].name = ""; });
  add("a channel twice", [](Snap& s) {
    SnapChannel again = s.channels[0];
    again.lines.clear();
    s.channels.push_back(again);
  });
  add("a line numbered at next_n", [](Snap& s) { s.channels[0].lines[0].n = 2; });
  add("a line numbered 0", [](Snap& s) { s.channels[0].lines[0].n = 0; });
  add("a line ordered after the book", [](Snap& s) { s.channels[0].lines[0].order = 2; });
  add("a line ordered 0", [](Snap& s) { s.channels[0].lines[0].order = 0; });
  add("a line with no sender", [](Snap& s) { s.channels[0].lines[0].client = 0; });
  add("a line with msg id 0", [](Snap& s) { s.channels[0].lines[0].msg = 0; });
  add("a line with an overlong form", [](Snap& s) { s.channels[0].lines[0].text = "\xc0\xaf"; });
  add("a line with a newline", [](Snap& s) { s.channels[0].lines[0].text = "a\nb"; });
  add("an empty line", [](Snap& s) { s.channels[0].lines[0].text = ""; });
  add("a line of 281 bytes", [](Snap& s) { s.channels[0].lines[0].text = std::string(281, 'a'); });
  add("a line with no name", [](Snap& s) { s.channels[0].lines[0].name = ""; });
  add("lines out of order", [](Snap& s) {
    s.ordered = 2;
    s.channels[0].next_n = 3;
    s.channels[0].last_order = 2;
    s.channels[0].lines = {SnapLine{2, 2}, SnapLine{1, 1}};
  });
  add("two lines with one order", [](Snap& s) {
    s.ordered = 2;
    SnapChannel room;
    room.name = "pong:a";
    room.last_order = 1;  // The lobby's line is order 1 too.
    s.channels.push_back(room);
  });
  add("a channel used after the book", [](Snap& s) { s.channels[0].last_order = 2; });
  add("a newest line after its channel's use", [](Snap& s) {
    s.ordered = 2;
    s.channels[0].lines[0].order = 2;
  });
  add("sender count beyond the bound",
      [](Snap& s) { s.claimed_senders = static_cast<std::uint32_t>(kMaxSenders) + 1; });
  add("sender id 0", [](Snap& s) { s.senders[0].id = 0; });
  add("a sender twice", [](Snap& s) { s.senders.push_back(s.senders[0]); });
  add("a sender after the book", [](Snap& s) { s.senders[0].last_order = 2; });
  // Found by this test: next_n = 0 would make head() 2^64-1 and number the next line 0.
  add("a channel whose next line is numbered 0", [](Snap& s) {
    s.channels[0].next_n = 0;
    s.channels[0].lines.clear();
  });

  for (const auto& [what, snap] : cases) {
    ChatBook book = holder();
    const std::uint64_t digest = book.digest();
    EXPECT_FALSE(book.load_snapshot(encode(snap))) << what;
    EXPECT_EQ(book.digest(), digest) << what;
    EXPECT_EQ(book.expected(5, 0), 3u) << what;
  }
}

TEST(ChatBook, CorruptOrHostileRecordsAreRefusedAndChangeNothing) {
  Replica source;
  ASSERT_EQ(source.apply(post(1, 1, "lobby", "one")), ApplyError::kOk);
  ASSERT_EQ(source.apply(post(2, 1, "pong:a", "two")), ApplyError::kOk);
  ASSERT_EQ(source.apply(post(1, 2, "lobby", "three")), ApplyError::kOk);
  const std::vector<StoredRecord> good = source.disk.stored();
  {
    ChatBook control;
    ASSERT_TRUE(control.load_records(good));
    ASSERT_EQ(control.digest(), source.book.digest());
  }
  auto find = [](std::vector<StoredRecord>& records, std::uint8_t table) -> StoredRecord& {
    for (StoredRecord& r : records) {
      if (r.key.table == table) return r;
    }
    ADD_FAILURE() << "no record in table " << int{table};
    return records.front();
  };

  std::vector<std::pair<std::string, std::vector<StoredRecord>>> cases;
  auto add = [&](std::string what, auto change) {
    std::vector<StoredRecord> records = good;
    change(records);
    cases.emplace_back(std::move(what), std::move(records));
  };
  add("an unknown table", [](auto& rs) { rs.push_back({RecordKey{0, 9, 1}, {1, 2, 3}}); });
  for (const std::uint8_t table :
       {ChatBook::kLineTable, ChatBook::kChannelTable, ChatBook::kSenderTable}) {
    const std::string t = std::to_string(table);
    add("table " + t + ": cut by a byte", [&](auto& rs) { find(rs, table).value.pop_back(); });
    add("table " + t + ": empty", [&](auto& rs) { find(rs, table).value.clear(); });
    add("table " + t + ": a trailing byte", [&](auto& rs) { find(rs, table).value.push_back(0); });
  }
  add("a line whose channel has no record", [&](auto& rs) {
    std::erase_if(rs, [](const StoredRecord& r) {
      return r.key.table == ChatBook::kChannelTable && r.key.key == fnv1a("lobby");
    });
  });
  add("a line under another order's key",
      [&](auto& rs) { find(rs, ChatBook::kLineTable).key.key = 99; });
  add("a channel under another name's key",
      [&](auto& rs) { find(rs, ChatBook::kChannelTable).key.key ^= 1; });
  add("a sender with id 0", [&](auto& rs) { find(rs, ChatBook::kSenderTable).key.key = 0; });
  add("a line's text broken", [&](auto& rs) {
    // The last byte of the line record is the last byte of its text.
    find(rs, ChatBook::kLineTable).value.back() = 0x07;
  });
  add("a line's text not UTF-8",
      [&](auto& rs) { find(rs, ChatBook::kLineTable).value.back() = 0xc0; });
  add("a channel numbering below its lines", [&](auto& rs) {
    // lobby holds lines 1 and 2; say its next line is 2.
    for (StoredRecord& r : rs) {
      if (r.key.table == ChatBook::kChannelTable && r.key.key == fnv1a("lobby")) {
        std::vector<std::uint8_t> value;
        ByteWriter w(value);
        put_string(w, "lobby");
        w.put(std::uint64_t{2});
        w.put(std::uint64_t{3});
        r.value = value;
      }
    }
  });
  add("a channel whose next line is numbered 0", [&](auto& rs) {
    for (StoredRecord& r : rs) {
      if (r.key.table == ChatBook::kChannelTable && r.key.key == fnv1a("pong:a")) {
        std::vector<std::uint8_t> value;
        ByteWriter w(value);
        put_string(w, "pong:a");
        w.put(std::uint64_t{0});
        w.put(std::uint64_t{2});
        r.value = value;
      }
    }
  });

  for (const auto& [what, records] : cases) {
    ChatBook book = holder();
    const std::uint64_t digest = book.digest();
    EXPECT_FALSE(book.load_records(records)) << what;
    EXPECT_EQ(book.digest(), digest) << what;
    EXPECT_EQ(book.expected(5, 0), 3u) << what;
  }
}

}  // namespace
}  // namespace dp::chat
