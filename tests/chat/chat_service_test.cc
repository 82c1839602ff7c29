// The chat service on a leader, driven by hand: the test plays the log (a LogWriter that
// applies each entry to the service at once, as LogReplica does, and commits when told) and
// the clients (datagrams in, and what the service sends decoded back). A sender is told its
// message was delivered only once the entry is committed, a resend is never ordered twice,
// a flood is held to the sender's rate, and subscribers see committed lines only.
#include "core/services/chat/service.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "core/wire/codec.h"

namespace dp::chat {
namespace {

const NodeId kLeader{0, 0x1ead};
const Epoch kEpoch{4, kLeader};
const Endpoint kLeaderControl{0x7f000001, 50011};
const Endpoint kAlice{0x7f000001, 40001};
const Endpoint kBob{0x7f000001, 40002};
const Endpoint kCarol{0x7f000001, 40003};
constexpr std::uint64_t kAliceId = 1001;
constexpr std::uint64_t kBobId = 1002;
constexpr std::uint64_t kCarolId = 1003;
constexpr TimeUs kMs = kUsPerMs;

// The log as the leader's service sees it: each entry is applied to the service when it is
// appended (as LogReplica::append does); commits are the test's to announce.
class FakeLog final : public LogWriter {
 public:
  explicit FakeLog(Service& service) : service_(service) {}
  Appended append(const wire::EntryView& entry) override {
    Appended out;
    out.seq = ++seq;
    out.status = service_.apply(entry);
    entries.emplace_back(entry.kind,
                         std::vector<std::uint8_t>(entry.payload.begin(), entry.payload.end()));
    return out;
  }
  Epoch epoch() const override { return kEpoch; }

  std::uint64_t seq = 0;
  std::vector<std::pair<std::uint8_t, std::vector<std::uint8_t>>> entries;

 private:
  Service& service_;
};

struct Sent {
  Endpoint to;
  wire::Decoded msg;
};

wire::ChatSend chat_send(std::uint64_t client, std::uint32_t msg, std::uint32_t acked = 0,
                         std::string_view channel = "lobby") {
  wire::ChatSend s;
  s.client_id = client;
  s.msg_id = msg;
  s.acked = acked;
  s.channel.assign(channel);
  s.name.assign(client == kAliceId ? "alice" : "bob");
  s.text.assign("message " + std::to_string(msg));
  return s;
}

// A subscription as ChatClient sends it: `after` the last line it holds; `fresh` when it
// holds none of the channel yet (then it is to get the last 100).
wire::ChatSubscribe subscription(std::uint64_t client, std::uint64_t after = 0,
                                 std::string_view channel = "lobby", bool fresh = true) {
  wire::ChatSubscribe s;
  s.client_id = client;
  s.channel.assign(channel);
  s.after = after;
  s.fresh = after == 0 && fresh ? 1 : 0;
  return s;
}

ChatConfig config_with_rate(std::uint32_t rate_per_s, std::uint32_t burst) {
  ChatConfig c;
  c.rate.rate_per_s = rate_per_s;
  c.rate.burst = burst;
  return c;
}

class ChatServiceTest : public ::testing::Test {
 protected:
  explicit ChatServiceTest(const ChatConfig& config = {}) : service_(config), log_(service_) {
    service_.begin_hosting(0);
  }

  template <class Msg>
  void receive(TimeUs now, Endpoint from, const Msg& msg) {
    std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
    const auto size = wire::encode(NodeId{0, from.port}, Epoch{}, msg, buf);
    ASSERT_TRUE(size.ok());
    const std::span<const std::uint8_t> bytes(buf.data(), *size);
    wire::Header header;
    ASSERT_FALSE(wire::decode_header(bytes, header).has_value());
    const auto error = service_.on_client_datagram(now, from, header, wire::body_of(bytes));
    ASSERT_FALSE(error.has_value()) << wire::decode_error_name(*error);
  }

