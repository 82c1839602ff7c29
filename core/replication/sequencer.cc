#include "core/replication/sequencer.h"

#include <algorithm>
#include <array>

#include "core/wire/cluster_messages.h"

namespace dp {

const char* progress_name(Progress progress) {
  switch (progress) {
    case Progress::kSnapshot:
      return "snapshot";
    case Progress::kProbe:
      return "probe";
    case Progress::kReplicate:
      return "replicate";
  }
  return "?";
}

Sequencer::Sequencer(const SequencerConfig& config)
    : config_(config), ring_(config.ring_capacity_log2, config.ring_arena_log2) {
  DP_ASSERT(config.window_entries <= ring_.capacity() && config.probe_window_entries >= 1 &&
                config.probe_window_entries <= config.window_entries,
            "a flow-control window within the ring");
}

void Sequencer::reset(std::uint64_t next_seq) {
  ring_.reset(next_seq);
  links_.clear();
}

void Sequencer::need_snapshot(FollowerLink& link) {
  if (link.state != Progress::kSnapshot) link.after_snapshot = link.state;
  link.state = Progress::kSnapshot;
}

void Sequencer::add_follower(const NodeId& id, TimeUs now) {
  DP_ASSERT(links_.size() <= wire::kMaxServers, "more followers than a cluster may have");
  auto [it, inserted] = links_.try_emplace(id);
  if (!inserted) return;
  it->second.last_progress_us = now;
}

void Sequencer::remove_follower(const NodeId& id) { links_.erase(id); }

void Sequencer::on_ack(const NodeId& id, std::uint64_t applied_seq, TimeUs now) {
  auto it = links_.find(id);
  if (it == links_.end() || it->second.needs_snapshot()) return;
  FollowerLink& link = it->second;
  if (applied_seq > ring_.last_seq()) return;  // Acks something never sent: ignore.
  if (applied_seq > link.acked) {
    link.acked = applied_seq;
    link.last_progress_us = now;
    link.state = Progress::kReplicate;
  }
  link.sent = std::max(link.sent, link.acked);
}

void Sequencer::on_nack(const NodeId& id, std::uint64_t from_seq, TimeUs now) {
  auto it = links_.find(id);
  if (it == links_.end() || it->second.needs_snapshot()) return;
  FollowerLink& link = it->second;
  if (from_seq == 0 || from_seq > ring_.next_seq()) return;
  // A NACK overtaken by a later ACK (datagrams reorder) asks for what is already applied.
  if (from_seq <= link.acked) return;
  if (!ring_.holds(from_seq) && from_seq != ring_.next_seq()) {
    need_snapshot(link);
    return;
  }
  // A NACK from before the snapshot we sent: the follower never installed it (it was lost,
  // or arrived while the follower was between leaders) and is still on this epoch's stream
  // at from_seq - 1. Resend from there; streaming on from the snapshot would never fill its gap.
  if (from_seq <= link.snapshot_seq) link.snapshot_seq = 0;
  // Everything before from_seq is applied, so the NACK doubles as an ACK.
  link.acked = std::max(link.acked, from_seq - 1);
  if (link.sent >= from_seq) link.retransmitted_entries += link.sent - from_seq + 1;
  link.sent = from_seq - 1;
  link.last_progress_us = now;
}

void Sequencer::request_snapshot(const NodeId& id) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  // It starts over (restarted or diverged): what it acknowledged before no longer holds.
  need_snapshot(it->second);
  it->second.acked = 0;
  it->second.snapshot_seq = 0;
}

void Sequencer::on_snapshot_sent(const NodeId& id, std::uint64_t seq, TimeUs now) {
  auto it = links_.find(id);
  if (it == links_.end()) return;
  FollowerLink& link = it->second;
  link.snapshot_sent_us = now;
  // Stream from the snapshot on, but count nothing as replicated until the follower ACKs:
  // a commit must not rest on a snapshot that may be lost. If it is lost the follower keeps
  // asking (NACK with want_snapshot) and the link goes back to kSnapshot.
  if (link.state == Progress::kSnapshot) link.state = link.after_snapshot;
  link.snapshot_seq = seq;
  link.sent = std::max(link.acked, seq);
  link.last_progress_us = now;
}

