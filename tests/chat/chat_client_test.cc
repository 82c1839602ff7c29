// Drives a ChatClient by hand: the test plays the chat cluster, hands the client datagrams it
// encodes with wire::encode, and reads back what the client sends and shows.
#include "core/client/chat_client.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dp {
namespace {

constexpr TimeUs kMs = kUsPerMs;

const NodeId kClientNodeId{0, 0xC1};
const NodeId kS1{0, 1};
const NodeId kS2{0, 2};
const NodeId kS3{0, 3};
const Endpoint kClientEp{0x7f020001, 40001};
const Endpoint kS1Client{0x7f010001, kDefaultChatClientPort};
const Endpoint kS2Client{0x7f010002, kDefaultChatClientPort};
const Endpoint kS3Client{0x7f010003, kDefaultChatClientPort};
Endpoint control_of(Endpoint client) { return Endpoint{client.ip, kDefaultChatControlPort}; }
const Epoch kEpoch2{2, kS1};
const Epoch kEpoch3{3, kS2};
const Epoch kEpoch5{5, kS3};
constexpr std::uint64_t kClientId = 77;
constexpr std::uint64_t kOtherId = 88;

struct Sent {
  OutDatagram meta;
  wire::Decoded msg;
};

wire::ChatLine line(std::uint64_t n, std::uint64_t client = kOtherId, std::uint32_t msg = 0) {
  wire::ChatLine l;
  l.n = n;
  l.client_id = client;
  l.msg_id = msg == 0 ? static_cast<std::uint32_t>(n) : msg;
  l.name.assign("bob");
  l.text.assign("line " + std::to_string(n));
  return l;
}

// Live lines first..last (at most three: one datagram), the channel's head at `head`, of a
// subscription that started after line `start`.
wire::ChatLines lines(std::uint64_t first, std::uint64_t last, std::uint64_t head = 0,
                      std::string_view channel = "lobby", std::uint64_t start = 0) {
  wire::ChatLines m;
  m.channel.assign(channel);
  m.head = head == 0 ? last : head;
  m.first = 1;
  m.page = wire::ChatLines::kLive;
  m.start = start;
  for (std::uint64_t n = first; n <= last; ++n) m.lines.push_back(line(n));
  return m;
}

wire::ChatAck ack(std::uint32_t through, std::uint64_t client = kClientId) {
  wire::ChatAck a;
  a.client_id = client;
  a.through = through;
  return a;
}

class ChatClientTest : public ::testing::Test {
 protected:
  static ChatClientConfig make_config() {
    ChatClientConfig c;
    c.id = kClientNodeId;
    c.endpoints.client = kClientEp;
    c.endpoints.discovery_port = kDefaultChatDiscoveryPort;
    c.client_id = kClientId;
    c.name = "alice";
    c.seed = 5;
    return c;
  }

  ChatClientTest() : node_(make_config()) {}

  std::vector<Sent> drain() {
    std::vector<Sent> out;
    for (const auto& d : node_.outbox().datagrams()) {
      auto decoded = wire::decode(node_.outbox().bytes(d));
      EXPECT_TRUE(decoded.ok()) << "the client sent an undecodable datagram";
      if (decoded.ok()) out.push_back(Sent{d, *decoded});
    }
    node_.outbox().clear();
    return out;
  }

  template <class Msg>
  static std::vector<Msg> only(const std::vector<Sent>& sent, Endpoint to = {}) {
    std::vector<Msg> out;
    for (const auto& s : sent) {
      if (!to.is_unset() && s.meta.to != to) continue;
      if (const auto* m = std::get_if<Msg>(&s.msg.body)) out.push_back(*m);
    }
    return out;
  }
  static std::vector<std::uint32_t> send_ids(const std::vector<Sent>& sent, Endpoint to = {}) {
    std::vector<std::uint32_t> out;
    for (const wire::ChatSend& m : only<wire::ChatSend>(sent, to)) out.push_back(m.msg_id);
    return out;
  }
  static std::vector<std::uint32_t> ids(std::uint32_t first, std::uint32_t last) {
    std::vector<std::uint32_t> out;
    for (std::uint32_t i = first; i <= last; ++i) out.push_back(i);
    return out;
  }
  std::vector<std::uint64_t> shown() const {
    std::vector<std::uint64_t> out;
    for (const ChatShownLine& l : node_.lines()) out.push_back(l.line.n);
    return out;
  }
  static std::vector<std::uint64_t> numbers(std::uint64_t first, std::uint64_t last) {
    std::vector<std::uint64_t> out;
    for (std::uint64_t n = first; n <= last; ++n) out.push_back(n);
    return out;
  }