  void plan(TimeUs now) { service_.plan(now, log_); }
  void commit(std::uint64_t seq) { service_.on_commit(seq); }
  void commit_all() { commit(log_.seq); }

  // Everything the service sends at this publish, decoded.
  std::vector<Sent> publish(TimeUs now) {
    outbox_.clear();
    const ClientLink link{&outbox_, kLeader, kEpoch, kLeaderControl};
    service_.publish(now, link, log_.seq);
    std::vector<Sent> out;
    for (const OutDatagram& d : outbox_.datagrams()) {
      auto decoded = wire::decode(outbox_.bytes(d));
      EXPECT_TRUE(decoded.ok()) << "the service sent an undecodable datagram";
      if (!decoded.ok()) continue;
      EXPECT_EQ(decoded->header.epoch, kEpoch);
      EXPECT_EQ(d.from, Channel::kClient);
      out.push_back(Sent{d.to, *decoded});
    }
    return out;
  }

  template <class Msg>
  static std::vector<Msg> to(const std::vector<Sent>& sent, Endpoint who) {
    std::vector<Msg> out;
    for (const Sent& s : sent) {
      if (s.to != who) continue;
      if (const auto* m = std::get_if<Msg>(&s.msg.body)) out.push_back(*m);
    }
    return out;
  }
  static std::vector<wire::ChatAck> acks(const std::vector<Sent>& sent, Endpoint who,
                                         std::uint8_t status = wire::ChatAck::kDelivered) {
    std::vector<wire::ChatAck> out;
    for (const wire::ChatAck& a : to<wire::ChatAck>(sent, who)) {
      if (a.status == status) out.push_back(a);
    }
    return out;
  }
  // The numbers of the lines sent to `who`, of one kind of page, in the order sent.
  static std::vector<std::uint64_t> line_numbers(const std::vector<Sent>& sent, Endpoint who,
                                                 std::uint8_t page = wire::ChatLines::kLive) {
    std::vector<std::uint64_t> out;
    for (const wire::ChatLines& m : to<wire::ChatLines>(sent, who)) {
      if (m.page != page) continue;
      for (const wire::ChatLine& line : m.lines) out.push_back(line.n);
    }
    return out;
  }
  static std::vector<std::uint64_t> range(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t n = first; n <= last; ++n) out.push_back(n);
    return out;
  }

  // `count` messages from alice, all ordered and committed (the rate must allow it).
  void committed_lines(TimeUs now, std::uint32_t count) {
    for (std::uint32_t i = 1; i <= count; ++i) receive(now, kAlice, chat_send(kAliceId, i));
    plan(now);
    ASSERT_EQ(log_.seq, count);
    commit_all();
    publish(now);  // Alice's ack.
  }

  ChatService service_;
  FakeLog log_;
  Outbox outbox_;
};

class ChatServiceRaisedRate : public ChatServiceTest {
 protected:
  ChatServiceRaisedRate() : ChatServiceTest(config_with_rate(100000, 100000)) {}
};

TEST_F(ChatServiceTest, AMessageIsAckedOnlyOnceItsEntryIsCommitted) {
  receive(10 * kMs, kAlice, chat_send(kAliceId, 1));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 1u) << "the message is ordered at once";
  ASSERT_NE(service_.book().find("lobby", kAliceId, 1), nullptr);
  EXPECT_TRUE(acks(publish(10 * kMs), kAlice).empty()) << "acked before it is committed";
  plan(20 * kMs);
  EXPECT_TRUE(acks(publish(20 * kMs), kAlice).empty()) << "acked before it is committed";

  commit(1);
  const auto sent = publish(30 * kMs);
  const auto ack = acks(sent, kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].client_id, kAliceId);
  EXPECT_EQ(ack[0].through, 1u);
  EXPECT_TRUE(acks(publish(40 * kMs), kAlice).empty()) << "one ack per commit";
}

