// The leader's sequencer: gives every log entry a position in one total order and keeps
// each follower's replication stream moving (batches, cumulative ACKs, NACKed gaps,
// go-back-N retransmission, and a snapshot for a follower too far behind).
//
// Pure bookkeeping over generic entries: it decides what to send; the log replica encodes and
// sends it. Each follower's progress is an explicit state (etcd-raft's Probe / Replicate /
// Snapshot):
//
//   kSnapshot  --snapshot sent-->  the state it left (kReplicate for a new follower)
//   kReplicate --no progress for retransmit_timeout-->  kProbe (go back to the last ACK)
//   kProbe     --an ACK that moves forward-->  kReplicate
//   any        --NACK from before the ring, a request, or the ring passed it-->  kSnapshot
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/common/types.h"
#include "core/replication/entry_ring.h"
#include "core/wire/replication_messages.h"

namespace dp {

// The windows must fit the ring (window_entries <= 2^ring_capacity_log2): a smaller ring needs
// smaller windows, or the sequencer asserts when it is built.
struct SequencerConfig {
  unsigned ring_capacity_log2 = EntryRing::kDefaultCapacityLog2;
  unsigned ring_arena_log2 = EntryRing::kDefaultArenaLog2;
  // Entries in flight to one follower beyond its last ACK (flow control).
  std::uint64_t window_entries = 8192;
  // In flight to a follower that stopped answering, until it ACKs again.
  std::uint64_t probe_window_entries = 64;
  // Resend from the last ACK when a follower makes no progress for this long.
  TimeUs retransmit_timeout_us = 60 * kUsPerMs;
};

enum class Progress : std::uint8_t {
  kSnapshot,   // Needs a snapshot: new, restarted, diverged, or behind the ring.
  kProbe,      // Stopped ACKing: only a small probe is in flight until it answers.
  kReplicate,  // Streaming with the full window.
};
const char* progress_name(Progress progress);

struct FollowerLink {
  Progress state = Progress::kSnapshot;
  // The streaming state a kSnapshot link returns to once its snapshot is sent.
  Progress after_snapshot = Progress::kReplicate;
  std::uint64_t acked = 0;         // Highest seq the follower applied (cumulative, confirmed).
  std::uint64_t snapshot_seq = 0;  // Seq of the last snapshot sent (not yet confirmed).
  std::uint64_t sent = 0;          // Highest seq sent (go-back-N resets it to `acked`).
  TimeUs last_progress_us = 0;
  TimeUs snapshot_sent_us = 0;
  std::uint64_t retransmitted_entries = 0;

  bool needs_snapshot() const { return state == Progress::kSnapshot; }
};

class Sequencer {
 public:
  // A snapshot unconfirmed for this many retransmit timeouts (no progress) is taken for lost.
  static constexpr TimeUs kSnapshotConfirmTimeouts = 4;

  explicit Sequencer(const SequencerConfig& config = {});

  // Starts a new epoch's stream; the first entry ordered gets next_seq.
  void reset(std::uint64_t next_seq);
  std::uint64_t order(const wire::EntryView& entry) { return ring_.push(entry); }
  std::uint64_t last_seq() const { return ring_.last_seq(); }
  const EntryRing& ring() const { return ring_; }

  // Followers start in kSnapshot (a new epoch re-bases every replica on the leader's state).
  void add_follower(const NodeId& id, TimeUs now);
  void remove_follower(const NodeId& id);
  bool has_follower(const NodeId& id) const { return links_.count(id) != 0; }
  const std::map<NodeId, FollowerLink>& followers() const { return links_; }

  void on_ack(const NodeId& id, std::uint64_t applied_seq, TimeUs now);
  // Go back to `from_seq`; a gap older than the ring turns into a snapshot.
  void on_nack(const NodeId& id, std::uint64_t from_seq, TimeUs now);
  // The follower asked for a snapshot (joined late, lost one, or diverged).
  void request_snapshot(const NodeId& id);
  // A snapshot as of `seq` went out to the follower.
  void on_snapshot_sent(const NodeId& id, std::uint64_t seq, TimeUs now);

  // Highest seq applied by at least `replicas` followers; every entry when replicas is 0;
  // 0 (nothing) when fewer followers than that are connected.
  std::uint64_t commit_seq(std::size_t replicas) const;

  // Applies retransmission timeouts, then fills `batch` with the next entries for the
  // followers in `group` (all followers whose stream resumes at the same seq). Returns false
  // when nobody has anything to send. Call repeatedly until false to drain.
  bool next_batch(TimeUs now, wire::Replicate& batch, std::vector<NodeId>& group);
  // Marks the group's followers as having been sent the batch.
  void mark_sent(const std::vector<NodeId>& group, const wire::Replicate& batch);

  // Followers that need a snapshot now (not one sent within the retransmit timeout).
  void snapshot_due(TimeUs now, std::vector<NodeId>& out) const;

 private:
  static void need_snapshot(FollowerLink& link);
  bool snapshot_unconfirmed(TimeUs now, FollowerLink& link);

  SequencerConfig config_;
  EntryRing ring_;
  std::map<NodeId, FollowerLink> links_;  // Bounded by the cluster (wire::kMaxServers).
};

}  // namespace dp
