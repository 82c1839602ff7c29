// Drives a ClientNode by hand: the test plays the cluster, hands it datagrams and reads back
// what the client sends and shows.

#include "core/client/client_node.h"
#include "core/services/pong/notes.h"

#include <gtest/gtest.h>

#include <vector>

namespace dp {
namespace {

constexpr TimeUs kMs = kUsPerMs;

const NodeId kClientNodeId{0, 0xC1};
const NodeId kS1{0, 1};
const NodeId kS2{0, 2};
const NodeId kS3{0, 3};
const Endpoint kClientEp{0x7f020001, 40001};
const Endpoint kS1Client{0x7f010001, kDefaultClientPort};
const Endpoint kS2Client{0x7f010002, kDefaultClientPort};
const Endpoint kS3Client{0x7f010003, kDefaultClientPort};
// Servers answer discovery from their control socket, on the same host as their client one.
Endpoint control_of(Endpoint client) { return Endpoint{client.ip, kDefaultControlPort}; }
const Epoch kEpoch3{3, kS2};
const Epoch kEpoch5{5, kS3};
constexpr std::uint64_t kClientId = 77;
constexpr std::uint32_t kRoom = 4;

struct Sent {
  OutDatagram meta;
  wire::Decoded msg;
};

wire::RoomState make_state(std::uint32_t room, std::uint64_t seq, std::uint8_t phase,
                           std::uint8_t left = 0, std::uint8_t right = 0) {
  wire::RoomState s;
  s.room = room;
  s.seq = seq;
  s.name.assign("lobby");
  s.phase = phase;
  s.your_slot = 0;
  s.target_score = 5;
  s.score_left = left;
  s.score_right = right;
  return s;
}

class ClientNodeTest : public ::testing::Test {
 protected:
  static ClientConfig make_config() {
    ClientConfig c;
    c.client_id = kClientId;
    c.id = kClientNodeId;
    c.endpoints.client = kClientEp;
    c.room_name = "lobby";
    c.seed = 5;
    return c;
  }

  ClientNodeTest() : node_(make_config()) {}

  // Decodes and clears everything the node has sent so far.
  std::vector<Sent> drain() {
    std::vector<Sent> out;
    for (const auto& d : node_.outbox().datagrams()) {
      auto decoded = wire::decode(node_.outbox().bytes(d));
      EXPECT_TRUE(decoded.ok()) << "client sent an undecodable datagram";
      if (decoded.ok()) out.push_back(Sent{d, *decoded});
    }
    node_.outbox().clear();
    return out;
  }

  template <class Msg>
  static std::vector<Msg> only(const std::vector<Sent>& sent) {
    std::vector<Msg> out;
    for (const auto& s : sent) {
      if (const auto* m = std::get_if<Msg>(&s.msg.body)) out.push_back(*m);
    }
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

  void tick_to(TimeUs now) { node_.on_tick(now); }

  // Starts the node and makes it choose `leader` (answering as that leader itself).
  void discover(TimeUs now, const NodeId& leader, const Epoch& epoch, Endpoint leader_client) {
    node_.start(now);
    wire::DiscoverResponse r;
    r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
    r.client = leader_client;
    r.leader_client = leader_client;
    r.control = control_of(leader_client);
    deliver(now + 1 * kMs, leader, epoch, r.control, r);
    tick_to(node_.next_tick_at());
  }

  // Start, discover S2 (epoch 3) and get seated in kRoom with a playing state at seq 10.
  TimeUs seat_playing() {
    discover(0, kS2, kEpoch3, kS2Client);
    const TimeUs now = node_.next_tick_at() - 100 * kMs;
    deliver(now, kS2, kEpoch3, kS2Client, make_state(kRoom, 10, room_phase::kPlaying));
    drain();
    return now;
  }

  std::vector<NodeEvent> events_of(NodeEventKind kind) {
    std::vector<NodeEvent> out;
    for (const auto& e : node_.outbox().events()) {
      if (e.kind == kind) out.push_back(e);
    }
    return out;
  }

  ClientNode node_;
};

TEST_F(ClientNodeTest, BroadcastsDiscoveryAtStartAndRetriesWhileLeaderless) {
  node_.start(0);
  auto sent = drain();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].meta.broadcast);
  EXPECT_EQ(sent[0].meta.from, Channel::kClient);
  EXPECT_EQ(sent[0].meta.to.port, kDefaultDiscoveryPort);
  const auto& request = std::get<wire::DiscoverRequest>(sent[0].msg.body);
  EXPECT_EQ(request.asker_role, static_cast<std::uint8_t>(wire::Role::kClient));
  EXPECT_EQ(request.client, kClientEp);
  EXPECT_EQ(sent[0].msg.header.sender, kClientNodeId);