TEST_F(ChatServiceTest, AnAckCoversOnlyWhatIsCommitted) {
  for (std::uint32_t i = 1; i <= 3; ++i) receive(10 * kMs, kAlice, chat_send(kAliceId, i));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 3u);
  commit(2);
  auto ack = acks(publish(20 * kMs), kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].through, 2u) << "message 3 is not committed yet";
  commit(3);
  ack = acks(publish(30 * kMs), kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].through, 3u);
}

TEST_F(ChatServiceTest, AResendIsNeverOrderedAgainButAckedOnceCommitted) {
  receive(10 * kMs, kAlice, chat_send(kAliceId, 1));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 1u);
  // Resent before it is committed (the sender's resend timer ran out).
  receive(20 * kMs, kAlice, chat_send(kAliceId, 1));
  plan(20 * kMs);
  EXPECT_EQ(log_.seq, 1u) << "a resend was ordered a second time";
  EXPECT_TRUE(acks(publish(20 * kMs), kAlice).empty());
  commit(1);
  auto ack = acks(publish(30 * kMs), kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].through, 1u);
  // The ack was lost: the sender resends once more and is acknowledged again.
  receive(300 * kMs, kAlice, chat_send(kAliceId, 1));
  plan(300 * kMs);
  EXPECT_EQ(log_.seq, 1u);
  ack = acks(publish(300 * kMs), kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].through, 1u);
  EXPECT_EQ(service_.book().channel("lobby")->lines.size(), 1u) << "shown once";
  EXPECT_EQ(service_.stats().posted, 1u);
  EXPECT_EQ(service_.stats().resends, 2u);
}

TEST_F(ChatServiceTest, ANewLeaderAcksAResendOfWhatTheOldOneOrderedWithoutOrderingIt) {
  receive(10 * kMs, kAlice, chat_send(kAliceId, 1));
  receive(10 * kMs, kAlice, chat_send(kAliceId, 2));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 2u);
  // A follower applied both entries; the leader dies before it acknowledges them.
  ChatService follower;
  for (const auto& [kind, payload] : log_.entries) {
    ASSERT_TRUE(follower.apply(wire::EntryView{wire::kChatService, kind, payload}).ok());
  }
  follower.begin_hosting(500 * kMs);
  FakeLog new_log(follower);
  new_log.seq = 2;
  const auto deliver = [&](const wire::ChatSend& m) {
    std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
    const auto size = wire::encode(NodeId{0, 1}, Epoch{}, m, buf);
    ASSERT_TRUE(size.ok());
    const std::span<const std::uint8_t> bytes(buf.data(), *size);
    wire::Header header;
    ASSERT_FALSE(wire::decode_header(bytes, header).has_value());
    ASSERT_FALSE(
        follower.on_client_datagram(600 * kMs, kAlice, header, wire::body_of(bytes)).has_value());
  };
  // The sender resends both to the new leader, and its third message.
  deliver(chat_send(kAliceId, 1));
  deliver(chat_send(kAliceId, 2));
  deliver(chat_send(kAliceId, 3));
  follower.plan(600 * kMs, new_log);
  EXPECT_EQ(new_log.seq, 3u) << "only message 3 is new";
  EXPECT_EQ(follower.book().channel("lobby")->lines.size(), 3u);
  Outbox out;
  follower.publish(600 * kMs, ClientLink{&out, kLeader, kEpoch, kLeaderControl}, new_log.seq);
  std::vector<wire::ChatAck> acked;
  for (const OutDatagram& d : out.datagrams()) {
    auto decoded = wire::decode(out.bytes(d));
    ASSERT_TRUE(decoded.ok());
    if (const auto* a = std::get_if<wire::ChatAck>(&decoded->body)) acked.push_back(*a);
  }
  ASSERT_EQ(acked.size(), 1u) << "what it holds from before is committed: acked at once";
  EXPECT_EQ(acked[0].through, 2u) << "but not message 3, which is not committed yet";
}