  template <class Msg>
  void deliver(TimeUs now, const NodeId& sender, const Epoch& epoch, Endpoint from,
               const Msg& msg) {
    std::vector<std::uint8_t> buf(wire::kMaxDatagramSize);
    auto size = wire::encode(sender, epoch, msg, buf);
    ASSERT_TRUE(size.ok());
    buf.resize(*size);
    node_.on_datagram(now, Channel::kClient, from, buf);
  }
  // From the leader we follow (S2, epoch 3).
  template <class Msg>
  void from_leader(TimeUs now, const Msg& msg) {
    deliver(now, kS2, kEpoch3, kS2Client, msg);
  }

  wire::DiscoverResponse leader_answer(Endpoint leader_client) {
    wire::DiscoverResponse r;
    r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
    r.control = control_of(leader_client);
    r.client = leader_client;
    r.leader_client = leader_client;
    return r;
  }

  // Starts the client and lets S2 (epoch 3) answer its discovery; returns when it is connected.
  TimeUs connect() {
    node_.start(0);
    drain();
    deliver(5 * kMs, kS2, kEpoch3, control_of(kS2Client), leader_answer(kS2Client));
    const TimeUs at = node_.next_tick_at();
    node_.on_tick(at);
    EXPECT_EQ(node_.phase(), ChatPhase::kConnected);
    return at;
  }

  ChatClient node_;
};

TEST_F(ChatClientTest, BroadcastsDiscoveryOnTheChatPortAndConnectsToTheLeader) {
  node_.start(0);
  auto sent = drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].meta.broadcast);
  EXPECT_EQ(sent[0].meta.to.port, kDefaultChatDiscoveryPort);
  const auto& request = std::get<wire::DiscoverRequest>(sent[0].msg.body);
  EXPECT_EQ(request.asker_role, static_cast<std::uint8_t>(wire::Role::kClient));
  EXPECT_EQ(node_.phase(), ChatPhase::kDiscovering);
  // Nobody answers: it asks again.
  node_.on_tick(node_.next_tick_at());
  EXPECT_EQ(only<wire::DiscoverRequest>(drain()).size(), 1u);

  // A leader answers; after the discovery window the client follows it and subscribes.
  deliver(300 * kMs, kS2, kEpoch3, control_of(kS2Client), leader_answer(kS2Client));
  EXPECT_EQ(node_.phase(), ChatPhase::kDiscovering) << "it waits for other answers first";
  node_.on_tick(node_.next_tick_at());
  EXPECT_EQ(node_.phase(), ChatPhase::kConnected);
  EXPECT_EQ(node_.leader_epoch(), kEpoch3);
  sent = drain();
  const auto subs = only<wire::ChatSubscribe>(sent, kS2Client);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].client_id, kClientId);
  EXPECT_EQ(subs[0].channel.view(), "lobby");
  EXPECT_EQ(subs[0].after, 0u);
  EXPECT_EQ(subs[0].fresh, 1u) << "a new subscriber asks for the last lines";
}

TEST_F(ChatClientTest, TakesTheNewestLeaderAmongTheAnswers) {
  node_.start(0);
  drain();
  deliver(1 * kMs, kS2, kEpoch3, control_of(kS2Client), leader_answer(kS2Client));
  deliver(2 * kMs, kS3, kEpoch5, control_of(kS3Client), leader_answer(kS3Client));
  deliver(3 * kMs, kS1, kEpoch2, control_of(kS1Client), leader_answer(kS1Client));
  node_.on_tick(node_.next_tick_at());
  EXPECT_EQ(node_.leader_epoch(), kEpoch5);
  EXPECT_EQ(only<wire::ChatSubscribe>(drain(), kS3Client).size(), 1u);
}