  const TimeUs retry = node_.next_tick_at();
  EXPECT_GE(retry, 250 * kMs);
  EXPECT_LE(retry, 275 * kMs);
  tick_to(retry - 1);
  EXPECT_TRUE(drain().empty());
  tick_to(retry);
  EXPECT_EQ(only<wire::DiscoverRequest>(drain()).size(), 1u);
  EXPECT_EQ(node_.phase(), ClientPhase::kDiscovering);
}

TEST_F(ClientNodeTest, PicksTheLeaderWithTheHighestEpoch) {
  node_.start(0);
  drain();
  // A deposed leader that has not heard the news answers first.
  wire::DiscoverResponse stale;
  stale.role = static_cast<std::uint8_t>(wire::Role::kLeader);
  stale.client = kS2Client;
  stale.control = control_of(kS2Client);
  deliver(1 * kMs, kS2, kEpoch3, stale.control, stale);
  // A follower's hint naming another host cannot be checked: it is ignored.
  wire::DiscoverResponse hint;
  hint.role = static_cast<std::uint8_t>(wire::Role::kFollower);
  hint.client = kS1Client;
  hint.control = control_of(kS1Client);
  hint.leader_client = Endpoint{0x0a000001, kDefaultClientPort};
  deliver(2 * kMs, kS1, kEpoch5, hint.control, hint);
  // A reply whose endpoints do not match its source (corrupted or forged) is ignored.
  wire::DiscoverResponse forged;
  forged.role = static_cast<std::uint8_t>(wire::Role::kLeader);
  forged.client = Endpoint{0x0b000001, kDefaultClientPort};
  forged.control = Endpoint{0x0b000001, kDefaultControlPort};
  deliver(2 * kMs, kS3, Epoch{9, kS3}, control_of(kS3Client), forged);
  // The real leader of the newer epoch answers itself.
  wire::DiscoverResponse leader;
  leader.role = static_cast<std::uint8_t>(wire::Role::kLeader);
  leader.client = kS3Client;
  leader.control = control_of(kS3Client);
  deliver(3 * kMs, kS3, kEpoch5, leader.control, leader);
  EXPECT_TRUE(drain().empty()) << "the client listens a little before it chooses";

  tick_to(node_.next_tick_at());
  auto sent = drain();
  auto joins = only<wire::Join>(sent);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(sent[0].meta.to, kS3Client);
  EXPECT_FALSE(sent[0].meta.broadcast);
  EXPECT_EQ(joins[0].client_id, kClientId);
  EXPECT_EQ(joins[0].room_name.view(), "lobby");
  EXPECT_EQ(node_.leader(), kS3);
  EXPECT_EQ(node_.leader_epoch(), kEpoch5);
  EXPECT_EQ(node_.phase(), ClientPhase::kJoining);
}

TEST_F(ClientNodeTest, RetriesJoinUntilAStateArrives) {
  discover(0, kS2, kEpoch3, kS2Client);
  EXPECT_EQ(only<wire::Join>(drain()).size(), 1u);
  tick_to(node_.next_tick_at());
  auto retry = drain();
  ASSERT_EQ(only<wire::Join>(retry).size(), 1u);
  EXPECT_EQ(retry[0].meta.to, kS2Client);

  deliver(400 * kMs, kS2, kEpoch3, kS2Client, make_state(kRoom, 3, room_phase::kWaiting));
  EXPECT_EQ(node_.phase(), ClientPhase::kSeated);
  EXPECT_EQ(node_.room(), kRoom);
  for (TimeUs t = 400 * kMs; t < 900 * kMs; t += 16 * kMs) tick_to(t);
  auto sent = drain();
  EXPECT_TRUE(only<wire::Join>(sent).empty());
  // While the room waits, only a keepalive every 250 ms (so the leader does not take the
  // silence for a crash), and it moves no paddle.
  const auto keepalives = only<wire::Input>(sent);
  EXPECT_GE(keepalives.size(), 1u);
  EXPECT_LE(keepalives.size(), 3u);
  for (const auto& in : keepalives) EXPECT_EQ(in.recent[0], 0);
}

TEST_F(ClientNodeTest, AcceptsOnlyNewerEpochSeqWhenDatagramsAreReordered) {
  const TimeUs t = seat_playing();
  deliver(t + 1, kS2, kEpoch3, kS2Client, make_state(kRoom, 12, room_phase::kPlaying, 1, 0));
  deliver(t + 2, kS2, kEpoch3, kS2Client, make_state(kRoom, 11, room_phase::kPlaying, 0, 0));
  deliver(t + 3, kS2, kEpoch3, kS2Client, make_state(kRoom, 12, room_phase::kPlaying, 1, 0));
  ASSERT_NE(node_.shown(), nullptr);
  EXPECT_EQ(node_.shown()->seq, 12u);
  EXPECT_EQ(node_.shown()->score_left, 1);
  EXPECT_EQ(node_.shown_position(), (StatePosition{kEpoch3, 12}));
  EXPECT_EQ(node_.states_accepted(), 2u);
  EXPECT_EQ(node_.stats().states_stale, 2u);

  // An older epoch is ignored however large its seq.
  deliver(t + 4, kS1, Epoch{2, kS1}, kS1Client, make_state(kRoom, 999, room_phase::kPlaying));
  EXPECT_EQ(node_.shown()->seq, 12u);
  EXPECT_EQ(node_.stats().states_stale, 3u);
  // Another room's state is ignored.
  deliver(t + 5, kS2, kEpoch3, kS2Client, make_state(kRoom + 1, 13, room_phase::kPlaying));
  EXPECT_EQ(node_.shown()->room, kRoom);
  EXPECT_EQ(node_.stats().states_other_room, 1u);
  // A state whose sender is not the leader its epoch names is ignored.
  deliver(t + 6, kS1, kEpoch3, kS1Client, make_state(kRoom, 14, room_phase::kPlaying));
  EXPECT_EQ(node_.shown()->seq, 12u);
  EXPECT_EQ(node_.stats().states_not_leader, 1u);
  EXPECT_FALSE(node_.score_went_backwards());
}

TEST_F(ClientNodeTest, RehomesToANewLeaderThatAnnouncesANewerEpoch) {
  TimeUs t = seat_playing();
  deliver(t + 16 * kMs, kS2, kEpoch3, kS2Client,
          make_state(kRoom, 100, room_phase::kPlaying, 2, 1));
  node_.outbox().clear();

  // The new leader's order restarts low, but its epoch is newer: the state is accepted.
  t += 316 * kMs;
  deliver(t, kS3, kEpoch5, kS3Client, make_state(kRoom, 7, room_phase::kPlaying, 2, 1));
  EXPECT_EQ(node_.shown_position(), (StatePosition{kEpoch5, 7}));
  EXPECT_EQ(node_.leader(), kS3);
  EXPECT_EQ(node_.leader_client(), kS3Client);
  auto rehomed = events_of(NodeEventKind::kClientRehomed);
  ASSERT_EQ(rehomed.size(), 1u);
  EXPECT_EQ(rehomed[0].peer, kS3);
  EXPECT_EQ(rehomed[0].epoch, kEpoch5);
  EXPECT_EQ(node_.longest_stall_us(), 300 * kMs);
  EXPECT_EQ(node_.last_state_at_us(), t);

  // The deposed leader can no longer overwrite the display.
  deliver(t + 1, kS2, kEpoch3, kS2Client, make_state(kRoom, 101, room_phase::kPlaying, 0, 0));
  EXPECT_EQ(node_.shown_position(), (StatePosition{kEpoch5, 7}));

  // Inputs now go to the new leader.
  node_.outbox().clear();
  tick_to(node_.next_tick_at());
  auto sent = drain();
  ASSERT_EQ(only<wire::Input>(sent).size(), 1u);
  EXPECT_EQ(sent[0].meta.to, kS3Client);
  EXPECT_EQ(sent[0].meta.from, Channel::kClient);
}

TEST_F(ClientNodeTest, ANewerLeaderThatNeverServesDoesNotHideAnOlderOneThatDoes) {
  // Found by the swarm: during a partition a client chose the newest leader it heard of, a
  // server cut off from the others that never served; the states the working (older) leader
  // kept sending it were thrown away, and the player missed the end of its match.
  const TimeUs t = seat_playing();  // Epoch 3 (S2), seq 10.
  node_.outbox().clear();
  tick_to(t + node_.config().silence_timeout_us + 1);
  ASSERT_EQ(node_.phase(), ClientPhase::kDiscovering);
  wire::DiscoverResponse r;
  r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
  r.client = kS3Client;
  r.leader_client = kS3Client;
  r.control = control_of(kS3Client);
  const TimeUs later = t + node_.config().silence_timeout_us + 2;
  deliver(later, kS3, kEpoch5, r.control, r);
  tick_to(node_.next_tick_at());
  ASSERT_EQ(node_.phase(), ClientPhase::kJoining);
  // S3 (epoch 5) stays silent; S2 (epoch 3) still leads the room and says so.
  deliver(node_.next_tick_at() - 1, kS2, kEpoch3, kS2Client,
          make_state(kRoom, 20, room_phase::kGameOver, 0, 5));
  EXPECT_EQ(node_.shown_position(), (StatePosition{kEpoch3, 20}));
  EXPECT_EQ(node_.phase(), ClientPhase::kSeated);
}

TEST_F(ClientNodeTest, AClusterRebuiltFromEmptyDisksIsJoinedThoughItsEpochsStartAgain) {
  // Every disk of the cluster was lost: the servers came back with term 1 and a new identity.
  // The client must not wait for ever for an epoch newer than the 3 it saw.
  const Epoch ours{1, kS2};
  const Epoch rebuilt{1, kS1};
  const Epoch rebuilt_leader{1, kS1};
  auto answer = [&](Endpoint client, const Epoch& identity) {
    wire::DiscoverResponse r;
    r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
    r.client = client;
    r.leader_client = client;
    r.control = control_of(client);
    r.identity.push_back(identity);
    return r;
  };
  node_.start(0);
  deliver(1 * kMs, kS2, kEpoch3, control_of(kS2Client), answer(kS2Client, ours));
  tick_to(node_.next_tick_at());
  TimeUs t = node_.next_tick_at() - 100 * kMs;
  deliver(t, kS2, kEpoch3, kS2Client, make_state(kRoom, 10, room_phase::kPlaying));
  ASSERT_EQ(node_.cluster(), ours);
  tick_to(t + node_.config().silence_timeout_us + 1);
  ASSERT_EQ(node_.phase(), ClientPhase::kDiscovering);
  t = node_.next_tick_at() - 1;
  // A stale leader of our own cluster with an older epoch is still refused...
  deliver(t, kS1, Epoch{2, kS1}, control_of(kS1Client), answer(kS1Client, ours));
  EXPECT_EQ(node_.stats().responses_ignored, 1u);
  // ...but the rebuilt cluster, whose epoch 1 is "older", is another history: join it.
  deliver(t, kS1, rebuilt_leader, control_of(kS1Client), answer(kS1Client, rebuilt));
  tick_to(t + node_.config().discovery_window_us + 1);
  ASSERT_EQ(node_.phase(), ClientPhase::kJoining);
  EXPECT_EQ(node_.cluster(), rebuilt);
  EXPECT_EQ(node_.stats().clusters_changed, 1u);
  deliver(node_.next_tick_at() - 1, kS1, rebuilt_leader, kS1Client,
          make_state(1, 3, room_phase::kWaiting));
  EXPECT_EQ(node_.shown_position(), (StatePosition{rebuilt_leader, 3}));
  EXPECT_EQ(node_.shown()->room, 1u);
}

TEST_F(ClientNodeTest, InputsCarryTheLastEightDirectionsNewestFirst) {
  const std::vector<std::int8_t> script = {1, -1, 0, 1, 1, -1, 0, 0, 1, -1, 7};
  std::size_t calls = 0;
  node_.set_input_policy([&](const wire::RoomState& shown, std::uint8_t slot, Rng&) {
    EXPECT_EQ(shown.room, kRoom);
    EXPECT_EQ(slot, 0);
    return script[calls++ % script.size()];
  });
  seat_playing();
  std::vector<wire::Input> inputs;
  for (int i = 0; i < 11; ++i) {
    const TimeUs next = node_.next_tick_at();
    tick_to(next);
    for (const auto& in : only<wire::Input>(drain())) inputs.push_back(in);
    // Keep the room alive so silence does not interfere.
    deliver(next, kS2, kEpoch3, kS2Client,
            make_state(kRoom, 20 + static_cast<std::uint64_t>(i), room_phase::kPlaying));
  }
  ASSERT_EQ(inputs.size(), 11u);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(inputs[i].input_seq, i + 1);
    EXPECT_EQ(inputs[i].client_id, kClientId);
    EXPECT_EQ(inputs[i].room, kRoom);
  }
  EXPECT_EQ(inputs[0].recent.size(), 1u);
  EXPECT_EQ(inputs[2].recent.size(), 3u);
  EXPECT_EQ(inputs[2].recent[0], 0);
  EXPECT_EQ(inputs[2].recent[1], -1);
  EXPECT_EQ(inputs[2].recent[2], 1);
  const auto& last = inputs.back();
  ASSERT_EQ(last.recent.size(), 8u);
  // Newest first; the policy's 7 is clamped to 1. Script indices 10 down to 3.
  const std::vector<std::int8_t> expected = {1, -1, 1, 0, 0, -1, 1, 1};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(last.recent[i], expected[i]) << "index " << i;
  EXPECT_TRUE(last.valid());
}

