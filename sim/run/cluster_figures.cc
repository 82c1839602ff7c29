#include "sim/run/cluster_figures.h"

#include <optional>

#include "core/wire/codec.h"
#include "core/wire/message_types.h"

namespace dp::sim {

ClusterFigures::ClusterFigures(RunContext& run)
    : run_(run), retransmits_(static_cast<std::size_t>(run.scenario.servers)) {}

void ClusterFigures::on_send(TimeUs, HostIndex, const OutDatagram& d) { ++sent_by_kind_[d.kind]; }

void ClusterFigures::on_deliver(TimeUs, const Transit& t, std::span<const std::uint8_t> bytes) {
  if (run_.is_game_server(t.to_host) && run_.is_game_server(t.from_host) &&
      t.channel == Channel::kControl && !run_.server(t.to_host).is_leader()) {
    follower_rx_bytes_ += bytes.size();
  }
}

void ClusterFigures::on_node_event(HostIndex h, const NodeEvent& e) {
  Figures& f = run_.result.figures;
  if (e.kind == NodeEventKind::kDatagramRejected) ++f.datagrams_rejected;
  if (!run_.is_game_server(h)) return;
  if ((e.kind == NodeEventKind::kBecameLeader || e.kind == NodeEventKind::kFollowing) &&
      !e.epoch.is_none() && epochs_held_.insert(e.epoch).second) {
    new_epochs_.push_back({e.at, h, e.epoch});
  }
  switch (e.kind) {
    case NodeEventKind::kDatagramRejected: {
      const auto reason = static_cast<wire::DecodeError>(e.reason);
      ++f.refused_by_reason[wire::decode_error_name(reason)];
      if (reason >= wire::DecodeError::kUnsigned && reason <= wire::DecodeError::kTermJump) {
        ++f.auth_refused;
      }
      break;
    }
    case NodeEventKind::kElectionStarted:
      ++f.elections_started;
      break;
    case NodeEventKind::kBecameLeader:
      ++f.leaders_elected;
      became_leader_.push_back({e.at, h, e.epoch});
      break;
    case NodeEventKind::kStaleEpochIgnored:
      ++f.stale_epoch_ignored;
      break;
    case NodeEventKind::kSnapshotSent:
      ++f.snapshots_sent;
      break;
    case NodeEventKind::kSnapshotInstalled:
      ++f.snapshots_installed;
      snapshot_installs_.push_back({e.at, RunContext::number(h)});
      break;
    default:
      break;
  }
}

void ClusterFigures::on_host_crashing(TimeUs now, HostIndex h) {
  if (!run_.is_game_server(h)) return;  // The chat cluster's figures: chat_checks.h.
  // A crash loses the sequencer's counters: bank what it had.
  update_retransmits(h);
  retransmits_[h].banked += retransmits_[h].last;
  retransmits_[h].last = 0;
  const ServerNode& s = run_.server(h);
  if (!s.is_leader()) return;
  Failover f;
  f.crashed_at_us = now;
  f.crashed_node = RunContext::number(h);
  f.old_epoch = s.epoch();
  run_.result.figures.failovers.push_back(f);
  ++pending_failovers_;
}

void ClusterFigures::check_failovers(TimeUs now) {
  if (pending_failovers_ == 0) return;
  // Every live server holds the same epoch, led by a live server.
  std::optional<Epoch> common;
  for (HostIndex h = 0; h < run_.servers(); ++h) {
    if (!run_.live(h)) continue;
    const Epoch e = run_.server(h).epoch();
    if (e.is_none() || (common && e != *common)) return;
    common = e;
  }
  if (!common) return;  // Nobody is up.
  std::optional<HostIndex> leader;
  for (HostIndex h = 0; h < run_.servers(); ++h) {
    if (run_.live(h) && run_.server(h).is_leader() && run_.server(h).id() == common->leader) {
      leader = h;
    }
  }
  if (!leader) return;
  for (Failover& f : run_.result.figures.failovers) {
    if (f.completed || !(*common > f.old_epoch)) continue;
    f.completed = true;
    f.completed_at_us = now;
    f.new_leader = RunContext::number(*leader);
    f.new_epoch = *common;
    --pending_failovers_;
  }
}

void ClusterFigures::update_retransmits(HostIndex h) {
  std::uint64_t current = 0;
  for (const auto& [id, link] : run_.server(h).replica().sequencer().followers()) {
    current += link.retransmitted_entries;
  }
  Retransmits& r = retransmits_[h];
  // A smaller sum means the sequencer started over (new epoch, lost follower): bank the old.
  if (current < r.last) r.banked += r.last;
  r.last = current;
}

void ClusterFigures::sample(TimeUs interval) {
  for (HostIndex h = 0; h < run_.servers(); ++h) {
    if (!run_.live(h)) continue;
    update_retransmits(h);
    if (!run_.server(h).is_leader()) follower_us_ += interval;
  }
}

void ClusterFigures::finish(double wall_seconds) {
  Figures& f = run_.result.figures;
  for (HostIndex h = 0; h < run_.servers(); ++h) {
    if (run_.live(h)) update_retransmits(h);
    f.retransmitted_events += retransmits_[h].banked + retransmits_[h].last;
  }
  f.follower_rx_bytes_per_s = follower_us_ > 0 ? static_cast<double>(follower_rx_bytes_) * 1e6 /
                                                     static_cast<double>(follower_us_)
                                               : 0;
  for (const auto& [kind, count] : sent_by_kind_) {
    f.messages_by_type[wire::msg_type_label(kind)] += count;
  }
  const SimStats& stats = run_.sim.stats();
  f.datagrams_sent = stats.datagrams_sent;
  f.deliveries = stats.deliveries;
  for (int r = 0; r < 4; ++r) {
    if (stats.drops_by_reason[r] > 0) {
      f.drops_by_reason[drop_reason_name(static_cast<DropReason>(r))] = stats.drops_by_reason[r];
    }
  }
  f.events_processed = stats.events_processed;
  f.leader_changes = new_epochs_.empty() ? 0 : new_epochs_.size() - 1;
  for (const Failover& fo : f.failovers) {
    if (fo.completed) f.max_failover_us = std::max(f.max_failover_us.value_or(0), fo.duration_us());
  }
  f.simulated_seconds = static_cast<double>(run_.sim.now()) / 1e6;
  f.wall_seconds = wall_seconds;
  f.sim_seconds_per_wall_second =
      wall_seconds > 0 ? f.simulated_seconds / wall_seconds : f.simulated_seconds * 1e6;
}

}  // namespace dp::sim
