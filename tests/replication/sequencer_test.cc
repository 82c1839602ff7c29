// The sequencer's bookkeeping, driven by hand: batching under the datagram limit, cumulative
// ACKs, NACKed gaps, go-back-N on silence, each follower's progress state, snapshots for
// followers past the ring, commit; and the entry ring behind it (bounded by count and bytes).
#include "core/replication/sequencer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <deque>
#include <vector>

#include "core/common/assert.h"
#include "core/common/rng.h"
#include "core/replication/entry_ring.h"
#include "core/wire/codec.h"
#include "tests/replication/replica_harness.h"

namespace dp {
namespace {

using testing::PongEntry;

const NodeId kA{1, 0};
const NodeId kB{2, 0};

PongEntry tick(std::uint32_t room) {
  return PongEntry(pong::make_event(pong::EventKind::kTick, room));
}

// An entry of a made-up service whose payload is `size` bytes, all derived from `tag`.
struct Blob {
  std::vector<std::uint8_t> bytes;
  std::uint8_t kind = 0;

  Blob(std::uint64_t tag, std::size_t size) : bytes(size), kind(static_cast<std::uint8_t>(tag)) {
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(tag * 31 + i);
  }
  wire::EntryView view() const { return {9, kind, {bytes.data(), bytes.size()}}; }
};

bool same_entry(const wire::EntryView& a, const wire::EntryView& b) {
  return a.service == b.service && a.kind == b.kind &&
         std::equal(a.payload.begin(), a.payload.end(), b.payload.begin(), b.payload.end());
}

// ---------------------------------------------------------------------------------------------
// Sequencer

TEST(Sequencer, NewFollowerNeedsSnapshotThenStreams) {
  Sequencer seq;
  seq.reset(1);
  seq.add_follower(kA, 0);
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kSnapshot);
  std::vector<NodeId> due;
  seq.snapshot_due(0, due);
  ASSERT_EQ(due.size(), 1u);
  for (int i = 0; i < 10; ++i) seq.order(tick(1).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  EXPECT_FALSE(seq.next_batch(0, batch, group)) << "no stream before the snapshot";
  seq.on_snapshot_sent(kA, 4, 0);
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kReplicate);
  seq.snapshot_due(0, due);
  EXPECT_TRUE(due.empty());
  ASSERT_TRUE(seq.next_batch(0, batch, group));
  EXPECT_EQ(batch.first_seq, 5u);
  EXPECT_EQ(batch.entries.count(), 6u);
  std::uint64_t at = batch.first_seq;
  for (const wire::EntryView& e : batch.entries) {
    EXPECT_TRUE(same_entry(e, seq.ring().at(at++))) << "the batch carries the ring's entries";
  }
}

TEST(Sequencer, BatchesFitOneDatagramAndFollowersInStepShareThem) {
  Sequencer seq;
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.add_follower(kB, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  seq.on_snapshot_sent(kB, 0, 0);
  for (int i = 0; i < 1000; ++i) seq.order(tick(static_cast<std::uint32_t>(i)).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  std::uint64_t next = 1;
  int batches = 0;
  std::array<std::uint8_t, wire::kMaxDatagramSize> datagram{};
  while (seq.next_batch(0, batch, group)) {
    EXPECT_EQ(group.size(), 2u);
    EXPECT_EQ(batch.first_seq, next);
    EXPECT_LE(batch.entries.size_bytes(), wire::EntryBlock::kCapacity);
    EXPECT_LE(batch.entries.count(), wire::kMaxEntriesPerBatch);
    EXPECT_TRUE(wire::encode(kA, Epoch{1, kA}, batch, datagram).ok()) << "fits a datagram";
    next += batch.entries.count();
    seq.mark_sent(group, batch);
    ++batches;
  }
  EXPECT_EQ(next, 1001u);
  EXPECT_GE(batches, 5);
}

TEST(Sequencer, LargestEntriesStillTravelInBatchesThatFit) {
  Sequencer seq;
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (std::uint64_t i = 0; i < 10; ++i) seq.order(Blob(i, wire::kMaxEntryPayload).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  std::array<std::uint8_t, wire::kMaxDatagramSize> datagram{};
  std::uint64_t next = 1;
  while (seq.next_batch(0, batch, group)) {
    ASSERT_GE(batch.entries.count(), 1u);
    EXPECT_TRUE(wire::encode(kA, Epoch{1, kA}, batch, datagram).ok());
    next += batch.entries.count();
    seq.mark_sent(group, batch);
  }
  EXPECT_EQ(next, 11u);
}

TEST(Sequencer, NackGoesBackAndSilenceRetransmits) {
  SequencerConfig config;
  config.retransmit_timeout_us = 100;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (int i = 0; i < 50; ++i) seq.order(tick(1).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  ASSERT_TRUE(seq.next_batch(0, batch, group));
  seq.mark_sent(group, batch);
  EXPECT_FALSE(seq.next_batch(0, batch, group));
  seq.on_nack(kA, 20, 10);
  EXPECT_EQ(seq.followers().at(kA).acked, 19u) << "a NACK doubles as an ACK of what precedes it";
  ASSERT_TRUE(seq.next_batch(10, batch, group));
  EXPECT_EQ(batch.first_seq, 20u);
  seq.mark_sent(group, batch);
  // No ACK arrives: after the timeout the stream restarts from the last ACK (19).
  EXPECT_FALSE(seq.next_batch(50, batch, group));
  ASSERT_TRUE(seq.next_batch(200, batch, group));
  EXPECT_EQ(batch.first_seq, 20u);
  EXPECT_GT(seq.followers().at(kA).retransmitted_entries, 0u);
}

TEST(Sequencer, ASilentFollowerIsProbedWithASmallWindowUntilItAcks) {
  SequencerConfig config;
  config.retransmit_timeout_us = 100;
  config.window_entries = 30;
  config.probe_window_entries = 3;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  // 100-byte payloads: about ten entries per batch. The window is checked before each batch.
  for (std::uint64_t i = 0; i < 150; ++i) seq.order(Blob(i, 100).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  std::uint64_t sent = 0;
  while (seq.next_batch(0, batch, group)) {
    ASSERT_LT(batch.entries.count(), 30u);
    seq.mark_sent(group, batch);
    sent = batch.first_seq + batch.entries.count() - 1;
  }
  EXPECT_GE(sent, 30u) << "a full window";
  EXPECT_LT(sent, 60u) << "but about a window beyond the last ACK, not everything";
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kReplicate);

  // Silence: back to the last ACK, and only a probe in flight.
  ASSERT_TRUE(seq.next_batch(200, batch, group));
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kProbe);
  EXPECT_EQ(batch.first_seq, 1u);
  EXPECT_GE(batch.entries.count(), 1u);
  seq.mark_sent(group, batch);
  EXPECT_FALSE(seq.next_batch(200, batch, group)) << "the probe window is full";

  // An ACK that moves forward: streaming with the full window again.
  seq.on_ack(kA, 2, 210);
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kReplicate);
  seq.on_ack(kA, 2, 220);  // A duplicate changes nothing.
  EXPECT_EQ(seq.followers().at(kA).acked, 2u);
  ASSERT_TRUE(seq.next_batch(220, batch, group));
}

TEST(Sequencer, ASnapshotSentToAProbingFollowerReturnsItToProbing) {
  SequencerConfig config;
  config.retransmit_timeout_us = 100;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (int i = 0; i < 10; ++i) seq.order(tick(1).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  ASSERT_TRUE(seq.next_batch(0, batch, group));
  seq.mark_sent(group, batch);
  ASSERT_TRUE(seq.next_batch(200, batch, group));  // Silence: probing.
  ASSERT_EQ(seq.followers().at(kA).state, Progress::kProbe);
  seq.request_snapshot(kA);
  const FollowerLink& link = seq.followers().at(kA);
  EXPECT_EQ(link.state, Progress::kSnapshot);
  EXPECT_EQ(link.after_snapshot, Progress::kProbe);
  EXPECT_EQ(link.acked, 0u) << "it starts over";
  seq.on_snapshot_sent(kA, 10, 300);
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kProbe);
  EXPECT_STREQ(progress_name(Progress::kProbe), "probe");
}

TEST(Sequencer, GapOlderThanTheRingTurnsIntoSnapshot) {
  SequencerConfig config;
  config.ring_capacity_log2 = 4;  // 16 entries.
  config.window_entries = 16;
  config.probe_window_entries = 4;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (int i = 0; i < 40; ++i) seq.order(tick(1).view());
  EXPECT_EQ(seq.ring().first_seq(), 25u);
  seq.on_nack(kA, 2, 0);
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kSnapshot);
  std::vector<NodeId> due;
  seq.snapshot_due(1000000, due);
  EXPECT_EQ(due.size(), 1u);
}

TEST(Sequencer, AFollowerTheRingPassedByGetsASnapshot) {
  SequencerConfig config;
  config.ring_capacity_log2 = 4;
  config.window_entries = 16;
  config.probe_window_entries = 4;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (int i = 0; i < 40; ++i) seq.order(tick(1).view());  // Never sent: the ring moved on.
  wire::Replicate batch;
  std::vector<NodeId> group;
  EXPECT_FALSE(seq.next_batch(0, batch, group));
  EXPECT_EQ(seq.followers().at(kA).state, Progress::kSnapshot);
}

TEST(Sequencer, CommitNeedsTheConfiguredNumberOfReplicas) {
  Sequencer seq;
  seq.reset(1);
  for (int i = 0; i < 10; ++i) seq.order(tick(1).view());
  EXPECT_EQ(seq.commit_seq(0), 10u) << "a cluster of one waits for nobody";
  EXPECT_EQ(seq.commit_seq(1), 0u) << "no follower connected: nothing is replicated";
  seq.add_follower(kA, 0);
  seq.add_follower(kB, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  seq.on_snapshot_sent(kB, 0, 0);
  seq.on_ack(kA, 7, 0);
  seq.on_ack(kB, 3, 0);
  EXPECT_EQ(seq.commit_seq(1), 7u);
  EXPECT_EQ(seq.commit_seq(2), 3u);
  seq.on_ack(kB, 99, 0);  // Acks beyond what was ordered are ignored.
  EXPECT_EQ(seq.commit_seq(2), 3u);
  seq.request_snapshot(kA);  // A follower that starts over vouches for nothing.
  EXPECT_EQ(seq.commit_seq(1), 3u);
  EXPECT_EQ(seq.commit_seq(2), 0u);
}

TEST(Sequencer, NackOvertakenByAnAckDoesNotStallTheStream) {
  // Found by the swarm: a NACK for seq 553 arrived after the ACK of 553 (reordered); the
  // stream rewound behind the ACK and never sent again.
  Sequencer seq;
  seq.reset(1);
  seq.add_follower(kA, 0);
  seq.on_snapshot_sent(kA, 0, 0);
  for (int i = 0; i < 10; ++i) seq.order(tick(1).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  ASSERT_TRUE(seq.next_batch(0, batch, group));
  seq.mark_sent(group, batch);
  seq.on_ack(kA, 6, 1);
  seq.on_nack(kA, 5, 2);  // Stale: 5 is already applied.
  for (int i = 0; i < 5; ++i) seq.order(tick(1).view());
  ASSERT_TRUE(seq.next_batch(3, batch, group));
  EXPECT_EQ(batch.first_seq, 11u);
}

TEST(Sequencer, NackFromBeforeALostSnapshotResendsTheGap) {
  // Found by the swarm: a follower that never installed the snapshot sent to it (it arrived
  // while the follower was between leaders) NACKed from its own position; the stream kept
  // resuming after the snapshot's seq and the follower waited for the gap forever.
  Sequencer seq;
  seq.reset(1);
  seq.add_follower(kA, 0);
  for (int i = 0; i < 20; ++i) seq.order(tick(1).view());
  seq.on_snapshot_sent(kA, 20, 0);  // Lost on the way: the follower still has up to 7.
  for (int i = 0; i < 5; ++i) seq.order(tick(1).view());
  wire::Replicate batch;
  std::vector<NodeId> group;
  ASSERT_TRUE(seq.next_batch(1, batch, group));
  EXPECT_EQ(batch.first_seq, 21u);
  seq.mark_sent(group, batch);
  seq.on_nack(kA, 8, 2);
  ASSERT_TRUE(seq.next_batch(3, batch, group));
  EXPECT_EQ(batch.first_seq, 8u);
  seq.mark_sent(group, batch);
  // Nothing counts as replicated beyond what the follower confirmed.
  EXPECT_EQ(seq.commit_seq(1), 7u);
  seq.on_ack(kA, 25, 4);
  EXPECT_EQ(seq.commit_seq(1), 25u);
}

TEST(Sequencer, AnUnconfirmedSnapshotWithNothingNewToStreamIsFollowedUp) {
  // Found by the swarm: a chat leader ordered entries 8..14 alone in a partition; on heal its
  // snapshot as of 14 reached the followers while they were between leaders (dropped). With
  // nothing newer to stream they saw no gap, never NACKed, and the leader never committed.
  SequencerConfig config;
  Sequencer seq(config);
  seq.reset(1);
  seq.add_follower(kA, 0);
  for (int i = 0; i < 7; ++i) seq.order(tick(1).view());
  seq.on_snapshot_sent(kA, 0, 0);
  seq.on_ack(kA, 7, 0);
  for (int i = 0; i < 7; ++i) seq.order(tick(1).view());
  seq.add_follower(kB, 1);
  seq.on_snapshot_sent(kA, 14, 1);  // Both lost: kA still has up to 7, kB nothing.
  seq.on_snapshot_sent(kB, 14, 1);
  EXPECT_EQ(seq.commit_seq(2), 0u);
  wire::Replicate batch;
  std::vector<NodeId> group;
  const TimeUs wait = Sequencer::kSnapshotConfirmTimeouts * config.retransmit_timeout_us;
  EXPECT_FALSE(seq.next_batch(1 + wait, batch, group))
      << "within the timeout the snapshots may still be confirmed";
  ASSERT_TRUE(seq.next_batch(2 + wait, batch, group));
  EXPECT_EQ(batch.first_seq, 8u) << "kA: resent from its last ACK in this epoch";
  EXPECT_EQ(group, std::vector<NodeId>{kA});
  EXPECT_TRUE(seq.followers().at(kB).needs_snapshot()) << "kB acked nothing: a new snapshot";
  std::vector<NodeId> due;
  seq.snapshot_due(2 + wait, due);
  EXPECT_EQ(due, std::vector<NodeId>{kB});
  seq.mark_sent(group, batch);
  seq.on_ack(kA, 14, 3 + wait);
  EXPECT_EQ(seq.commit_seq(1), 14u);
}

// ---------------------------------------------------------------------------------------------
// EntryRing

// 2048 bytes: the least power of two that holds two of the largest entries (516 bytes each
// in their wire encoding: service, kind, two length bytes, 512 of payload).
constexpr unsigned kSmallArenaLog2 = 11;

TEST(EntryRing, StartsEmptyAndResetsToAnySeq) {
  EntryRing ring(4, kSmallArenaLog2);
  EXPECT_EQ(ring.capacity(), 16u);
  EXPECT_EQ(ring.arena_bytes(), 2048u);
  EXPECT_EQ(ring.first_seq(), 1u);
  EXPECT_EQ(ring.next_seq(), 1u);
  EXPECT_EQ(ring.last_seq(), 0u);
  EXPECT_FALSE(ring.holds(0));
  EXPECT_FALSE(ring.holds(1));
  EXPECT_THROW(ring.at(1), AssertionFailure);
  ring.push(Blob(1, 3).view());
  ring.reset(500);
  EXPECT_FALSE(ring.holds(1)) << "a reset forgets every entry";
  EXPECT_EQ(ring.push(Blob(2, 3).view()), 500u);
  EXPECT_TRUE(ring.holds(500));
  EXPECT_EQ(ring.first_seq(), 500u);
  EXPECT_THROW(ring.reset(0), AssertionFailure) << "seqs start at 1";
}

TEST(EntryRing, KeepsServiceKindAndPayloadIncludingEmptyOnes) {
  EntryRing ring(4, kSmallArenaLog2);
  const Blob empty(5, 0);
  const Blob some(6, 100);
  const PongEntry pong_tick = tick(77);
  EXPECT_EQ(ring.push(empty.view()), 1u);
  EXPECT_EQ(ring.push(some.view()), 2u);
  EXPECT_EQ(ring.push(pong_tick.view()), 3u);
  EXPECT_TRUE(same_entry(ring.at(1), empty.view()));
  EXPECT_EQ(ring.at(1).payload.size(), 0u);
  EXPECT_TRUE(same_entry(ring.at(2), some.view()));
  EXPECT_TRUE(same_entry(ring.at(3), pong_tick.view()));
  const auto decoded = pong::Event::decode(ring.at(3));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->room, 77u);
}

TEST(EntryRing, WrapsAtCapacityExactly) {
  EntryRing ring(4, kSmallArenaLog2);  // 16 entries; small payloads never fill the arena.
  for (std::uint64_t i = 1; i <= 16; ++i) EXPECT_EQ(ring.push(Blob(i, 4).view()), i);
  // Exactly full: nothing evicted yet.
  EXPECT_EQ(ring.first_seq(), 1u);
  EXPECT_EQ(ring.last_seq(), 16u);
  for (std::uint64_t i = 1; i <= 16; ++i) EXPECT_TRUE(same_entry(ring.at(i), Blob(i, 4).view()));
  // One more: exactly the oldest goes, and the new entry takes its slot.
  EXPECT_EQ(ring.push(Blob(17, 4).view()), 17u);
  EXPECT_EQ(ring.first_seq(), 2u);
  EXPECT_FALSE(ring.holds(1));
  for (std::uint64_t i = 2; i <= 17; ++i) EXPECT_TRUE(same_entry(ring.at(i), Blob(i, 4).view()));
  // And so on, one for one, round the ring several times.
  for (std::uint64_t i = 18; i <= 100; ++i) {
    ring.push(Blob(i, 4).view());
    EXPECT_EQ(ring.next_seq() - ring.first_seq(), 16u);
  }
  for (std::uint64_t i = 85; i <= 100; ++i) EXPECT_TRUE(same_entry(ring.at(i), Blob(i, 4).view()));
}

TEST(EntryRing, EvictsByBytesWhenLargePayloadsFillTheArena) {
  EntryRing ring(8, kSmallArenaLog2);  // 256 slots, but only 2048 bytes of encoded entries.
  // Four entries of 512 encoded bytes (508 of payload) fill the arena exactly: all are held.
  for (std::uint64_t i = 1; i <= 4; ++i) ring.push(Blob(i, 508).view());
  EXPECT_EQ(ring.first_seq(), 1u);
  for (std::uint64_t i = 1; i <= 4; ++i) EXPECT_TRUE(same_entry(ring.at(i), Blob(i, 508).view()));
  // Three bytes more than the arena holds (an empty payload): the oldest entry goes, though
  // slots are free.
  ring.push(Blob(5, 0).view());
  EXPECT_EQ(ring.first_seq(), 2u);
  EXPECT_FALSE(ring.holds(1));
  EXPECT_THROW(ring.at(1), AssertionFailure);
  for (std::uint64_t i = 2; i <= 4; ++i) EXPECT_TRUE(same_entry(ring.at(i), Blob(i, 508).view()));
  EXPECT_TRUE(same_entry(ring.at(5), Blob(5, 0).view()));

  // The largest entries (516 bytes): once the smaller ones are gone, two or three are held
  // (the space one skips at the arena's end counts as used until it is passed).
  for (std::uint64_t i = 6; i <= 30; ++i) {
    ring.push(Blob(i, wire::kMaxEntryPayload).view());
    if (i >= 10) {
      const std::uint64_t held = ring.next_seq() - ring.first_seq();
      EXPECT_GE(held, 2u) << i;
      EXPECT_LE(held, 3u) << i;
    }
    EXPECT_TRUE(same_entry(ring.at(i), Blob(i, wire::kMaxEntryPayload).view()));
  }
  for (std::uint64_t i = ring.first_seq(); i <= 30; ++i) {
    EXPECT_TRUE(same_entry(ring.at(i), Blob(i, wire::kMaxEntryPayload).view())) << i;
  }
  EXPECT_FALSE(ring.holds(ring.first_seq() - 1));
}

TEST(EntryRing, AnEntryNeverStraddlesTheArenaEnd) {
  EntryRing ring(8, kSmallArenaLog2);
  for (std::uint64_t i = 1; i <= 4; ++i) ring.push(Blob(i, 504).view());  // 4 x 508 = 2032.
  // 103 bytes do not fit in the 16 left before the end: the entry starts over at the arena's
  // start, overwriting (and evicting) the first entry only.
  ring.push(Blob(5, 100).view());
  EXPECT_EQ(ring.first_seq(), 2u);
  for (std::uint64_t i = 2; i <= 5; ++i) {
    const std::size_t size = i == 5 ? 100 : 504;
    EXPECT_TRUE(same_entry(ring.at(i), Blob(i, size).view())) << i;
  }
}

TEST(EntryRing, ABatchCopiesEntriesAcrossTheArenaEnd) {
  EntryRing ring(8, kSmallArenaLog2);
  for (std::uint64_t i = 1; i <= 4; ++i) ring.push(Blob(i, 504).view());
  ring.push(Blob(5, 100).view());  // Skips the arena's last 16 bytes.
  for (std::uint64_t i = 6; i <= 8; ++i) ring.push(Blob(i, 20).view());
  wire::EntryBlock block;
  // From entry 3: two 508-byte entries and the 103-byte one fill a block (1133 bytes); the
  // next 23-byte entry does not fit.
  ASSERT_TRUE(ring.holds(3));
  EXPECT_EQ(ring.append_to(3, block), 3u);
  EXPECT_EQ(block.size_bytes(), 508u + 508u + 103u);
  wire::EntryBlock small;
  EXPECT_EQ(ring.append_to(5, small), 4u);
  EXPECT_TRUE(small.well_formed());
  std::uint64_t seq = 5;
  for (const wire::EntryView& e : small) {
    EXPECT_TRUE(same_entry(e, ring.at(seq))) << seq;
    ++seq;
  }
  EXPECT_EQ(seq, 9u);
  // From entry 4 the run crosses the skip: entry 4 ends at the arena's end minus 16 bytes and
  // entry 5 starts at its beginning.
  wire::EntryBlock across;
  EXPECT_EQ(ring.append_to(4, across), 5u);
  EXPECT_TRUE(across.well_formed());
  seq = 4;
  for (const wire::EntryView& e : across) {
    EXPECT_TRUE(same_entry(e, ring.at(seq))) << seq;
    ++seq;
  }
}

TEST(EntryRing, EveryHeldEntryReadsBackIntactUnderMixedSizes) {
  EntryRing ring(5, 11);  // 32 slots, 2048 bytes.
  Rng rng(11);
  std::deque<std::pair<std::uint64_t, std::size_t>> pushed;  // seq, size
  for (std::uint64_t i = 1; i <= 3000; ++i) {
    // Mostly small, some of the largest, some empty: both bounds take turns.
    const std::uint64_t pick = rng.uniform(10);
    const std::size_t size =
        pick == 0  ? 0
        : pick < 7 ? static_cast<std::size_t>(rng.uniform(40))
                   : static_cast<std::size_t>(rng.uniform(wire::kMaxEntryPayload + 1));
    ASSERT_EQ(ring.push(Blob(i, size).view()), i);
    pushed.emplace_back(i, size);
    while (pushed.front().first < ring.first_seq()) pushed.pop_front();
    ASSERT_LE(ring.next_seq() - ring.first_seq(), ring.capacity());
    ASSERT_EQ(pushed.front().first, ring.first_seq());
    std::size_t bytes = 0;
    for (const auto& [seq, n] : pushed) {
      bytes += n;
      ASSERT_TRUE(same_entry(ring.at(seq), Blob(seq, n).view())) << "seq " << seq << " at " << i;
    }
    ASSERT_LE(bytes, ring.arena_bytes());
  }
}

}  // namespace
}  // namespace dp