TEST_F(ClientNodeTest, SilenceSendsItBackToDiscoveryAndItRejoinsWithTheSameClientId) {
  const TimeUs t = seat_playing();
  // Nothing from the leader for the silence timeout.
  TimeUs now = t;
  while (node_.phase() == ClientPhase::kSeated && now < t + 2 * kUsPerSecond) {
    now = node_.next_tick_at();
    tick_to(now);
  }
  EXPECT_EQ(now, t + 1 * kUsPerSecond);
  EXPECT_EQ(node_.phase(), ClientPhase::kDiscovering);
  EXPECT_EQ(node_.stats().rediscoveries, 1u);
  EXPECT_EQ(events_of(NodeEventKind::kSuspectLeader).size(), 1u);
  auto sent = drain();
  auto requests = only<wire::DiscoverRequest>(sent);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(sent.back().meta.broadcast);

  wire::DiscoverResponse r;
  r.role = static_cast<std::uint8_t>(wire::Role::kLeader);
  r.client = kS3Client;
  r.control = control_of(kS3Client);
  deliver(now + 1 * kMs, kS3, kEpoch5, r.control, r);
  tick_to(node_.next_tick_at());
  sent = drain();
  auto joins = only<wire::Join>(sent);
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_EQ(sent[0].meta.to, kS3Client);
  EXPECT_EQ(joins[0].client_id, kClientId);
  EXPECT_EQ(joins[0].room_name.view(), "lobby");
  EXPECT_EQ(node_.room(), kRoom);

  deliver(now + 30 * kMs, kS3, kEpoch5, kS3Client, make_state(kRoom, 2, room_phase::kPlaying));
  EXPECT_EQ(node_.phase(), ClientPhase::kSeated);
  EXPECT_EQ(node_.stats().rehomes, 1u);
  EXPECT_EQ(node_.longest_stall_us(), now + 30 * kMs - t);
}

