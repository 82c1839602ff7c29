// One server's replica of the log, and the services it carries.
//
// Its role is an explicit state (etcd-raft's becomeFollower/becomeLeader), changed only by the
// transitions below, each of which refuses an illegal move:
//
//   Idle        no leader: applies nothing, serves nothing (its state waits for the next one).
//   Following   applies the leader's stream in order, ACKs it, NACKs gaps, installs
//               snapshots; answers a new leader's pull.
//   Recovering  a new leader learning how far its followers got (see recovery.h); serves
//               nothing yet.
//   Leading     the sequencer: orders the services' entries, applies them, streams them to
//               the followers, and lets the services show clients only what is committed.
//
//   Idle ----------> Following, Recovering
//   Following -----> Following (another epoch, or the same one again), Idle, Recovering
//   Recovering ----> Leading (recovery finished), Following, Idle
//   Leading -------> Following, Idle
//
// Owned by ServerNode, which tells it of role changes and hands it the epoch-checked
// replication messages. Invariants (asserted): commit_seq <= applied_seq on a leader; a
// follower's applied_seq never decreases within one synced epoch.
#pragma once

#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

#include "core/common/outbox.h"
#include "core/common/position.h"
#include "core/common/types.h"
#include "core/replication/quorum.h"
#include "core/replication/recovery.h"
#include "core/replication/sequencer.h"
#include "core/replication/service_registry.h"
#include "core/replication/snapshot_assembler.h"
#include "core/wire/codec.h"
#include "core/wire/send.h"

namespace dp {

struct ReplicaConfig {
  // Followers that must have applied an entry before clients are shown its effects
  // (Quorum::kMajority: half the cluster, so a majority with the leader).
  std::size_t min_replicas = Quorum::kMajority;
  TimeUs tick_interval_us = 16'667;  // 60 Hz.
  RecoveryTiming recovery;
  SequencerConfig sequencer;
  // TEST ONLY: a deliberately broken follower that applies a batch across a gap instead of
  // NACKing it, so the fuzzer and its tests can prove they catch a broken invariant.
  bool inject_bug_skip_nack = false;
  // TEST ONLY: a leader that counts one entry more as committed than its followers hold, so
  // the tests can prove that a broken invariant assertion stops a simulated run.
  bool inject_bug_commit_ahead = false;
};

struct ReplicaStats {
  std::uint64_t entries_ordered = 0;
  std::uint64_t entries_applied = 0;  // As a follower.
  std::uint64_t apply_errors = 0;     // Replica disagreed with an entry: a bug if non-zero.
  std::uint64_t gap_applies = 0;      // Applied out of order: a bug if non-zero.
  std::uint64_t snapshots_sent = 0;
  std::uint64_t snapshots_installed = 0;
  std::uint64_t nacks_sent = 0;
  std::uint64_t recovery_pulls = 0;
};

enum class ReplicaRole : std::uint8_t { kIdle, kFollowing, kRecovering, kLeading };
const char* replica_role_name(ReplicaRole role);

class LogReplica final : private LogWriter {
 public:
  LogReplica(const ReplicaConfig& config, const NodeId& self, Outbox& outbox,
             std::vector<std::unique_ptr<Service>> services);

  // Role changes, from ServerNode.
  void become_recovering(TimeUs now, const Epoch& epoch);
  void become_following(TimeUs now, const Epoch& epoch, Endpoint leader_control);
  void become_idle(TimeUs now);

  // Leader: the live followers and how many other servers are known, live or not (the
  // replicas a commit can wait for).
  void set_followers(TimeUs now, const FollowerSet& followers, std::size_t known_servers);
  // A follower's heartbeat: how far its replica got, and what that report is worth.
  void on_follower_position(TimeUs now, const NodeId& id, const Position& position,
                            Standing standing);
  // At start-up: the durable state found on disk. Loaded, the replica holds the services'
  // durable state as of stored.position and vouches for it in a new leader's recovery
  // (it is not synced: the stream's in-memory entries since are gone, so it takes a snapshot
  // from its next leader). False when the records do not decode (nothing is loaded).
  bool load(const DurableState& stored);
  // Set at start-up: kLost when this server led or followed an epoch before and found no
  // state it could load; kFresh when it never did (see Standing). Syncing makes it kHolds.
  void set_standing(Standing standing) { standing_ = standing; }
  Standing standing() const { return standing_; }

  // Replication messages (already epoch-checked by ServerNode).
  void on_replicate(TimeUs now, const wire::Replicate& m);
  void on_ack(TimeUs now, const NodeId& from, const wire::Ack& m);
  void on_nack(TimeUs now, const NodeId& from, Endpoint from_control, const wire::Nack& m);
  void on_snapshot(TimeUs now, const NodeId& from, const wire::Snapshot& m);
  // A service-family datagram from a client; returns why it was refused, if it was.
  std::optional<wire::DecodeError> on_client_datagram(TimeUs now, Endpoint from,
                                                      const wire::Header& header,
                                                      std::span<const std::uint8_t> body);

  void on_tick(TimeUs now);
  TimeUs next_tick_at() const { return next_tick_us_; }

