// LogReplica driven by hand: its roles, a leader that streams (snapshot first, then entries)
// and freezes without replicas, and a follower that applies the stream in order and NACKs
// gaps. The log carries Pong, but nothing here depends on Pong's rules (see
// tests/pong/service_test.cc for those).
#include "core/replication/log_replica.h"

#include <gtest/gtest.h>

#include "core/common/assert.h"
#include "tests/replication/deliver_snapshot.h"
#include "tests/replication/replica_harness.h"
#include "tests/support/pong_replica.h"

namespace dp {
namespace {

using testing::append;
using testing::book_of;
using testing::deliver_snapshot;
using testing::drain_to;
using testing::join_event;
using testing::make_pong_replica;
using testing::PongLeader;
using testing::room_states;

const NodeId kLeader = PongLeader::kSelf;
const NodeId kFollower{5, 0};
const Epoch kEpoch{3, kLeader};
const Endpoint kLeaderControl{0x7f010009, 50010};
const Endpoint kClientA{0x7f020001, 40001};
const Endpoint kClientB{0x7f020002, 40002};

pong::Event open_event(std::uint32_t room) {
  return pong::make_event(pong::EventKind::kOpenRoom, room);
}

// ---------------------------------------------------------------------------------------------
// Roles

TEST(LogReplica, RolesChangeOnlyAlongTheStateMachine) {
  Outbox out;
  LogReplica replica = make_pong_replica(kFollower, out);
  EXPECT_EQ(replica.role(), ReplicaRole::kIdle);
  replica.become_following(0, kEpoch, kLeaderControl);
  EXPECT_EQ(replica.role(), ReplicaRole::kFollowing);
  replica.become_following(1, kEpoch, kLeaderControl);  // The same leader again.
  EXPECT_EQ(replica.role(), ReplicaRole::kFollowing);
  replica.become_idle(2);
  EXPECT_EQ(replica.role(), ReplicaRole::kIdle);
  replica.become_idle(3);  // Idle stays idle.

  const Epoch mine{4, kFollower};
  replica.become_recovering(4, mine);
  EXPECT_TRUE(replica.recovering());
  EXPECT_TRUE(replica.leading()) << "a recovering leader is on the leader's side";
  EXPECT_FALSE(replica.hosting()) << "but serves nothing yet";
  EXPECT_THROW(replica.become_recovering(5, Epoch{5, kFollower}), AssertionFailure);

  // Recovery ends (a cluster of one has nobody to wait for): Leading.
  for (TimeUs t = 5; t < kUsPerSecond && replica.recovering(); t += 1000) replica.on_tick(t);
  EXPECT_EQ(replica.role(), ReplicaRole::kLeading);
  EXPECT_TRUE(replica.hosting());
  EXPECT_EQ(replica.synced_epoch(), mine);
  EXPECT_THROW(replica.become_recovering(kUsPerSecond, Epoch{5, kFollower}), AssertionFailure)
      << "a leader goes through Idle or Following before it leads again";
  replica.become_following(kUsPerSecond, Epoch{6, kLeader}, kLeaderControl);
  EXPECT_EQ(replica.role(), ReplicaRole::kFollowing);
  replica.become_recovering(kUsPerSecond + 1, Epoch{7, kFollower});
  replica.become_idle(kUsPerSecond + 2);
  EXPECT_EQ(replica.role(), ReplicaRole::kIdle);
  EXPECT_STREQ(replica_role_name(ReplicaRole::kRecovering), "recovering");
}

// ---------------------------------------------------------------------------------------------
// The leader's stream

TEST(LogReplica, NewFollowerGetsSnapshotThenStream) {
  PongLeader leader;
  EXPECT_TRUE(leader.start_with_follower());
  // The follower installed it (ACK of the snapshot's seq): the stream follows.
  leader.ack_all();
  // Its first entry (the cluster's identity) is ordered and confirmed already.
  const std::uint64_t confirmed = leader.replica.commit_seq();
  leader.join(101, kClientA);
  leader.join(102, kClientB);
  leader.tick();
  const auto sent = drain_to(leader.out, PongLeader::kFollowerControl);
  EXPECT_TRUE(testing::sent_type(sent, wire::MsgType::kReplicate));
  EXPECT_FALSE(testing::sent_type(sent, wire::MsgType::kSnapshot)) << "the snapshot arrived";
  std::uint64_t streamed = confirmed;
  for (const auto& m : sent) {
    if (const auto* r = std::get_if<wire::Replicate>(&m.body)) {
      EXPECT_EQ(r->first_seq, streamed + 1) << "in order, from the first entry";
      streamed = r->first_seq + r->entries.count() - 1;
      EXPECT_EQ(m.header.epoch, kEpoch);
    }
  }
  EXPECT_EQ(streamed, leader.replica.applied_seq());
  EXPECT_GT(leader.replica.stats().entries_ordered, 0u);
  EXPECT_EQ(leader.replica.stats().apply_errors, 0u);
  EXPECT_EQ(leader.replica.commit_seq(), confirmed) << "nothing new ACKed yet";
  leader.ack_all();
  EXPECT_EQ(leader.replica.commit_seq(), leader.replica.applied_seq());
}

TEST(LogReplica, LoneSurvivorFreezesInsteadOfRiskingARollback) {
  PongLeader leader;
  leader.start_with_follower();
  leader.join(101, kClientA);
  leader.join(102, kClientB);
  leader.tick();
  leader.ack_all();
  leader.tick();
  // The follower goes silent: it is no longer connected, but it is still a known server.
  leader.replica.set_followers(leader.now, {}, 1);
  const std::uint64_t ordered = leader.replica.stats().entries_ordered;
  const std::uint64_t applied = leader.replica.applied_seq();
  int states = 0;
  for (int i = 0; i < 600; ++i) {
    leader.tick();
    for (const auto& st : room_states(drain_to(leader.out, kClientA))) {
      ++states;
      EXPECT_EQ(st.score_left + st.score_right, 0);
      EXPECT_LE(st.seq, applied);
    }
  }
  EXPECT_EQ(leader.replica.stats().entries_ordered, ordered)
      << "nothing is ordered without a replica";
  EXPECT_GT(states, 500) << "players still hear the (frozen) state";
  // The follower comes back: play resumes.
  leader.replica.set_followers(leader.now, {{kFollower, PongLeader::kFollowerControl}}, 1);
  leader.tick();
  EXPECT_GT(leader.replica.stats().entries_ordered, ordered);
}

TEST(LogReplica, AClusterOfOneCommitsAlone) {
  Outbox out;
  LogReplica replica = make_pong_replica(kLeader, out);
  TimeUs now = 1'000'000;
  replica.become_recovering(now, kEpoch);
  replica.set_followers(now, {}, 0);
  EXPECT_EQ(replica.quorum().required_replicas, 0u);
  for (int i = 0; i < 10; ++i) replica.on_tick(now += ReplicaConfig{}.tick_interval_us);
  ASSERT_TRUE(replica.hosting());
  testing::client_send(replica, now, kClientA, wire::Join{101, {}, {}});
  replica.on_tick(now += ReplicaConfig{}.tick_interval_us);
  EXPECT_GT(replica.applied_seq(), 0u);
  EXPECT_EQ(replica.commit_seq(), replica.applied_seq());
}

TEST(LogReplica, AFollowerServesNoClients) {
  Outbox out;
  LogReplica replica = make_pong_replica(kFollower, out);
  replica.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(replica, 2000, kLeader, pong::RoomBook{}, 1, 0);
  // A follower decodes client requests (so garbage is refused) but does not serve them.
  EXPECT_FALSE(testing::client_send(replica, 3000, kClientA, wire::Join{101, {}, {}}).has_value());
  for (TimeUs t = 3000; t < 200000; t += 16667) replica.on_tick(t);
  EXPECT_EQ(replica.applied_seq(), 0u);
  EXPECT_TRUE(book_of(replica).rooms().empty());
  EXPECT_TRUE(room_states(drain_to(out, kClientA)).empty());
}

// ---------------------------------------------------------------------------------------------
// The follower's side

TEST(LogReplica, FollowerAppliesInOrderAndNacksGaps) {
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  // Before a snapshot of this epoch it asks for one and applies nothing.
  wire::Replicate r;
  r.first_seq = 1;
  append(r, open_event(1));
  follower.on_replicate(2000, r);
  auto sent = drain_to(out, kLeaderControl);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_EQ(sent[0].header.type, wire::MsgType::kNack);
  EXPECT_EQ(std::get<wire::Nack>(sent[0].body).want_snapshot, 1);
  EXPECT_EQ(follower.applied_seq(), 0u);

  // An empty book as of seq 0 arrives as a snapshot.
  deliver_snapshot(follower, 3000, kLeader, pong::RoomBook{}, 77, 0);
  EXPECT_EQ(follower.synced_epoch(), kEpoch);
  EXPECT_EQ(follower.stats().snapshots_installed, 1u);
  drain_to(out, kLeaderControl);

  follower.on_replicate(4000, r);
  EXPECT_EQ(follower.applied_seq(), 1u);
  EXPECT_NE(book_of(follower).find(1), nullptr);
  sent = drain_to(out, kLeaderControl);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Ack>(sent[0].body).applied_seq, 1u);