TEST_F(ClientNodeTest, FlagsAScoreThatGoesBackwardsEvenFromANewerEpoch) {
  const TimeUs t = seat_playing();
  deliver(t + 1, kS2, kEpoch3, kS2Client, make_state(kRoom, 50, room_phase::kPlaying, 3, 2));
  EXPECT_FALSE(node_.score_went_backwards());
  // A new leader that lost a point it had shown: accepted (newer epoch), and flagged.
  deliver(t + 2, kS3, kEpoch5, kS3Client, make_state(kRoom, 9, room_phase::kPlaying, 2, 2));
  EXPECT_EQ(node_.shown()->score_left, 2);
  EXPECT_TRUE(node_.score_went_backwards());
  // The flag is sticky: later progress does not clear it.
  deliver(t + 3, kS3, kEpoch5, kS3Client, make_state(kRoom, 10, room_phase::kPlaying, 3, 2));
  EXPECT_TRUE(node_.score_went_backwards());
}

TEST_F(ClientNodeTest, ReportsShownStatesOnlyWhenTheScoreChanges) {
  discover(0, kS2, kEpoch3, kS2Client);
  node_.outbox().clear();
  const TimeUs t = 100 * kMs;
  deliver(t, kS2, kEpoch3, kS2Client, make_state(kRoom, 10, room_phase::kPlaying));
  ASSERT_EQ(events_of(NodeEventKind::kServiceNote).size(), 1u) << "the first state";
  node_.outbox().clear();
  deliver(t + 1, kS2, kEpoch3, kS2Client, make_state(kRoom, 11, room_phase::kPlaying));
  deliver(t + 2, kS2, kEpoch3, kS2Client, make_state(kRoom, 12, room_phase::kPlaying));
  EXPECT_TRUE(events_of(NodeEventKind::kServiceNote).empty());
  deliver(t + 3, kS2, kEpoch3, kS2Client, make_state(kRoom, 13, room_phase::kPlaying, 1, 0));
  auto shown = events_of(NodeEventKind::kServiceNote);
  ASSERT_EQ(shown.size(), 1u);
  const auto note = shown[0].note.as<pong::StateShown>();
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->room, kRoom);
  EXPECT_EQ(note->score, (pong::Score{1, 0}));
}

