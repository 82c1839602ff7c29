// LogReplica as a follower: applying the leader's stream in order, NACKing gaps, installing
// snapshots (and, on a recovering leader, the state it pulled).
#include <algorithm>

#include "core/common/assert.h"
#include "core/replication/log_replica.h"

namespace dp {

void LogReplica::send_ack() {
  wire::Ack ack;
  ack.applied_seq = applied_seq_;
  send(leader_control_, ack);
}

void LogReplica::request_snapshot(TimeUs now) {
  if (now - last_nack_us_ < config_.sequencer.retransmit_timeout_us && last_nack_us_ != 0) return;
  last_nack_us_ = now;
  wire::Nack nack;
  nack.from_seq = applied_seq_ + 1;
  nack.to_seq = applied_seq_ + 1;
  nack.want_snapshot = 1;
  send(leader_control_, nack);
  ++stats_.nacks_sent;
}

void LogReplica::on_replicate(TimeUs now, const wire::Replicate& m) {
  if (leading()) return;
  commit_seq_ = std::max(commit_seq_, std::min(m.commit_seq, applied_seq_));
  if (synced_epoch_ != epoch_) {
    request_snapshot(now);
    return;
  }
  if (m.entries.empty()) return;
  if (m.first_seq > applied_seq_ + 1 && config_.inject_bug_skip_nack) {
    // The injected bug: pretend the missing entries were applied and carry on.
    ++stats_.gap_applies;
    applied_seq_ = m.first_seq - 1;
  }
  if (m.first_seq > applied_seq_ + 1) {
    // A gap: ask for it (rate-limited; the leader goes back to applied_seq_ + 1).
    if (last_nack_us_ == 0 || now - last_nack_us_ >= config_.sequencer.retransmit_timeout_us / 2) {
      wire::Nack nack;
      nack.from_seq = applied_seq_ + 1;
      nack.to_seq = m.first_seq - 1;
      send(leader_control_, nack);
      last_nack_us_ = now;
      ++stats_.nacks_sent;
    }
    return;
  }
  apply_batch(now, m);
  send_ack();
}

void LogReplica::apply_batch(TimeUs now, const wire::Replicate& m) {
  const std::uint64_t last = m.first_seq + m.entries.count() - 1;
  if (last <= applied_seq_) return;
  const std::uint64_t before = applied_seq_;
  std::uint64_t seq = m.first_seq;
  for (const wire::EntryView& entry : m.entries) {
    if (seq > applied_seq_) {
      if (seq != applied_seq_ + 1) ++stats_.gap_applies;
      if (services_.apply(entry).ok()) {
        store_if_durable(entry, synced_epoch_, seq);
      } else {
        ++stats_.apply_errors;
      }
      applied_seq_ = seq;
      ++stats_.entries_applied;
    }
    ++seq;
  }
  DP_ASSERT(applied_seq_ > before, "a follower's applied position never goes back");
  last_progress_us_ = now;
}

void LogReplica::on_snapshot(TimeUs now, const NodeId& from, const wire::Snapshot& m) {
  auto* recovering = std::get_if<Recovering>(&state_);
  if (hosting() || (recovering != nullptr && !recovering->recovery.pulling_from(from))) return;
  if (!assembler_.add(m)) return;
  const bool pulled = recovering != nullptr;
  if (pulled && !recovering->recovery.accept_pulled(now, assembler_.seq())) {
    assembler_.clear();
    return;
  }
  if (!pulled && synced_epoch_ == epoch_ && assembler_.seq() <= applied_seq_) {
    // A late answer to an old request: we already applied this epoch's stream past it, and
    // going back would contradict the ACKs we sent. Say where we are instead.
    assembler_.clear();
    send_ack();
    return;
  }
  const bool installed = services_.load_snapshot(assembler_.bytes());
  if (!installed && pulled) {
    // A state that does not install cannot be served past: ask another follower.
    recovering->recovery.refuse_pulled(now);
    assembler_.clear();
    return;
  }
  if (installed) {
    applied_seq_ = assembler_.seq();
    ++stats_.snapshots_installed;
    outbox_.emit(node_event(now, NodeEventKind::kSnapshotInstalled, from, epoch_, applied_seq_));
    if (!pulled) {
      synced_epoch_ = epoch_;
      standing_ = Standing::kHolds;
      from_disk_ = false;
      last_progress_us_ = now;
      // Written before the ACK below leaves: the driver stores a step's records first.
      store_whole_state(position());
      send_ack();
    }
  }
  assembler_.clear();
  if (pulled) finish_recovery(now, /*pulled=*/true);
}

void LogReplica::follower_tick(TimeUs now) {
  if (epoch_.is_none()) return;
  if (synced_epoch_ != epoch_ &&
      now - last_progress_us_ > config_.sequencer.retransmit_timeout_us) {
    request_snapshot(now);
  }
}

}  // namespace dp