// Message 2 before message 1 is never ordered first. (The leader may hold it a short while
// for message 1 to come, as datagrams sent together can overtake each other; here message 1
// does not come for seconds, so message 2 is dropped and its sender must send it again.)
TEST_F(ChatServiceTest, AMessageAheadOfTheSendersNextIsDropped) {
  receive(10 * kMs, kAlice, chat_send(kAliceId, 2));
  plan(10 * kMs);
  EXPECT_EQ(log_.seq, 0u) << "message 2 ordered before message 1";
  commit_all();
  EXPECT_TRUE(to<wire::ChatAck>(publish(10 * kMs), kAlice).empty());
  for (TimeUs t = 250 * kMs; t <= 3 * kUsPerSecond; t += 250 * kMs) {
    plan(t);
    EXPECT_TRUE(to<wire::ChatAck>(publish(t), kAlice).empty());
  }
  EXPECT_EQ(log_.seq, 0u) << "message 2 ordered before message 1";
  EXPECT_EQ(service_.stats().out_of_order, 1u);
  // Message 1 alone: message 2 was dropped, not kept.
  const TimeUs later = 3 * kUsPerSecond + 100 * kMs;
  receive(later, kAlice, chat_send(kAliceId, 1));
  plan(later);
  ASSERT_EQ(log_.seq, 1u);
  // Sent again, message 2 goes in after message 1.
  receive(later + 10 * kMs, kAlice, chat_send(kAliceId, 2));
  plan(later + 10 * kMs);
  ASSERT_EQ(log_.seq, 2u);
  const ChannelLog* lobby = service_.book().channel("lobby");
  ASSERT_NE(lobby, nullptr);
  EXPECT_EQ(lobby->lines[0].msg_id, 1u);
  EXPECT_EQ(lobby->lines[1].msg_id, 2u);
}

TEST_F(ChatServiceTest, ASendersMessagesArrivingTogetherAreOrderedInItsOrder) {
  receive(10 * kMs, kAlice, chat_send(kAliceId, 1));
  receive(10 * kMs, kAlice, chat_send(kAliceId, 2));
  receive(10 * kMs, kAlice, chat_send(kAliceId, 3));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 3u);
  const ChannelLog* lobby = service_.book().channel("lobby");
  ASSERT_NE(lobby, nullptr);
  for (std::uint32_t i = 0; i < 3; ++i) EXPECT_EQ(lobby->lines[i].msg_id, i + 1);
}

TEST_F(ChatServiceTest, TheTokenBucketHoldsAFloodToTheBurst) {
  // The default rate: 20 a second, bursts of 40.
  ASSERT_EQ(ChatConfig{}.rate.rate_per_s, 20u);
  ASSERT_EQ(ChatConfig{}.rate.burst, 40u);
  const TimeUs t = kUsPerSecond;
  for (std::uint32_t i = 1; i <= 100; ++i) receive(t, kAlice, chat_send(kAliceId, i));
  plan(t);
  EXPECT_EQ(log_.seq, 40u) << "exactly the burst is ordered";
  EXPECT_EQ(service_.book().senders().at(kAliceId).last_msg_id, 40u);
  auto sent = publish(t);
  const auto limited = acks(sent, kAlice, wire::ChatAck::kRateLimited);
  ASSERT_FALSE(limited.empty()) << "the sender is told to wait";
  EXPECT_EQ(limited[0].msg_id, 41u) << "from the first message refused";
  EXPECT_GT(limited[0].retry_after_ms, 0u);
  EXPECT_LE(limited[0].retry_after_ms, 50u) << "a token comes back every 50 ms";
  for (const wire::ChatAck& a : limited) {
    EXPECT_GE(a.msg_id, 41u);
    EXPECT_EQ(a.through, 0u) << "nothing is committed yet";
  }
  EXPECT_TRUE(acks(sent, kAlice).empty());
  commit_all();
  auto ack = acks(publish(t), kAlice);
  ASSERT_EQ(ack.size(), 1u);
  EXPECT_EQ(ack[0].through, 40u);

  // Half a second later ten tokens are back: ten more of the resent 60 go in.
  const TimeUs later = t + 500 * kMs;
  for (std::uint32_t i = 41; i <= 100; ++i) receive(later, kAlice, chat_send(kAliceId, i, 40));
  plan(later);
  EXPECT_EQ(log_.seq, 50u);
  sent = publish(later);
  const auto again = acks(sent, kAlice, wire::ChatAck::kRateLimited);
  ASSERT_FALSE(again.empty());
  EXPECT_EQ(again[0].msg_id, 51u);
  EXPECT_EQ(again[0].through, 40u);
  // Another sender has a bucket of its own.
  receive(later, kBob, chat_send(kBobId, 1));
  plan(later);
  EXPECT_EQ(log_.seq, 51u);
}