TEST_F(ClientNodeTest, RecordsGameOverAndStopsSendingInputs) {
  const TimeUs t = seat_playing();
  auto over = make_state(kRoom, 90, room_phase::kGameOver, 3, 5);
  over.winner = 2;  // Slot 1 (right) won.
  deliver(t + 10 * kMs, kS2, kEpoch3, kS2Client, over);
  ASSERT_TRUE(node_.result().has_value());
  EXPECT_EQ(node_.result()->winner_slot, 1);
  EXPECT_EQ(node_.result()->score_left, 3);
  EXPECT_EQ(node_.result()->score_right, 5);
  EXPECT_FALSE(node_.result()->won());
  EXPECT_EQ(node_.phase(), ClientPhase::kFinished);

  // No inputs and no rediscovery, however long the leader stays quiet.
  for (int i = 0; i < 200; ++i) tick_to(node_.next_tick_at());
  EXPECT_TRUE(drain().empty());
  EXPECT_EQ(node_.phase(), ClientPhase::kFinished);
}

TEST_F(ClientNodeTest, TheResultOutlivesTheRoomClosing) {
  const TimeUs t = seat_playing();
  auto over = make_state(kRoom, 90, room_phase::kGameOver, 4, 5);
  over.winner = 2;
  deliver(t + 10 * kMs, kS2, kEpoch3, kS2Client, over);
  wire::LeaderboardState board;
  board.room = kRoom;
  board.result = 1;
  deliver(t + 20 * kMs, kS2, kEpoch3, kS2Client, board);
  ASSERT_TRUE(node_.result().has_value());
  // The leader closes the finished room a couple of seconds later.
  auto closed = make_state(kRoom, 200, room_phase::kClosed, 4, 5);
  closed.winner = 2;
  deliver(t + 2 * kUsPerSecond, kS2, kEpoch3, kS2Client, closed);
  ASSERT_NE(node_.shown(), nullptr);
  EXPECT_EQ(node_.shown()->phase, room_phase::kClosed);
  ASSERT_TRUE(node_.result().has_value()) << "the result must stay until the player chooses";
  EXPECT_EQ(node_.result()->score_left, 4);
  EXPECT_EQ(node_.result()->score_right, 5);
  EXPECT_EQ(node_.result()->winner_slot, 1);
  EXPECT_TRUE(node_.leaderboard().has_value());
  EXPECT_EQ(node_.phase(), ClientPhase::kFinished);
  EXPECT_EQ(node_.matches_finished(), 1);
}