TEST_F(ChatClientTest, IgnoresAnAnswerNotFromTheServerItNames) {
  node_.start(0);
  drain();
  // Claims to lead, but the datagram does not come from the control endpoint it names.
  deliver(1 * kMs, kS2, kEpoch3, Endpoint{0x7f099999, 1234}, leader_answer(kS2Client));
  // Claims to lead an epoch that names another leader.
  deliver(1 * kMs, kS2, kEpoch5, control_of(kS2Client), leader_answer(kS2Client));
  node_.on_tick(100 * kMs);
  EXPECT_EQ(node_.phase(), ChatPhase::kDiscovering);
}

TEST_F(ChatClientTest, SendsAWindowOfMessagesAndResendsThemUntilAcked) {
  const TimeUs t = connect();
  drain();
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(node_.send(t, "hello " + std::to_string(i)), static_cast<std::uint32_t>(i));
  }
  auto sent = drain();
  EXPECT_EQ(send_ids(sent, kS2Client), ids(1, 16)) << "a window of 16 goes at once";
  const auto sends = only<wire::ChatSend>(sent);
  ASSERT_FALSE(sends.empty());
  EXPECT_EQ(sends[0].client_id, kClientId);
  EXPECT_EQ(sends[0].acked, 0u);
  EXPECT_EQ(sends[0].channel.view(), "lobby");
  EXPECT_EQ(sends[0].name.view(), "alice");
  EXPECT_EQ(sends[0].text.view(), "hello 1");
  EXPECT_EQ(node_.queued(), 20u);

  const TimeUs resend = node_.config().resend_after_us;
  ASSERT_LT(resend, node_.config().silence_timeout_us);
  node_.on_tick(t + resend - 1 * kMs);
  EXPECT_TRUE(send_ids(drain()).empty()) << "resent before the resend timeout";
  node_.on_tick(t + resend);
  EXPECT_EQ(send_ids(drain(), kS2Client), ids(1, 16)) << "unacknowledged: sent again";
  EXPECT_EQ(node_.stats().resends, 16u);
}

TEST_F(ChatClientTest, AnAckDeliversAndSlidesTheWindow) {
  const TimeUs t = connect();
  for (int i = 1; i <= 20; ++i) node_.send(t, "m" + std::to_string(i));
  drain();
  from_leader(t + 10 * kMs, ack(10));
  EXPECT_EQ(node_.acked(), 10u);
  for (const ChatOutgoing& out : node_.outgoing()) {
    EXPECT_EQ(out.delivered(), out.msg_id <= 10) << "message " << out.msg_id;
  }
  auto sent = drain();
  EXPECT_EQ(send_ids(sent, kS2Client), ids(17, 20)) << "the window slid by ten";
  for (const wire::ChatSend& m : only<wire::ChatSend>(sent)) EXPECT_EQ(m.acked, 10u);

  // Not for us, from a leader we do not follow, or for a message never sent: ignored.
  from_leader(t + 20 * kMs, ack(15, kOtherId));
  deliver(t + 20 * kMs, kS1, kEpoch2, kS1Client, ack(15));
  deliver(t + 20 * kMs, kS2, kEpoch3, kS1Client, ack(15));
  from_leader(t + 20 * kMs, ack(21));
  EXPECT_EQ(node_.acked(), 10u);
  from_leader(t + 30 * kMs, ack(20));
  EXPECT_EQ(node_.acked(), 20u);
  for (const ChatOutgoing& out : node_.outgoing()) EXPECT_TRUE(out.delivered());
  from_leader(t + 40 * kMs, ack(5));
  EXPECT_EQ(node_.acked(), 20u) << "an old ack takes nothing back";
}

