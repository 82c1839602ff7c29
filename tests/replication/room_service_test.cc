// RoomService driven by hand: a leader that shows clients only replicated scores, and a
// follower that applies the stream in order and NACKs gaps.
#include <gtest/gtest.h>

#include <array>

#include "core/replication/room_service.h"
#include "core/wire/send.h"
#include "tests/game/match_driver.h"
#include "tests/replication/deliver_snapshot.h"

namespace dp {
namespace {

using game::testing::make_event;
using testing::deliver_snapshot;

const NodeId kLeader{9, 0};
const NodeId kFollower{5, 0};
const Epoch kEpoch{3, kLeader};
const Endpoint kFollowerControl{0x7f010005, 50010};
const Endpoint kClientA{0x7f020001, 40001};
const Endpoint kClientB{0x7f020002, 40002};

std::vector<wire::Decoded> drain(Outbox& out, Endpoint only_to = {}) {
  std::vector<wire::Decoded> result;
  for (const auto& d : out.datagrams()) {
    if (!only_to.is_unset() && d.to != only_to) continue;
    auto decoded = wire::decode(out.bytes(d));
    EXPECT_TRUE(decoded.ok());
    if (decoded.ok()) result.push_back(*decoded);
  }
  out.clear();
  return result;
}

class LeaderFixture : public ::testing::Test {
 protected:
  LeaderFixture() : leader_(RoomServiceConfig{}, kLeader, out_) {}

  void start_with_follower() {
    leader_.on_become_leader(now_, kEpoch);
    leader_.set_followers(now_, {{kFollower, kFollowerControl}}, 1);
    leader_.on_follower_position(now_, kFollower, {}, false);
    // Its only follower has reported: the leader need not wait out the recovery window.
    for (int i = 0; i < 100 && leader_.recovering(); ++i) tick();
    ASSERT_FALSE(leader_.recovering());
    for (const auto& d : drain(out_, kFollowerControl)) {
      snapshot_sent_ |= d.header.type == wire::MsgType::kSnapshot;
    }
  }
  void join_two_clients() {
    wire::Join a;
    a.client_id = 101;
    leader_.on_join(now_, kClientA, a);
    wire::Join b;
    b.client_id = 102;
    leader_.on_join(now_, kClientB, b);
    tick();
  }
  void tick() {
    now_ += RoomServiceConfig{}.tick_interval_us;
    leader_.on_tick(now_);
  }
  // The follower ACKs everything the leader ordered so far.
  void ack_all() {
    wire::Ack ack;
    ack.applied_seq = leader_.applied_seq();
    leader_.on_ack(now_, kFollower, ack);
  }

  Outbox out_;
  RoomService leader_;
  bool snapshot_sent_ = false;
  TimeUs now_ = 1'000'000;
};

TEST_F(LeaderFixture, NewFollowerGetsSnapshotThenStream) {
  start_with_follower();
  EXPECT_TRUE(snapshot_sent_);
  // The follower installed it (ACK of the snapshot's seq): the stream follows.
  wire::Ack ack;
  ack.applied_seq = leader_.applied_seq();
  leader_.on_ack(now_, kFollower, ack);
  join_two_clients();
  bool replicate = false;
  for (const auto& d : drain(out_, kFollowerControl)) {
    replicate |= d.header.type == wire::MsgType::kReplicate;
  }
  EXPECT_TRUE(replicate);
}

TEST_F(LeaderFixture, ScoreIsShownOnlyOnceReplicated) {
  start_with_follower();
  join_two_clients();
  ack_all();
  // Play without ACKs until the leader's own book has a point.
  int guard = 0;
  auto scored = [&] {
    const auto& rooms = leader_.book().rooms();
    return !rooms.empty() &&
           (rooms.begin()->second.match.score[0] + rooms.begin()->second.match.score[1]) > 0;
  };
  while (!scored() && ++guard < 20000) {
    tick();
    drain(out_);
  }
  ASSERT_TRUE(scored()) << "no point in " << guard << " ticks";
  tick();
  for (const auto& d : drain(out_, kClientA)) {
    if (d.header.type != wire::MsgType::kRoomState) continue;
    const auto& st = std::get<wire::RoomState>(d.body);
    EXPECT_EQ(st.score_left + st.score_right, 0) << "a point shown before any follower has it";
  }
  ack_all();
  tick();
  int shown = 0;
  for (const auto& d : drain(out_, kClientA)) {
    if (d.header.type != wire::MsgType::kRoomState) continue;
    const auto& st = std::get<wire::RoomState>(d.body);
    EXPECT_EQ(d.header.epoch, kEpoch);
    shown = st.score_left + st.score_right;
  }
  EXPECT_EQ(shown, 1);
}

TEST(Follower, AppliesInOrderAndNacksGaps) {
  Outbox out;
  RoomService follower(RoomServiceConfig{}, kFollower, out);
  const Endpoint leader_control{0x7f010009, 50010};
  follower.on_follow(1000, kEpoch, leader_control);
  // Before a snapshot of this epoch it asks for one and applies nothing.
  wire::Replicate r;
  r.first_seq = 1;
  const wire::RoomEvent open = make_event(wire::EventKind::kOpenRoom, 1);
  r.events.push_back(open);
  follower.on_replicate(2000, r);
  auto sent = drain(out);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].header.type, wire::MsgType::kNack);
  EXPECT_EQ(std::get<wire::Nack>(sent[0].body).want_snapshot, 1);
  EXPECT_EQ(follower.applied_seq(), 0u);