TEST_F(ClientNodeTest, AWaitingPlayerSendsKeepalivesButNoPolicyInput) {
  discover(0, kS2, kEpoch3, kS2Client);
  const TimeUs now = node_.next_tick_at();
  int policy_calls = 0;
  node_.set_input_policy([&](const wire::RoomState&, std::uint8_t, Rng&) {
    ++policy_calls;
    return std::int8_t{1};
  });
  deliver(now, kS2, kEpoch3, kS2Client, make_state(kRoom, 10, room_phase::kWaiting));
  drain();
  std::vector<wire::Input> inputs;
  for (TimeUs t = now; t < now + 2 * kUsPerSecond; t += 100 * kMs) {
    // The leader repeats the waiting state, so the client never falls silent.
    deliver(t, kS2, kEpoch3, kS2Client, make_state(kRoom, 10, room_phase::kWaiting));
    while (node_.next_tick_at() <= t + 100 * kMs) tick_to(node_.next_tick_at());
    for (const auto& in : only<wire::Input>(drain())) inputs.push_back(in);
  }
  EXPECT_EQ(node_.phase(), ClientPhase::kSeated);
  // About one every 250 ms over 2.1 s, not 60 a second.
  EXPECT_GE(inputs.size(), 8u);
  EXPECT_LE(inputs.size(), 10u);
  for (const auto& in : inputs) {
    EXPECT_EQ(in.room, kRoom);
    EXPECT_EQ(in.client_id, kClientId);
    ASSERT_FALSE(in.recent.empty());
    EXPECT_EQ(in.recent[0], 0) << "a keepalive moves no paddle";
  }
  EXPECT_EQ(policy_calls, 0);
}