TEST_F(ChatServiceTest, SubscribersAreShownCommittedLinesOnly) {
  receive(0, kBob, subscription(kBobId));
  receive(0, kCarol, subscription(kCarolId, 0, "pong:other"));
  auto sent = publish(0);
  ASSERT_EQ(to<wire::ChatLines>(sent, kBob).size(), 1u) << "a subscription is answered";
  EXPECT_EQ(to<wire::ChatLines>(sent, kBob)[0].head, 0u);
  EXPECT_TRUE(line_numbers(sent, kBob).empty());

  for (std::uint32_t i = 1; i <= 3; ++i) receive(10 * kMs, kAlice, chat_send(kAliceId, i));
  plan(10 * kMs);
  ASSERT_EQ(log_.seq, 3u);
  EXPECT_TRUE(line_numbers(publish(10 * kMs), kBob).empty()) << "a line shown before commit";
  commit(2);
  sent = publish(20 * kMs);
  EXPECT_EQ(line_numbers(sent, kBob), range(1, 2));
  for (const auto& m : to<wire::ChatLines>(sent, kBob)) {
    EXPECT_EQ(m.head, 2u) << "the head is the committed one";
    EXPECT_EQ(m.channel.view(), "lobby");
  }
  const auto lines = to<wire::ChatLines>(sent, kBob);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].lines[0].client_id, kAliceId);
  EXPECT_EQ(lines[0].lines[0].text.view(), "message 1");
  EXPECT_EQ(lines[0].lines[0].name.view(), "alice");
  commit(3);
  sent = publish(30 * kMs);
  EXPECT_EQ(line_numbers(sent, kBob), range(3, 3));
  EXPECT_TRUE(line_numbers(sent, kCarol).empty()) << "another channel's subscriber";
  EXPECT_TRUE(line_numbers(publish(40 * kMs), kBob).empty()) << "each line once";
}

TEST_F(ChatServiceRaisedRate, ALateJoinerGetsTheLast100Lines) {
  committed_lines(10 * kMs, 250);
  receive(20 * kMs, kCarol, subscription(kCarolId));
  std::vector<std::uint64_t> got;
  for (int tick = 0; tick < 10; ++tick) {
    const auto more = line_numbers(publish((30 + tick) * kMs), kCarol);
    got.insert(got.end(), more.begin(), more.end());
  }
  EXPECT_EQ(got, range(151, 250));
  // One that comes back says what it holds, and gets the rest.
  receive(50 * kMs, kBob, subscription(kBobId, 245));
  EXPECT_EQ(line_numbers(publish(50 * kMs), kBob), range(246, 250));
}

TEST_F(ChatServiceRaisedRate, ALateJoinerOfAShortChannelGetsAllOfIt) {
  committed_lines(10 * kMs, 7);
  receive(20 * kMs, kCarol, subscription(kCarolId));
  EXPECT_EQ(line_numbers(publish(20 * kMs), kCarol), range(1, 7));
}