  // Seq 2..4 lost; 5 arrives: a NACK for the gap, nothing applied.
  wire::Replicate later;
  later.first_seq = 5;
  append(later, join_event(1, 0, 7));
  follower.on_replicate(200000, later);  // Past the NACK rate limit.
  EXPECT_EQ(follower.applied_seq(), 1u);
  sent = drain_to(out, kLeaderControl);
  ASSERT_EQ(sent.size(), 1u);
  const auto& nack = std::get<wire::Nack>(sent[0].body);
  EXPECT_EQ(nack.from_seq, 2u);
  EXPECT_EQ(nack.to_seq, 4u);
  EXPECT_EQ(nack.want_snapshot, 0);
  EXPECT_EQ(follower.stats().gap_applies, 0u);
  EXPECT_EQ(follower.stats().apply_errors, 0u);

  // A batch that overlaps what is applied: only the new entries are applied.
  wire::Replicate overlap;
  overlap.first_seq = 1;
  append(overlap, open_event(1));
  append(overlap, join_event(1, 0, 7));
  follower.on_replicate(300000, overlap);
  EXPECT_EQ(follower.applied_seq(), 2u);
  EXPECT_EQ(follower.stats().entries_applied, 2u);
  EXPECT_EQ(follower.stats().apply_errors, 0u) << "the room was not opened twice";
}

TEST(LogReplica, FollowerTakesTheCommitPointOnlyUpToWhatItApplied) {
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(follower, 2000, kLeader, pong::RoomBook{}, 1, 0);
  wire::Replicate r;
  r.first_seq = 1;
  r.commit_seq = 0;
  append(r, open_event(1));
  append(r, join_event(1, 0, 7));
  follower.on_replicate(3000, r);
  EXPECT_EQ(follower.commit_seq(), 0u);
  wire::Replicate heartbeat_batch;  // No entries, only news of the commit point.
  heartbeat_batch.first_seq = 3;
  heartbeat_batch.commit_seq = 50;
  follower.on_replicate(4000, heartbeat_batch);
  EXPECT_EQ(follower.commit_seq(), 2u);
}

TEST(LogReplica, AnEntryNoServiceKnowsIsCountedAsAnApplyError) {
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(follower, 2000, kLeader, pong::RoomBook{}, 1, 0);
  const std::uint64_t digest = follower.services().digest();
  wire::Replicate r;
  r.first_seq = 1;
  const std::array<std::uint8_t, 3> payload{1, 2, 3};
  ASSERT_TRUE(r.entries.append(wire::EntryView{7, 1, {payload.data(), payload.size()}}));
  follower.on_replicate(3000, r);
  EXPECT_EQ(follower.applied_seq(), 1u) << "the stream moves on";
  EXPECT_EQ(follower.stats().apply_errors, 1u);
  EXPECT_EQ(follower.services().digest(), digest) << "and the state is unchanged";
}

TEST(LogReplica, ALateSnapshotOfThisEpochDoesNotTakeItBack) {
  // Found by the swarm: a snapshot answering an old request arrived after the follower had
  // applied (and ACKed) the stream past it; installing it took the replica back, and the
  // leader, trusting the ACKs, ignored its NACKs for ever.
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(follower, 2000, kLeader, pong::RoomBook{}, 1, 0);
  wire::Replicate r;
  r.first_seq = 1;
  append(r, open_event(1));
  append(r, join_event(1, 0, 7));
  append(r, join_event(1, 1, 8));
  follower.on_replicate(3000, r);
  ASSERT_EQ(follower.applied_seq(), 3u);
  drain_to(out, kLeaderControl);
  const std::uint64_t digest = follower.services().digest();
  // The late snapshot, as of seq 1.
  pong::RoomBook one_room;
  ASSERT_TRUE(one_room.apply(open_event(1)).ok());
  deliver_snapshot(follower, 4000, kLeader, one_room, 2, 1);
  EXPECT_EQ(follower.applied_seq(), 3u);
  EXPECT_EQ(follower.services().digest(), digest);
  const auto sent = drain_to(out, kLeaderControl);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Ack>(sent[0].body).applied_seq, 3u);
  EXPECT_EQ(follower.stats().apply_errors, 0u);
}