TEST_F(ClientNodeTest, KeepsTheLeaderboardOfItsOwnMatchFromItsLeaderOnly) {
  const TimeUs t = seat_playing();
  auto over = make_state(kRoom, 90, room_phase::kGameOver, 3, 5);
  over.winner = 2;
  deliver(t + 1, kS2, kEpoch3, kS2Client, over);
  wire::LeaderboardState board;
  board.room = kRoom;
  board.result = 4;
  board.you.name.assign("ada");
  board.you.matches = 2;
  board.you.wins = 1;
  board.top.push_back(board.you);

  wire::LeaderboardState other = board;
  other.room = kRoom + 1;
  deliver(t + 2, kS2, kEpoch3, kS2Client, other);
  EXPECT_FALSE(node_.leaderboard().has_value()) << "another room's board";
  deliver(t + 3, kS2, Epoch{3, kS1}, kS2Client, board);
  EXPECT_FALSE(node_.leaderboard().has_value()) << "not sent by the epoch's leader";
  deliver(t + 4, kS2, kEpoch3, kS2Client, board);
  ASSERT_TRUE(node_.leaderboard().has_value());
  EXPECT_EQ(node_.leaderboard()->you.wins, 1u);
  wire::LeaderboardState older = board;
  older.result = 3;
  older.you.wins = 0;
  deliver(t + 5, kS2, kEpoch3, kS2Client, older);
  EXPECT_EQ(node_.leaderboard()->result, 4u) << "an older board (a late duplicate) is ignored";
  EXPECT_EQ(node_.stats().boards_accepted, 1u);
  EXPECT_EQ(node_.stats().boards_ignored, 3u);

  node_.play_again(t + 6);
  EXPECT_FALSE(node_.leaderboard().has_value()) << "the next match starts without one";
}