TEST_F(ChatClientTest, RateLimitedHoldsSendingUntilTheWaitIsOver) {
  const TimeUs t = connect();
  for (int i = 1; i <= 5; ++i) node_.send(t, "m" + std::to_string(i));
  EXPECT_EQ(send_ids(drain()), ids(1, 5));
  wire::ChatAck later = ack(2);
  later.status = wire::ChatAck::kRateLimited;
  later.msg_id = 3;
  later.retry_after_ms = 100;
  from_leader(t + 10 * kMs, later);
  EXPECT_EQ(node_.acked(), 2u) << "what it says is delivered is delivered";
  EXPECT_EQ(node_.stats().rate_limited, 1u);
  EXPECT_GE(node_.next_tick_at(), t + 110 * kMs);
  node_.send(t + 20 * kMs, "m6");
  node_.on_tick(t + 60 * kMs);
  node_.on_tick(t + 109 * kMs);
  EXPECT_TRUE(send_ids(drain()).empty()) << "sent while told to wait";
  node_.on_tick(t + 110 * kMs);
  EXPECT_EQ(send_ids(drain(), kS2Client), ids(3, 6)) << "from the refused message on";
}

TEST_F(ChatClientTest, RefusesATextTheWireWouldRefuse) {
  const TimeUs t = connect();
  drain();
  EXPECT_EQ(node_.send(t, ""), 0u);
  EXPECT_EQ(node_.send(t, "two\nlines"), 0u);
  EXPECT_EQ(node_.send(t, std::string(281, 'x')), 0u);
  EXPECT_EQ(node_.send(t, "\xc0\xaf"), 0u);
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(node_.queued(), 0u);
  EXPECT_EQ(node_.send(t, std::string(280, 'x')), 1u);
}

TEST_F(ChatClientTest, TakesLinesInOrder) {
  const TimeUs t = connect();
  from_leader(t + 10 * kMs, lines(1, 3, 6));
  from_leader(t + 11 * kMs, lines(4, 6));
  EXPECT_EQ(shown(), numbers(1, 6));
  EXPECT_EQ(node_.last_line(), 6u);
  ASSERT_EQ(node_.lines().size(), 6u);
  EXPECT_EQ(node_.lines()[0].line.text.view(), "line 1");
  EXPECT_EQ(node_.lines()[0].line.name.view(), "bob");
  // Another channel's lines are not ours.
  from_leader(t + 12 * kMs, lines(7, 9, 0, "pong:x"));
  EXPECT_EQ(shown(), numbers(1, 6));
}

TEST_F(ChatClientTest, ALateJoinerStartsWhereTheLeaderBegins) {
  const TimeUs t = connect();
  from_leader(t + 10 * kMs, lines(151, 153, 250, "lobby", 150));
  EXPECT_EQ(shown(), numbers(151, 153));
  EXPECT_EQ(node_.head(), 250u);
}

TEST_F(ChatClientTest, AGapIsNotShownAndTriggersAResubscription) {
  const TimeUs t = connect();
  from_leader(t + 10 * kMs, lines(1, 3));
  drain();
  // Lines 4-6 were lost.
  from_leader(t + 20 * kMs, lines(7, 9));
  EXPECT_EQ(shown(), numbers(1, 3)) << "a line past a hole was shown";
  EXPECT_EQ(node_.stats().gaps, 1u);
  const auto subs = only<wire::ChatSubscribe>(drain(), kS2Client);
  ASSERT_EQ(subs.size(), 1u) << "the hole is asked for at once";
  EXPECT_EQ(subs[0].after, 3u);
  EXPECT_EQ(subs[0].fresh, 0u);
  // The missing lines come, then the rest again.
  from_leader(t + 30 * kMs, lines(4, 6, 9));
  from_leader(t + 31 * kMs, lines(7, 9));
  EXPECT_EQ(shown(), numbers(1, 9));
}

TEST_F(ChatClientTest, DropsDuplicateLines) {
  const TimeUs t = connect();
  from_leader(t + 10 * kMs, lines(1, 3));
  from_leader(t + 11 * kMs, lines(1, 3));
  EXPECT_EQ(shown(), numbers(1, 3));
  EXPECT_EQ(node_.stats().duplicates, 3u);
  from_leader(t + 12 * kMs, lines(2, 4));
  EXPECT_EQ(shown(), numbers(1, 4));
  EXPECT_EQ(node_.stats().duplicates, 5u);
  EXPECT_EQ(node_.stats().lines, 4u);
}

