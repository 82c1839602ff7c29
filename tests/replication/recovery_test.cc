// A new leader's recovery, driven by hand: whose reports it waits for, whose state it pulls,
// and that it shows the state it resumed from only once that state is replicated.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/replication/room_service.h"
#include "core/wire/codec.h"
#include "tests/replication/deliver_snapshot.h"

namespace dp {
namespace {

const NodeId kLeader{9, 0};
const NodeId kA{5, 0};
const NodeId kB{6, 0};
const Endpoint kAControl{0x7f010005, 50010};
const Endpoint kBControl{0x7f010006, 50010};
const Endpoint kClient1{0x7f020001, 40001};
const Endpoint kClient2{0x7f020002, 40002};
const Epoch kOld{3, kLeader};
const Epoch kNew{4, kLeader};

struct Sent {
  Endpoint to;
  wire::Decoded message;
};

class Recovery : public ::testing::Test {
 protected:
  Recovery() : leader_(RoomServiceConfig{}, kLeader, out_) {}

  std::vector<Sent> drain() {
    std::vector<Sent> sent;
    for (const auto& d : out_.datagrams()) {
      auto decoded = wire::decode(out_.bytes(d));
      EXPECT_TRUE(decoded.ok());
      if (decoded.ok()) sent.push_back({d.to, *decoded});
    }
    out_.clear();
    return sent;
  }
  void tick() {
    now_ += RoomServiceConfig{}.tick_interval_us;
    leader_.on_tick(now_);
  }
  // Leads `epoch` with followers A and B (three servers: a point waits for one follower, and
  // a new leader for one report).
  void lead(const Epoch& epoch) {
    leader_.on_become_leader(now_, epoch);
    leader_.set_followers(now_, {{kA, kAControl}, {kB, kBControl}}, 2);
  }
  void ack(const NodeId& id, std::uint64_t seq) {
    wire::Ack a;
    a.applied_seq = seq;
    leader_.on_ack(now_, id, a);
  }
  // Drains what the leader sent and returns its NACKs by destination.
  std::map<Endpoint, std::vector<wire::Nack>> nacks_sent() {
    std::map<Endpoint, std::vector<wire::Nack>> nacks;
    for (const auto& s : drain()) {
      if (const auto* nack = std::get_if<wire::Nack>(&s.message.body)) nacks[s.to].push_back(*nack);
    }
    return nacks;
  }
  // How many of `nacks` ask for a snapshot (a recovery pull).
  static int pulls(const std::vector<wire::Nack>& nacks) {
    int n = 0;
    for (const auto& nack : nacks) n += nack.want_snapshot == 1 ? 1 : 0;
    return n;
  }
  int room_states() {
    int n = 0;
    for (const auto& s : drain()) {
      n += s.message.header.type == wire::MsgType::kRoomState ? 1 : 0;
    }
    return n;
  }