TEST_F(ClientNodeTest, PlayAgainJoinsANewMatchWithAFreshClientId) {
  const TimeUs t = seat_playing();
  auto over = make_state(kRoom, 90, room_phase::kGameOver, 5, 1);
  over.winner = 1;
  deliver(t + 1, kS2, kEpoch3, kS2Client, over);
  EXPECT_TRUE(node_.result()->won());
  node_.play_again(t + 2);
  auto joins = only<wire::Join>(drain());
  ASSERT_EQ(joins.size(), 1u);
  EXPECT_NE(joins[0].client_id, kClientId);
  EXPECT_EQ(joins[0].client_id, node_.client_id());
  EXPECT_FALSE(node_.result().has_value());

  // The finished room still lingers on the leader; its states must not seat us again.
  over.seq = 95;
  deliver(t + 3, kS2, kEpoch3, kS2Client, over);
  EXPECT_EQ(node_.phase(), ClientPhase::kJoining);
  deliver(t + 4, kS2, kEpoch3, kS2Client, make_state(kRoom + 3, 96, room_phase::kWaiting));
  EXPECT_EQ(node_.phase(), ClientPhase::kSeated);
  EXPECT_EQ(node_.room(), kRoom + 3);
  EXPECT_FALSE(node_.score_went_backwards()) << "a new room starts from 0-0";
}

TEST_F(ClientNodeTest, CountsAndDropsBadDatagrams) {
  const TimeUs t = seat_playing();
  const std::vector<std::uint8_t> garbage = {0x50, 0x44, 9, 9, 9};
  node_.on_datagram(t + 1, Channel::kClient, kS2Client, garbage);
  std::vector<std::uint8_t> buf(wire::kMaxDatagramSize);
  auto size = wire::encode(kS2, kEpoch3, make_state(kRoom, 11, room_phase::kPlaying), buf);
  ASSERT_TRUE(size.ok());
  buf.resize(*size - 3);  // Truncated body.
  node_.on_datagram(t + 2, Channel::kClient, kS2Client, buf);
  EXPECT_EQ(node_.stats().datagrams_rejected, 2u);
  EXPECT_EQ(node_.shown()->seq, 10u);
  // The node goes on.
  deliver(t + 3, kS2, kEpoch3, kS2Client, make_state(kRoom, 11, room_phase::kPlaying));
  EXPECT_EQ(node_.shown()->seq, 11u);
}

TEST(ClientNodeDeterminism, SameConfigSameBytes) {
  ClientConfig config;
  config.id = kClientNodeId;
  config.endpoints.client = kClientEp;
  config.seed = 9;  // client_id 0: drawn from the seeded generator.
  ClientNode a(config);
  ClientNode b(config);
  a.start(0);
  b.start(0);
  for (int i = 0; i < 5; ++i) {
    a.on_tick(a.next_tick_at());
    b.on_tick(b.next_tick_at());
  }
  EXPECT_NE(a.client_id(), 0u);
  EXPECT_EQ(a.client_id(), b.client_id());
  EXPECT_EQ(a.next_tick_at(), b.next_tick_at());
  ASSERT_EQ(a.outbox().datagrams().size(), b.outbox().datagrams().size());
  for (std::size_t i = 0; i < a.outbox().datagrams().size(); ++i) {
    auto x = a.outbox().bytes(a.outbox().datagrams()[i]);
    auto y = b.outbox().bytes(b.outbox().datagrams()[i]);
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end()));
  }
}

}  // namespace
}  // namespace dp