std::uint64_t Sequencer::commit_seq(std::size_t replicas) const {
  if (replicas == 0) return ring_.last_seq();
  if (links_.size() < replicas) return 0;
  std::array<std::uint64_t, wire::kMaxServers + 1> acks{};
  std::size_t n = 0;
  for (const auto& [id, link] : links_) acks[n++] = link.needs_snapshot() ? 0 : link.acked;
  const std::size_t k = replicas;
  std::nth_element(acks.begin(), acks.begin() + static_cast<long>(k - 1),
                   acks.begin() + static_cast<long>(n), std::greater<>());
  return acks[k - 1];
}

bool Sequencer::snapshot_unconfirmed(TimeUs now, FollowerLink& link) {
  if (link.snapshot_seq <= link.acked ||
      now - link.last_progress_us <= kSnapshotConfirmTimeouts * config_.retransmit_timeout_us) {
    return false;
  }
  // The snapshot was never confirmed: lost, or it reached the follower between leaders and was
  // dropped. With nothing new to stream the follower sees no gap and never NACKs, so the link
  // would wait for ever (found by the swarm: a chat leader back from a partition never
  // committed again). Resend from the follower's last ACK in this epoch, or the snapshot.
  link.last_progress_us = now;
  if (link.acked > 0 && ring_.holds(link.acked + 1)) {
    link.snapshot_seq = 0;
    link.retransmitted_entries += link.sent - link.acked;
    link.sent = link.acked;
    link.state = Progress::kProbe;
    return false;
  }
  need_snapshot(link);
  link.snapshot_sent_us = 0;
  return true;
}

bool Sequencer::next_batch(TimeUs now, wire::Replicate& batch, std::vector<NodeId>& group) {
  group.clear();
  std::uint64_t from = 0;
  for (auto& [id, link] : links_) {
    if (link.needs_snapshot()) continue;
    if (snapshot_unconfirmed(now, link)) continue;
    const std::uint64_t base = std::max(link.acked, link.snapshot_seq);
    if (link.sent > base && now - link.last_progress_us > config_.retransmit_timeout_us) {
      // No progress: go back to the last ACK (the batch or its ACK was lost).
      link.retransmitted_entries += link.sent - base;
      link.sent = base;
      link.last_progress_us = now;
      link.state = Progress::kProbe;
    }
    link.sent = std::max(link.sent, base);  // Never behind what the follower has.
    if (link.sent >= ring_.last_seq()) continue;
    const std::uint64_t window =
        link.state == Progress::kProbe ? config_.probe_window_entries : config_.window_entries;
    if (link.sent - base >= window) continue;
    if (!ring_.holds(link.sent + 1)) {
      need_snapshot(link);
      continue;
    }
    if (group.empty()) {
      from = link.sent + 1;
      group.push_back(id);
    } else if (link.sent + 1 == from) {
      group.push_back(id);
    }
  }
  if (group.empty()) return false;
  batch.entries.clear();
  batch.first_seq = from;
  ring_.append_to(from, batch.entries);
  return true;
}

void Sequencer::mark_sent(const std::vector<NodeId>& group, const wire::Replicate& batch) {
  DP_ASSERT(!batch.entries.empty(), "a batch carries at least one entry");
  const std::uint64_t last = batch.first_seq + batch.entries.count() - 1;
  for (const auto& id : group) {
    auto it = links_.find(id);
    if (it != links_.end()) it->second.sent = std::max(it->second.sent, last);
  }
}

void Sequencer::snapshot_due(TimeUs now, std::vector<NodeId>& out) const {
  out.clear();
  for (const auto& [id, link] : links_) {
    if (link.needs_snapshot() && (link.snapshot_sent_us == 0 ||
                                  now - link.snapshot_sent_us > config_.retransmit_timeout_us)) {
      out.push_back(id);
    }
  }
}

}  // namespace dp