TEST_F(ChatClientTest, FollowsALeaderOfANewerEpochAndDropsTheOldOne) {
  const TimeUs t = connect();
  from_leader(t + 5 * kMs, lines(1, 2));
  node_.send(t + 10 * kMs, "one");
  node_.send(t + 10 * kMs, "two");
  EXPECT_EQ(send_ids(drain(), kS2Client), ids(1, 2));

  // S3 leads epoch 5 and answers our subscription (the cluster moved on).
  deliver(t + 20 * kMs, kS3, kEpoch5, kS3Client, lines(3, 3));
  EXPECT_EQ(node_.leader_epoch(), kEpoch5);
  EXPECT_EQ(node_.stats().rehomes, 1u);
  EXPECT_EQ(shown(), numbers(1, 3));
  auto sent = drain();
  EXPECT_EQ(send_ids(sent, kS3Client), ids(1, 2)) << "what is in flight goes to the new leader";
  EXPECT_TRUE(send_ids(sent, kS2Client).empty());
  const auto subs = only<wire::ChatSubscribe>(sent, kS3Client);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].after, 2u) << "it says which lines it holds";

  // The old leader, still talking, is no longer heard.
  deliver(t + 30 * kMs, kS2, kEpoch3, kS2Client, ack(2));
  deliver(t + 30 * kMs, kS2, kEpoch3, kS2Client, lines(4, 4));
  EXPECT_EQ(node_.acked(), 0u);
  EXPECT_EQ(shown(), numbers(1, 3));
  // Nor is a datagram that claims a newer epoch led by someone else.
  deliver(t + 30 * kMs, kS2, Epoch{9, kS1}, kS2Client, ack(2));
  EXPECT_EQ(node_.leader_epoch(), kEpoch5);
  deliver(t + 40 * kMs, kS3, kEpoch5, kS3Client, ack(2));
  EXPECT_EQ(node_.acked(), 2u);
}

TEST_F(ChatClientTest, ASilentLeaderSendsTheClientBackToDiscovery) {
  const TimeUs t = connect();
  const TimeUs silence = node_.config().silence_timeout_us;
  node_.send(t, "in flight");
  drain();
  node_.on_tick(t + silence - 1 * kMs);
  EXPECT_EQ(node_.phase(), ChatPhase::kConnected);
  drain();
  node_.on_tick(t + silence);
  EXPECT_EQ(node_.phase(), ChatPhase::kDiscovering);
  EXPECT_FALSE(node_.connected(t + silence));
  auto sent = drain();
  EXPECT_EQ(only<wire::DiscoverRequest>(sent).size(), 1u);
  EXPECT_TRUE(send_ids(sent).empty());
  // The new leader (a newer epoch) is found; the message goes to it.
  deliver(t + silence + 100 * kMs, kS3, kEpoch5, control_of(kS3Client), leader_answer(kS3Client));
  node_.on_tick(node_.next_tick_at());
  EXPECT_EQ(node_.leader_epoch(), kEpoch5);
  EXPECT_EQ(send_ids(drain(), kS3Client), ids(1, 1));
  EXPECT_EQ(node_.stats().rediscoveries, 1u);
}

TEST_F(ChatClientTest, NeverGoesBackToAnOlderLeaderOnRediscovery) {
  const TimeUs t = connect();
  deliver(t + 1 * kMs, kS3, kEpoch5, kS3Client, lines(1, 1));
  ASSERT_EQ(node_.leader_epoch(), kEpoch5);
  const TimeUs silent = t + 1 * kMs + node_.config().silence_timeout_us;
  node_.on_tick(silent);  // S3 fell silent.
  ASSERT_EQ(node_.phase(), ChatPhase::kDiscovering);
  drain();
  deliver(silent + 1 * kMs, kS2, kEpoch3, control_of(kS2Client), leader_answer(kS2Client));
  node_.on_tick(silent + 100 * kMs);
  EXPECT_EQ(node_.phase(), ChatPhase::kDiscovering) << "a stale leader was followed";
}

}  // namespace
}  // namespace dp