  Outbox out_;
  RoomService leader_;
  TimeUs now_ = 1'000'000;
};

TEST_F(Recovery, ARestartedFollowerVouchesForNothing) {
  lead(kNew);
  leader_.on_follower_position(now_, kA, {}, /*lost_state=*/true);
  for (int i = 0; i < 60; ++i) tick();
  EXPECT_TRUE(leader_.recovering()) << "A lost its rooms in a restart: it cannot say what B saw";
  leader_.on_follower_position(now_, kB, {kOld, 12}, false);
  for (int i = 0; i < 10 && leader_.recovering(); ++i) tick();
  EXPECT_TRUE(leader_.recovering()) << "B is ahead: its state is pulled first";
  EXPECT_GT(pulls(nacks_sent()[kBControl]), 0);
}

TEST_F(Recovery, AFollowerThatNeverHeldRoomsCounts) {
  lead(kNew);
  leader_.on_follower_position(now_, kA, {}, /*lost_state=*/false);
  for (int i = 0; i < 10 && leader_.recovering(); ++i) tick();
  EXPECT_FALSE(leader_.recovering());
}

TEST_F(Recovery, WhenEveryServerLostItsRoomsTheClusterStartsFresh) {
  leader_.set_lost_state(true);
  lead(kNew);
  leader_.on_follower_position(now_, kA, {}, true);
  for (int i = 0; i < 30; ++i) tick();
  EXPECT_TRUE(leader_.recovering()) << "B may still hold the rooms";
  leader_.on_follower_position(now_, kB, {}, true);
  for (int i = 0; i < 10 && leader_.recovering(); ++i) tick();
  EXPECT_FALSE(leader_.recovering()) << "everyone reported: nobody holds anything";
}

TEST_F(Recovery, ANewerEpochsShorterStreamBeatsAnOlderLongerOne) {
  lead(kNew);
  // A followed epoch 3 to seq 10; B an older epoch's stream to seq 50 (events nobody
  // confirmed, perhaps): A's is the state to resume.
  leader_.on_follower_position(now_, kA, {kOld, 10}, false);
  leader_.on_follower_position(now_, kB, {Epoch{2, kB}, 50}, false);
  for (int i = 0; i < 5; ++i) tick();
  auto nacks = nacks_sent();
  EXPECT_EQ(pulls(nacks[kAControl]), 1);
  EXPECT_TRUE(nacks[kBControl].empty());
}

TEST_F(Recovery, AFollowerThatRestartedSinceItsReportIsNotInstalled) {
  // Found by the swarm: A reported seq 10, restarted, and answered the pull with its empty
  // rooms; the new leader installed them and the players' points were gone.
  lead(kNew);
  leader_.on_follower_position(now_, kA, {kOld, 10}, false);
  for (int i = 0; i < 5; ++i) tick();
  drain();
  testing::deliver_snapshot(leader_, now_, kA, game::RoomBook{}, 1, /*seq=*/0);
  EXPECT_TRUE(leader_.recovering()) << "installed a state older than the one A reported";
  EXPECT_EQ(leader_.stats().snapshots_installed, 0u);
  // A's fresh report says it lost its rooms; B holds them.
  leader_.on_follower_position(now_, kA, {}, true);
  leader_.on_follower_position(now_, kB, {kOld, 9}, false);
  for (int i = 0; i < 5; ++i) tick();
  EXPECT_GT(pulls(nacks_sent()[kBControl]), 0);
}

TEST_F(Recovery, TheResumedStateIsShownOnlyOnceReplicated) {
  // Epoch 3: two players, and play until the leader's own book has a point that no follower
  // has confirmed.
  lead(kOld);
  leader_.on_follower_position(now_, kA, {}, false);
  leader_.on_follower_position(now_, kB, {}, false);
  for (int i = 0; i < 10 && leader_.recovering(); ++i) tick();
  ASSERT_FALSE(leader_.recovering());
  tick();  // Sends the followers their snapshots.
  ack(kA, leader_.applied_seq());
  wire::Join j1;
  j1.client_id = 101;
  leader_.on_join(now_, kClient1, j1);
  wire::Join j2;
  j2.client_id = 102;
  leader_.on_join(now_, kClient2, j2);
  tick();
  ack(kA, leader_.applied_seq());
  const std::uint64_t confirmed = leader_.applied_seq();
  auto scored = [&] {
    const auto& rooms = leader_.book().rooms();
    return !rooms.empty() &&
           rooms.begin()->second.match.score[0] + rooms.begin()->second.match.score[1] > 0;
  };
  for (int i = 0; i < 20000 && !scored(); ++i) tick();
  ASSERT_TRUE(scored());
  drain();

  // Epoch 4, same leader: its state (with the unconfirmed point) is the most advanced.
  lead(kNew);
  leader_.on_follower_position(now_, kA, {kOld, confirmed}, false);
  leader_.on_follower_position(now_, kB, {kOld, confirmed}, false);
  for (int i = 0; i < 10 && leader_.recovering(); ++i) tick();
  ASSERT_FALSE(leader_.recovering());
  int states = 0;
  for (int i = 0; i < 30; ++i) {
    tick();
    states += room_states();
  }
  EXPECT_EQ(states, 0) << "the point would be shown before any other server has it";
  ack(kA, leader_.applied_seq());  // A installed the new epoch's snapshot.
  tick();
  int shown = -1;
  for (const auto& s : drain()) {
    if (const auto* st = std::get_if<wire::RoomState>(&s.message.body)) {
      shown = st->score_left + st->score_right;
    }
  }
  EXPECT_EQ(shown, 1);
}

}  // namespace
}  // namespace dp