TEST(LogReplica, ASnapshotThatDoesNotDecodeIsNotInstalled) {
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  std::vector<std::uint8_t> state = testing::replica_state_of(pong::RoomBook{});
  state.back() ^= 0xff;  // The book's room count, now absurd.
  testing::deliver_state(follower, 2000, kLeader, state, 1, 10);
  EXPECT_EQ(follower.stats().snapshots_installed, 0u);
  EXPECT_NE(follower.synced_epoch(), kEpoch) << "still waiting for a snapshot";
  EXPECT_EQ(follower.applied_seq(), 0u);
  // A bare book (not wrapped by a registry) is refused too.
  std::vector<std::uint8_t> bare;
  pong::RoomBook{}.save_snapshot(bare);
  testing::deliver_state(follower, 3000, kLeader, bare, 2, 10);
  EXPECT_EQ(follower.stats().snapshots_installed, 0u);
}

TEST(LogReplica, InjectedBugAppliesAcrossGaps) {
  Outbox out;
  ReplicaConfig config;
  config.inject_bug_skip_nack = true;
  LogReplica follower = make_pong_replica(kFollower, out, config);
  follower.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(follower, 2000, kLeader, pong::RoomBook{}, 1, 0);
  wire::Replicate later;
  later.first_seq = 5;
  append(later, open_event(1));
  follower.on_replicate(3000, later);
  EXPECT_EQ(follower.applied_seq(), 5u);
  EXPECT_EQ(follower.stats().gap_applies, 1u);
}

TEST(LogReplica, AFollowerOfANewEpochAsksForASnapshotAgain) {
  Outbox out;
  LogReplica follower = make_pong_replica(kFollower, out);
  follower.become_following(1000, kEpoch, kLeaderControl);
  deliver_snapshot(follower, 2000, kLeader, pong::RoomBook{}, 1, 0);
  wire::Replicate r;
  r.first_seq = 1;
  append(r, open_event(1));
  follower.on_replicate(3000, r);
  ASSERT_EQ(follower.applied_seq(), 1u);
  drain_to(out, kLeaderControl);

  const Epoch next{4, kLeader};
  follower.become_following(4000, next, kLeaderControl);
  EXPECT_EQ(follower.position(), (Position{kEpoch, 1})) << "what it holds, for the new leader";
  wire::Replicate more;
  more.first_seq = 2;
  append(more, join_event(1, 0, 7));
  follower.on_replicate(5000, more);
  EXPECT_EQ(follower.applied_seq(), 1u) << "a new epoch's stream starts from its snapshot";
  const auto sent = drain_to(out, kLeaderControl);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(std::get<wire::Nack>(sent[0].body).want_snapshot, 1);
}

}  // namespace
}  // namespace dp