  // An empty book as of seq 0 arrives as a snapshot.
  deliver_snapshot(follower, 3000, kLeader, game::RoomBook{}, 77, 0);
  EXPECT_EQ(follower.synced_epoch(), kEpoch);
  drain(out);

  follower.on_replicate(4000, r);
  EXPECT_EQ(follower.applied_seq(), 1u);
  sent = drain(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Ack>(sent[0].body).applied_seq, 1u);

  // Seq 2..4 lost; 5 arrives: a NACK for the gap, nothing applied.
  wire::Replicate later;
  later.first_seq = 5;
  later.events.push_back(make_event(wire::EventKind::kJoin, 1, 0, 0, /*client_id=*/7));
  follower.on_replicate(200000, later);  // Past the NACK rate limit.
  EXPECT_EQ(follower.applied_seq(), 1u);
  sent = drain(out);
  ASSERT_EQ(sent.size(), 1u);
  const auto& nack = std::get<wire::Nack>(sent[0].body);
  EXPECT_EQ(nack.from_seq, 2u);
  EXPECT_EQ(nack.to_seq, 4u);
  EXPECT_EQ(follower.stats().gap_applies, 0u);
}

TEST(Follower, ALateSnapshotOfThisEpochDoesNotTakeItBack) {
  // Found by the swarm: a snapshot answering an old request arrived after the follower had
  // applied (and ACKed) the stream past it; installing it took the replica back, and the
  // leader, trusting the ACKs, ignored its NACKs for ever.
  Outbox out;
  RoomService follower(RoomServiceConfig{}, kFollower, out);
  follower.on_follow(1000, kEpoch, Endpoint{1, 1});
  deliver_snapshot(follower, 2000, kLeader, game::RoomBook{}, 1, 0);
  wire::Replicate r;
  r.first_seq = 1;
  const wire::RoomEvent open = make_event(wire::EventKind::kOpenRoom, 1);
  r.events.push_back(open);
  const wire::RoomEvent tick = make_event(wire::EventKind::kTick, 1);
  r.events.push_back(tick);
  r.events.push_back(tick);
  follower.on_replicate(3000, r);
  ASSERT_EQ(follower.applied_seq(), 3u);
  drain(out);
  // The late snapshot, as of seq 1.
  game::RoomBook one_room;
  ASSERT_TRUE(one_room.apply(open).ok());
  deliver_snapshot(follower, 4000, kLeader, one_room, 2, 1);
  EXPECT_EQ(follower.applied_seq(), 3u);
  const auto sent = drain(out);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Ack>(sent[0].body).applied_seq, 3u);
}

TEST(Follower, InjectedBugAppliesAcrossGaps) {
  Outbox out;
  RoomServiceConfig config;
  config.inject_bug_skip_nack = true;
  RoomService follower(config, kFollower, out);
  follower.on_follow(1000, kEpoch, Endpoint{1, 1});
  deliver_snapshot(follower, 2000, kLeader, game::RoomBook{}, 1, 0);
  wire::Replicate later;
  later.first_seq = 5;
  const wire::RoomEvent open = make_event(wire::EventKind::kOpenRoom, 1);
  later.events.push_back(open);
  follower.on_replicate(3000, later);
  EXPECT_EQ(follower.applied_seq(), 5u);
  EXPECT_EQ(follower.stats().gap_applies, 1u);
}

}  // namespace
}  // namespace dp

namespace dp {
namespace {

TEST_F(LeaderFixture, LoneSurvivorFreezesTheRoomsInsteadOfRiskingARollback) {
  start_with_follower();
  join_two_clients();
  ack_all();
  tick();
  // The follower goes silent: it is no longer connected, but it is still a known server.
  leader_.set_followers(now_, {}, 1);
  const std::uint64_t ordered = leader_.stats().events_ordered;
  int states = 0;
  for (int i = 0; i < 600; ++i) {
    tick();
    for (const auto& d : drain(out_, kClientA)) {
      if (d.header.type != wire::MsgType::kRoomState) continue;
      ++states;
      const auto& st = std::get<wire::RoomState>(d.body);
      EXPECT_EQ(st.score_left + st.score_right, 0);
    }
  }
  EXPECT_EQ(leader_.stats().events_ordered, ordered) << "nothing is played without a replica";
  EXPECT_GT(states, 500) << "players still hear the (frozen) state";
  // The follower comes back: play resumes.
  leader_.set_followers(now_, {{kFollower, kFollowerControl}}, 1);
  tick();
  EXPECT_GT(leader_.stats().events_ordered, ordered);
}

}  // namespace
}  // namespace dp
