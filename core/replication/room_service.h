// The rooms of a server and their replication: on the leader, the sequencer that orders
// every room event, applies it, streams it to the followers and shows clients only what is
// replicated; on a follower, the replica that applies the stream in order, ACKs it, NACKs
// gaps and installs snapshots. Owned by ServerNode, which tells it about role changes.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "core/common/outbox.h"
#include "core/common/types.h"
#include "core/game/room_book.h"
#include "core/game/room_planner.h"
#include "core/replication/sequencer.h"
#include "core/replication/snapshot_assembler.h"
#include "core/wire/codec.h"

namespace dp {

struct RoomServiceConfig {
  std::uint8_t target_score = 5;
  // Followers that must have applied a point before any client is shown it. kMajority (the
  // default) means half the cluster: with the leader, a majority of the servers it knows.
  // A new leader serves only after hearing how far enough followers got that any group
  // which could have confirmed a point overlaps them (reports + 1 + replicas + 1 > servers),
  // so a point a player saw is never lost while a majority survives, even across partitions.
  static constexpr std::size_t kMajority = static_cast<std::size_t>(-1);
  std::size_t min_replicas = kMajority;
  TimeUs tick_interval_us = 16'667;  // 60 Hz.
  // A seated player silent this long forfeits.
  TimeUs forfeit_timeout_us = 5 * kUsPerSecond;
  // A new leader waits this long (at most) for its followers' positions, and pulls the state
  // of one that is ahead of it before it resumes the rooms.
  TimeUs recovery_window_us = 40 * kUsPerMs;
  TimeUs recovery_pull_timeout_us = 150 * kUsPerMs;
  SequencerConfig sequencer;
  // TEST ONLY: a deliberately broken follower that applies a batch across a gap instead of
  // NACKing it, so the fuzzer and its tests can prove they catch a broken invariant.
  bool inject_bug_skip_nack = false;
};

struct RoomServiceStats {
  std::uint64_t events_ordered = 0;
  std::uint64_t events_applied = 0;  // As a follower.
  std::uint64_t apply_errors = 0;    // Replica disagreed with an event: a bug if non-zero.
  std::uint64_t gap_applies = 0;     // Applied out of order: a bug if non-zero.
  std::uint64_t snapshots_sent = 0;
  std::uint64_t snapshots_installed = 0;
  std::uint64_t nacks_sent = 0;
  std::uint64_t states_sent = 0;
  std::uint64_t recovery_pulls = 0;
};

class RoomService {
 public:
  RoomService(const RoomServiceConfig& config, const NodeId& self, Outbox& outbox);

  // Role changes, from ServerNode.
  void on_become_leader(TimeUs now, const Epoch& epoch);
  void on_follow(TimeUs now, const Epoch& epoch, Endpoint leader_control);
  void on_leaderless(TimeUs now);
  // Leader: the live followers (id -> control endpoint) and what they report having applied.
  // known_servers: the other servers we know of, live or not (bounds the replicas a point
  // can wait for).
  void set_followers(TimeUs now, const std::map<NodeId, Endpoint>& followers,
                     std::size_t known_servers);
  // How far a replica got: the epoch whose stream it follows, and the last seq it applied.
  // Ordered: a newer epoch's stream is ahead of any older one's, whatever the seqs.
  struct Position {
    Epoch epoch;
    std::uint64_t seq = 0;
    auto operator<=>(const Position&) const = default;
  };
  // `lost_state`: the follower restarted since it last held rooms and has not synced since,
  // so it cannot vouch for what the players saw.
  void on_follower_position(TimeUs now, const NodeId& id, const Position& position,
                            bool lost_state);
  // Set at start-up when this server held rooms before (it led or followed an epoch): they
  // were in memory only, so until it syncs again it knows nothing of what was shown.
  void set_lost_state(bool lost) { lost_state_ = lost; }
  bool lost_state() const { return lost_state_; }

  // Server-to-server messages (already epoch-checked by ServerNode).
  void on_replicate(TimeUs now, const wire::Replicate& m);
  void on_ack(TimeUs now, const NodeId& from, const wire::Ack& m);
  void on_nack(TimeUs now, const NodeId& from, Endpoint from_control, const wire::Nack& m);
  void on_snapshot(TimeUs now, const NodeId& from, const wire::Snapshot& m);
  // Client messages (the leader only).
  void on_join(TimeUs now, Endpoint from, const wire::Join& m);
  void on_input(TimeUs now, Endpoint from, const wire::Input& m);
  void on_leave(TimeUs now, const wire::Leave& m);

  void on_tick(TimeUs now);
  TimeUs next_tick_at() const { return next_tick_us_; }

