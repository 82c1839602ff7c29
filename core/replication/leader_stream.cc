// LogReplica as a leader: recovery, then the sequencer's stream, the commit point and the
// services' ticks.
#include <algorithm>

#include "core/common/assert.h"
#include "core/replication/log_replica.h"

namespace dp {

bool LogReplica::base_pending() const {
  const auto* leading = std::get_if<Leading>(&state_);
  return leading != nullptr && commit_seq_ < leading->base_seq;
}

void LogReplica::recovery_tick(TimeUs now, Recovering& recovering) {
  Recovery::Pull pull;
  switch (recovering.recovery.step(now, position(), standing_, quorum_, followers_, pull)) {
    case Recovery::Decision::kWait:
      return;
    case Recovery::Decision::kFinish:
      finish_recovery(now, /*pulled=*/false);
      return;
    case Recovery::Decision::kPull: {
      ++stats_.recovery_pulls;
      wire::Nack ask;
      ask.from_seq = pull.from_seq;
      ask.to_seq = pull.to_seq;
      ask.want_snapshot = 1;
      send(followers_.at(pull.from), ask);
      return;
    }
  }
}

void LogReplica::finish_recovery(TimeUs now, bool pulled) {
  transition(ReplicaRole::kLeading);
  synced_epoch_ = epoch_;
  standing_ = Standing::kHolds;
  from_disk_ = false;
  // The state this epoch resumes from is on disk as its base: the pulled state whole, or,
  // resuming from our own, only its new position (its durable records are already there).
  if (pulled) {
    store_whole_state(position());
  } else {
    durable_position_ = position();
    outbox_.durable_position(durable_position_);
  }
  sequencer_.reset(applied_seq_ + 1);
  // The state we resume from holds every effect clients saw, and perhaps a few entries that
  // were never committed (the tail of an older stream). It is shown, and played on, only once
  // it is on enough servers in this epoch: until then clients get nothing at all.
  state_.emplace<Leading>(Leading{applied_seq_});
  commit_seq_ = 0;
  for (const auto& [id, control] : followers_) sequencer_.add_follower(id, now);
  for (const auto& [id, service] : services_.all()) service->begin_hosting(now);
}

void LogReplica::leader_tick(TimeUs now) {
  if (auto* r = std::get_if<Recovering>(&state_)) {
    recovery_tick(now, *r);
    if (!hosting()) return;
  }
  if (base_pending()) {
    // The state this epoch resumed from is not on enough servers yet: send it (snapshots),
    // but neither play nor show anything until it is.
    replicate(now);
    advance_commit();
    if (base_pending()) return;
  }
  if (followers_.size() < quorum_.required_replicas) {
    // Too few followers to replicate to (a crash or a partition): freeze rather than play on.
    // Nothing ordered now could be shown, and a stream that runs ahead alone would compete
    // with the one a better-connected leader continues.
    replicate(now);
    publish(now);
    return;
  }
  if (!ordering_held_) {
    for (const auto& [id, service] : services_.all()) service->plan(now, *this);
  }
  replicate(now);
  advance_commit();
  publish(now);
}

void LogReplica::replicate(TimeUs now) {
  batch_.commit_seq = commit_seq_;
  while (sequencer_.next_batch(now, batch_, group_)) {
    for (const auto& id : group_) {
      auto it = followers_.find(id);
      if (it != followers_.end()) send(it->second, batch_);
    }
    sequencer_.mark_sent(group_, batch_);
  }
  sequencer_.snapshot_due(now, due_);
  if (!due_.empty()) {
    snapshot_bytes_.clear();
    services_.save_snapshot(snapshot_bytes_);
    for (const auto& id : due_) {
      auto it = followers_.find(id);
      if (it != followers_.end()) send_snapshot(now, id, it->second);
    }
  }
}

void LogReplica::send_snapshot(TimeUs now, const NodeId& to, Endpoint to_control) {
  const std::uint64_t id = (epoch_.term << 32) | (++snapshot_counter_ & 0xffffffffu);
  for_each_snapshot_chunk(snapshot_bytes_, id, applied_seq_, chunk_,
                          [&](const wire::Snapshot& c) { send(to_control, c); });
  ++stats_.snapshots_sent;
  outbox_.emit(node_event(now, NodeEventKind::kSnapshotSent, to, epoch_, applied_seq_));
  if (hosting()) sequencer_.on_snapshot_sent(to, applied_seq_, now);
}

void LogReplica::advance_commit() {
  commit_seq_ = std::max(commit_seq_, sequencer_.commit_seq(quorum_.required_replicas));
  if (config_.inject_bug_commit_ahead && commit_seq_ > 0) ++commit_seq_;
  DP_ASSERT(commit_seq_ <= applied_seq_, "a leader commits only what it applied");
  for (const auto& [id, service] : services_.all()) service->on_commit(commit_seq_);
}

void LogReplica::publish(TimeUs now) {
  const ClientLink link{&outbox_, self_, epoch_, self_control_};
  for (const auto& [id, service] : services_.all()) service->publish(now, link, applied_seq_);
}

void LogReplica::on_ack(TimeUs now, const NodeId& from, const wire::Ack& m) {
  if (!hosting()) return;
  sequencer_.on_ack(from, m.applied_seq, now);
  // Commit at once: the entry is on enough servers from this instant (clients see its effects
  // with the next tick's states).
  const bool was_pending = base_pending();
  advance_commit();
  // The state this epoch resumed from is replicated: clients re-homing to us see it now
  // rather than at the next tick (failover time).
  if (was_pending && !base_pending()) publish(now);
}

void LogReplica::on_nack(TimeUs now, const NodeId& from, Endpoint from_control,
                         const wire::Nack& m) {
  if (!leading()) {
    // Our (new) leader pulls our state during its recovery. Not if we restarted since our
    // last report: it would get an empty state in place of the one it asked for.
    if (m.want_snapshot && from == epoch_.leader && vouches(standing_)) {
      snapshot_bytes_.clear();
      services_.save_snapshot(snapshot_bytes_);
      send_snapshot(now, from, from_control);
    }
    return;
  }
  if (recovering()) return;
  if (m.want_snapshot) {
    sequencer_.request_snapshot(from);
  } else {
    sequencer_.on_nack(from, m.from_seq, now);
  }
}

}  // namespace dp