TEST_F(ChatServiceRaisedRate, AHistoryRequestGetsThePageBeforeALine) {
  committed_lines(10 * kMs, 250);
  wire::ChatHistory page;
  page.client_id = kCarolId;
  page.channel.assign("lobby");
  page.before = 151;
  page.count = 100;
  receive(20 * kMs, kCarol, page);
  auto sent = publish(20 * kMs);
  EXPECT_EQ(line_numbers(sent, kCarol, wire::ChatLines::kHistory), range(51, 150));
  EXPECT_TRUE(line_numbers(sent, kCarol).empty()) << "a page is not live lines";

  page.before = 5;
  receive(30 * kMs, kCarol, page);
  EXPECT_EQ(line_numbers(publish(30 * kMs), kCarol, wire::ChatLines::kHistory), range(1, 4));

  page.before = 1000;  // Beyond the head: the newest page.
  page.count = 10;
  receive(40 * kMs, kCarol, page);
  EXPECT_EQ(line_numbers(publish(40 * kMs), kCarol, wire::ChatLines::kHistory), range(241, 250));
}

TEST_F(ChatServiceTest, AHistoryPageHoldsNothingUncommitted) {
  for (std::uint32_t i = 1; i <= 5; ++i) receive(10 * kMs, kAlice, chat_send(kAliceId, i));
  plan(10 * kMs);
  commit(3);
  wire::ChatHistory page;
  page.client_id = kCarolId;
  page.channel.assign("lobby");
  page.before = 6;
  page.count = 100;
  receive(20 * kMs, kCarol, page);
  EXPECT_EQ(line_numbers(publish(20 * kMs), kCarol, wire::ChatLines::kHistory), range(1, 3));
}

// A subscriber that missed a datagram of lines (UDP loses some) notices the hole and
// subscribes again saying which line it holds (ChatClient does so at once); the leader must
// then send the lines after that one again, or the subscriber is stuck before the hole.
// (Up to ea672c8 the leader moved only a new subscriber's cursor: a client that lost one
// datagram of lines showed nothing more from that leader.)
TEST_F(ChatServiceTest, AResubscriptionAfterAHoleSendsTheMissingLinesAgain) {
  receive(0, kBob, subscription(kBobId));
  publish(0);
  for (std::uint32_t i = 1; i <= 6; ++i) receive(10 * kMs, kAlice, chat_send(kAliceId, i));
  plan(10 * kMs);
  commit_all();
  ASSERT_EQ(line_numbers(publish(20 * kMs), kBob), range(1, 6));
  // The datagram with lines 4-6 was lost: Bob holds 3.
  receive(30 * kMs, kBob, subscription(kBobId, 3));
  EXPECT_EQ(line_numbers(publish(30 * kMs), kBob), range(4, 6));
}

TEST_F(ChatServiceTest, ASilentSubscriberIsForgotten) {
  receive(0, kBob, subscription(kBobId));
  receive(0, kCarol, subscription(kCarolId));
  publish(0);
  // Carol renews her subscription (as clients do, a few times a second; she holds no line
  // yet, but is no longer new); Bob falls silent.
  for (TimeUs t = 250 * kMs; t <= 7 * kUsPerSecond; t += 250 * kMs) {
    receive(t, kCarol, subscription(kCarolId, 0, "lobby", false));
    plan(t);
    publish(t);
  }
  EXPECT_EQ(service_.subscribers(), 1u);
  receive(7 * kUsPerSecond, kAlice, chat_send(kAliceId, 1));
  plan(7 * kUsPerSecond);
  commit_all();
  const auto sent = publish(7 * kUsPerSecond);
  EXPECT_EQ(line_numbers(sent, kCarol), range(1, 1));
  EXPECT_TRUE(to<wire::ChatLines>(sent, kBob).empty());
}

TEST_F(ChatServiceTest, AReplicaThatDoesNotHostOrdersNothing) {
  service_.end_hosting();
  receive(10 * kMs, kAlice, chat_send(kAliceId, 1));
  receive(10 * kMs, kBob, subscription(kBobId));
  plan(10 * kMs);
  EXPECT_EQ(log_.seq, 0u);
  EXPECT_TRUE(publish(10 * kMs).empty());
}

}  // namespace
}  // namespace dp::chat
