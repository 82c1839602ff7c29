// The retransmission ring's boundary after it has wrapped, from both sides: the EntryRing's
// first_seq()/holds() just inside and just outside what it retains, and the sequencer's answer
// to a NACK from exactly the first retained seq (resend from it) and from the seq before it
// (a snapshot). An off-by-one either way turns a cheap retransmission into a snapshot, or
// worse, sends a follower entries the ring no longer holds.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/replication/entry_ring.h"
#include "core/replication/sequencer.h"
#include "tests/replication/replica_harness.h"

namespace dp {
namespace {

using testing::PongEntry;

const NodeId kFollower{1, 0};

constexpr unsigned kRingLog2 = 4;  // 16 entries.
constexpr std::uint64_t kRing = std::uint64_t{1} << kRingLog2;

PongEntry tick(std::uint32_t room) {
  return PongEntry(pong::make_event(pong::EventKind::kTick, room));
}

TEST(EntryRingWrap, FirstSeqAndHoldsAtTheBoundaryAfterWrapping) {
  EntryRing ring(kRingLog2);
  for (std::uint64_t i = 1; i <= 40; ++i) ring.push(tick(1).view());
  // 40 entries through 16 slots: it wrapped twice and keeps exactly the newest 16.
  EXPECT_EQ(ring.first_seq(), 25u);
  EXPECT_EQ(ring.last_seq(), 40u);
  EXPECT_EQ(ring.next_seq(), 41u);
  EXPECT_FALSE(ring.holds(24)) << "the seq before the first retained one is gone";
  EXPECT_TRUE(ring.holds(25)) << "the first retained seq is still there";
  EXPECT_TRUE(ring.holds(40));
  EXPECT_FALSE(ring.holds(41)) << "nothing past the newest entry";
  EXPECT_FALSE(ring.holds(8)) << "8, 24 and 40 share a slot: only the newest is held";
}

TEST(EntryRingWrap, TheBoundaryMovesOneForOneFromAnyBase) {
  EntryRing ring(kRingLog2);
  ring.reset(1000);
  for (std::uint64_t i = 0; i < kRing; ++i) ring.push(tick(1).view());
  // Exactly full: nothing evicted, both ends held.
  EXPECT_EQ(ring.first_seq(), 1000u);
  EXPECT_TRUE(ring.holds(1000));
  EXPECT_TRUE(ring.holds(1000 + kRing - 1));
  EXPECT_FALSE(ring.holds(999));
  // One more: exactly the oldest goes.
  EXPECT_EQ(ring.push(tick(1).view()), 1000 + kRing);
  EXPECT_EQ(ring.first_seq(), 1001u);
  EXPECT_FALSE(ring.holds(1000));
  EXPECT_TRUE(ring.holds(1001));
  EXPECT_TRUE(ring.holds(1000 + kRing));
}

// A leader whose follower applied (and ACKed) up to `acked`, then lost everything sent after
// it; the leader went on ordering and streaming (one entry at a time, within the window) until
// the ring had wrapped past 40 entries.
Sequencer wrapped_sequencer(std::uint64_t acked) {
  SequencerConfig config;
  config.ring_capacity_log2 = kRingLog2;
  config.window_entries = kRing;
  config.probe_window_entries = 4;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kFollower, 0);
  seq.on_snapshot_sent(kFollower, 0, 0);
  wire::Replicate batch;
  std::vector<NodeId> group;
  for (std::uint64_t i = 1; i <= 40; ++i) {
    seq.order(tick(1).view());
    while (seq.next_batch(0, batch, group)) seq.mark_sent(group, batch);
    if (i <= acked) seq.on_ack(kFollower, i, 0);
  }
  return seq;
}

TEST(SequencerRingWrap, NackFromTheFirstRetainedSeqIsRetransmitted) {
  Sequencer seq = wrapped_sequencer(24);
  ASSERT_EQ(seq.ring().first_seq(), 25u);
  ASSERT_EQ(seq.followers().at(kFollower).sent, 40u);
  seq.on_nack(kFollower, 25, 0);
  const FollowerLink& link = seq.followers().at(kFollower);
  EXPECT_NE(link.state, Progress::kSnapshot) << "25 is held: no snapshot";
  EXPECT_EQ(link.acked, 24u);
  EXPECT_EQ(link.retransmitted_entries, 16u) << "25..40 go again";
  wire::Replicate batch;
  std::vector<NodeId> group;
  ASSERT_TRUE(seq.next_batch(0, batch, group));
  EXPECT_EQ(batch.first_seq, 25u) << "resent from exactly the NACKed seq";
  EXPECT_EQ(group, std::vector<NodeId>{kFollower});
  std::vector<NodeId> due;
  seq.snapshot_due(0, due);
  EXPECT_TRUE(due.empty());
}

TEST(SequencerRingWrap, NackFromTheSeqBeforeTheFirstRetainedOneTurnsIntoASnapshot) {
  Sequencer seq = wrapped_sequencer(23);
  ASSERT_EQ(seq.ring().first_seq(), 25u);
  seq.on_nack(kFollower, 24, 0);
  EXPECT_EQ(seq.followers().at(kFollower).state, Progress::kSnapshot) << "24 is gone";
  wire::Replicate batch;
  std::vector<NodeId> group;
  EXPECT_FALSE(seq.next_batch(0, batch, group)) << "no stream from a seq the ring lost";
  std::vector<NodeId> due;
  seq.snapshot_due(0, due);
  EXPECT_EQ(due, std::vector<NodeId>{kFollower});
}

}  // namespace
}  // namespace dp