  void set_self_control(Endpoint control) { self_control_ = control; }
  void set_leader_control(Endpoint control) { leader_control_ = control; }

  ReplicaRole role() const { return static_cast<ReplicaRole>(state_.index()); }
  bool leading() const { return role() == ReplicaRole::kLeading || recovering(); }
  bool recovering() const { return role() == ReplicaRole::kRecovering; }
  bool hosting() const { return role() == ReplicaRole::kLeading; }
  // While a leader hands over (an operator's move-leader), its services order nothing new, so its
  // successor can hold every entry; it still replicates and publishes.
  void hold_ordering(bool held) { ordering_held_ = held; }
  bool ordering_held() const { return ordering_held_; }
  std::uint64_t applied_seq() const { return applied_seq_; }
  std::uint64_t commit_seq() const { return commit_seq_; }
  // The epoch whose stream this replica follows (its snapshot base); none until synced.
  const Epoch& synced_epoch() const { return synced_epoch_; }
  // How far this replica got, as it reports it: its place in the stream it follows, or, until
  // it syncs after a restart, the last durable entry it loaded from disk.
  Position position() const {
    return synced_epoch_.is_none() && from_disk_ ? durable_position_
                                                 : Position{synced_epoch_, applied_seq_};
  }
  // The last durable entry on this replica's disk.
  const Position& durable_position() const { return durable_position_; }
  const ServiceRegistry& services() const { return services_; }
  const Sequencer& sequencer() const { return sequencer_; }
  const ReplicaStats& stats() const { return stats_; }
  const Quorum& quorum() const { return quorum_; }

 private:
  struct Idle {};
  struct Following {};
  struct Recovering {
    Recovery recovery;
  };
  struct Leading {
    // The seq this epoch's stream resumed from: the state it holds is shown, and played on,
    // only once it is on enough servers (see finish_recovery).
    std::uint64_t base_seq = 0;
  };
  using State = std::variant<Idle, Following, Recovering, Leading>;

  void transition(ReplicaRole to);
  // LogWriter: order and apply one entry of a service's plan.
  Appended append(const wire::EntryView& entry) override;
  Epoch epoch() const override { return epoch_; }

  // Leading (leader_stream.cc).
  void leader_tick(TimeUs now);
  void recovery_tick(TimeUs now, Recovering& recovering);
  void finish_recovery(TimeUs now, bool pulled);
  void replicate(TimeUs now);
  void send_snapshot(TimeUs now, const NodeId& to, Endpoint to_control);
  void advance_commit();
  void publish(TimeUs now);
  // Followers (and the leader of a one-server cluster): spectators' states, at 20 Hz.
  void serve_spectators(TimeUs now);
  bool base_pending() const;
  // Following (follower_stream.cc).
  void follower_tick(TimeUs now);
  void request_snapshot(TimeUs now);
  void apply_batch(TimeUs now, const wire::Replicate& m);
  void send_ack();
  // Durable state: the records an applied durable entry changed, or the whole state.
  void store_if_durable(const wire::EntryView& entry, const Epoch& stream, std::uint64_t seq);
  void store_whole_state(const Position& position);

  template <class Msg>
  void send(Endpoint to, const Msg& msg) {
    // To another server: sealed with the cluster key (see core/security/datagram_auth.h).
    if (wire::send_message(outbox_, self_, epoch_, Channel::kControl, to, msg)) {
      outbox_.seal_last();
    }
  }

  ReplicaConfig config_;
  NodeId self_;
  Outbox& outbox_;
  Endpoint self_control_;
  ServiceRegistry services_;
  State state_;
  Epoch epoch_;  // The epoch led or followed; none while Idle.
  ReplicaStats stats_;

  std::uint64_t applied_seq_ = 0;
  std::uint64_t commit_seq_ = 0;
  Epoch synced_epoch_;
  Standing standing_ = Standing::kJoining;
  Position durable_position_;  // The last durable entry written (or loaded).
  bool from_disk_ = false;     // Holds a state loaded from disk, not yet synced.
  TimeUs next_tick_us_ = 0;
  TimeUs next_spectators_us_ = 0;

  // Leader side (Recovering and Leading).
  FollowerSet followers_;  // Bounded by the cluster's peers (wire::kMaxServers).
  Quorum quorum_;
  Sequencer sequencer_;  // Allocated once; reset when a leadership starts streaming.
  std::uint64_t snapshot_counter_ = 0;

  // Follower side. The transfer state outlives a gap between leaders of one epoch: a
  // half-assembled snapshot and the NACK rate limit carry on when the same leader is
  // followed again, and are dropped when another epoch begins.
  Endpoint leader_control_;
  SnapshotAssembler assembler_;
  TimeUs last_nack_us_ = 0;
  TimeUs last_progress_us_ = 0;

  // Scratch, reused to avoid allocation per tick.
  std::vector<std::uint8_t> snapshot_bytes_;
  wire::Replicate batch_;
  wire::Snapshot chunk_;
  std::vector<NodeId> group_;
  std::vector<NodeId> due_;
  bool ordering_held_ = false;
};

}  // namespace dp