  void set_self_control(Endpoint control) { self_control_ = control; }
  void set_leader_control(Endpoint control) { leader_control_ = control; }
  const game::RoomBook& book() const { return book_; }
  std::uint64_t applied_seq() const { return applied_seq_; }
  std::uint64_t commit_seq() const { return commit_seq_; }
  // The epoch whose stream this replica follows (its snapshot base); none until synced.
  const Epoch& synced_epoch() const { return synced_epoch_; }
  bool leading() const { return leading_; }
  bool recovering() const { return leading_ && recovering_; }
  const Sequencer& sequencer() const { return sequencer_; }
  const RoomServiceStats& stats() const { return stats_; }

 private:
  struct Shown {  // What clients of a room are shown: only replicated scores and results.
    std::uint8_t score[2] = {0, 0};
    std::uint8_t winner = 0;  // Slot + 1.
  };
  struct PendingResult {
    std::uint64_t seq;
    std::uint32_t room;
    std::uint8_t score[2];
    std::uint8_t winner;
  };
  struct ClientInfo {
    std::int8_t direction = 0;
    std::uint32_t last_input_seq = 0;
    TimeUs last_heard_us = 0;
  };
  struct JoinRequest {
    std::uint64_t client_id;
    Endpoint from;
    wire::RoomName name;
  };

  void leader_tick(TimeUs now);
  // Reports rooms opening and closing, points and match ends (as ordered, not yet replicated).
  void emit_room_event(const wire::RoomEvent& event, std::uint64_t seq);
  void follower_tick(TimeUs now);
  void finish_recovery(TimeUs now);
  void order_and_apply(const wire::RoomEvent& event);
  void replicate(TimeUs now);
  void send_snapshot(TimeUs now, const NodeId& to, Endpoint to_control);
  void advance_commit();
  void send_client_states();
  void reset_shown_from_book();
  void request_snapshot(TimeUs now);

  template <class Msg>
  void send(Channel from, Endpoint to, const Msg& msg);

  RoomServiceConfig config_;
  NodeId self_;
  Outbox& outbox_;
  Endpoint self_control_;
  Epoch epoch_;
  RoomServiceStats stats_;

  game::RoomBook book_;
  std::uint64_t applied_seq_ = 0;
  std::uint64_t commit_seq_ = 0;
  Epoch synced_epoch_;
  bool lost_state_ = false;
  TimeUs next_tick_us_ = 0;
  TimeUs now_us_ = 0;  // Time of the step in progress (for observations).

  // Leader state.
  bool leading_ = false;
  bool recovering_ = false;
  TimeUs recovery_deadline_us_ = 0;
  NodeId pull_from_;
  std::uint64_t base_seq_ = 0;  // The seq this epoch's stream resumed from (see finish_recovery).
  std::uint64_t pull_seq_ = 0;
  struct Report {
    Position position;
    bool lost_state = false;
  };
  std::map<NodeId, Report> reports_;  // Followers' positions during recovery.
  std::size_t known_servers_ = 0;     // Other servers known (live or not).
  std::map<NodeId, Endpoint> followers_;
  std::size_t required_replicas_ = 0;  // Followers a point waits for (see min_replicas).
  std::size_t reports_needed_ = 0;     // Follower positions a new leader waits for.
  Sequencer sequencer_;
  std::uint64_t snapshot_counter_ = 0;
  std::map<std::uint64_t, ClientInfo> clients_;  // Bounded by seated clients (2 per room).
  std::vector<JoinRequest> pending_joins_;       // Bounded: kMaxPendingJoins.
  std::vector<std::uint64_t> pending_leaves_;    // Bounded: kMaxPendingJoins.
  std::map<std::uint32_t, Shown> shown_;
  std::deque<PendingResult> pending_results_;
  // After a failover, finished rooms stay open this many ticks so their players (re-homing
  // to us) see the result before the room closes.
  static constexpr int kClosingGraceTicks = 60;
  int closing_grace_ticks_ = 0;
  struct ClosedNotice {
    Endpoint client;
    wire::RoomState state;  // The room's final state with phase Closed.
  };
  std::vector<ClosedNotice> closed_notices_;  // Players of rooms closed this tick.

  // Follower state.
  Endpoint leader_control_;
  SnapshotAssembler assembler_;
  TimeUs last_nack_us_ = 0;
  TimeUs last_progress_us_ = 0;

  // Scratch, reused to avoid allocation per tick.
  std::vector<wire::RoomEvent> planned_;
  std::vector<wire::RoomEvent> checks_;
  std::vector<std::uint8_t> snapshot_bytes_;
  wire::Replicate batch_;
  wire::Snapshot chunk_;
  std::vector<NodeId> group_;
  std::vector<NodeId> due_;
};

}  // namespace dp
