#include "core/replication/room_service.h"

#include <algorithm>

#include "core/game/room_view.h"
#include "core/wire/send.h"

namespace dp {
namespace {

constexpr std::size_t kMaxPendingJoins = 4096;

}  // namespace

RoomService::RoomService(const RoomServiceConfig& config, const NodeId& self, Outbox& outbox)
    : config_(config),
      self_(self),
      outbox_(outbox),
      book_(config.target_score),
      sequencer_(config.sequencer) {}

template <class Msg>
void RoomService::send(Channel from, Endpoint to, const Msg& msg) {
  wire::send_message(outbox_, self_, epoch_, from, to, msg);
}

// ---------------------------------------------------------------------------------------------
// Role changes

void RoomService::on_become_leader(TimeUs now, const Epoch& epoch) {
  epoch_ = epoch;
  leading_ = true;
  recovering_ = true;
  recovery_deadline_us_ = now + config_.recovery_window_us;
  pull_from_ = NodeId{};
  pull_seq_ = 0;
  reports_.clear();
  followers_.clear();
  pending_joins_.clear();
  pending_leaves_.clear();
  pending_results_.clear();
  closed_notices_.clear();
  next_tick_us_ = now;
}

void RoomService::on_follow(TimeUs now, const Epoch& epoch, Endpoint leader_control) {
  const bool new_epoch = epoch != epoch_;
  epoch_ = epoch;
  leading_ = false;
  recovering_ = false;
  leader_control_ = leader_control;
  clients_.clear();
  if (new_epoch) {
    // A new leader re-bases every replica on its own state with a snapshot.
    assembler_.clear();
    last_nack_us_ = 0;
  }
  last_progress_us_ = now;
  next_tick_us_ = now + config_.tick_interval_us;
}

void RoomService::on_leaderless(TimeUs now) {
  leading_ = false;
  recovering_ = false;
  epoch_ = Epoch{};
  clients_.clear();
  next_tick_us_ = now + config_.tick_interval_us;
}

void RoomService::set_followers(TimeUs now, const std::map<NodeId, Endpoint>& followers,
                                std::size_t known_servers) {
  if (!leading_) return;
  followers_ = followers;
  known_servers_ = known_servers;
  const std::size_t servers = known_servers + 1;
  required_replicas_ = config_.min_replicas == RoomServiceConfig::kMajority
                           ? servers / 2
                           : std::min(config_.min_replicas, known_servers);
  // Flexible quorums: (reports + 1) + (replicas + 1) > servers.
  reports_needed_ = std::max(required_replicas_, servers - required_replicas_ - 1);
  if (recovering_) return;  // The sequencer starts after recovery.
  for (const auto& [id, control] : followers) sequencer_.add_follower(id, now);
  std::vector<NodeId> gone;
  for (const auto& [id, link] : sequencer_.followers()) {
    if (!followers.count(id)) gone.push_back(id);
  }
  for (const auto& id : gone) sequencer_.remove_follower(id);
}

void RoomService::on_follower_position(TimeUs now, const NodeId& id, const Position& position,
                                       bool lost_state) {
  if (!leading_ || !recovering_) return;
  reports_[id] = Report{position, lost_state};
  // Recovery may finish early once every live follower has reported.
  if (pull_from_.is_nil()) {
    bool all = !followers_.empty();
    for (const auto& [fid, control] : followers_) all = all && reports_.count(fid);
    if (all) recovery_deadline_us_ = std::min(recovery_deadline_us_, now);
  }
}

// ---------------------------------------------------------------------------------------------
// Leader

void RoomService::finish_recovery(TimeUs now) {
  recovering_ = false;
  synced_epoch_ = epoch_;
  lost_state_ = false;
  sequencer_.reset(applied_seq_ + 1);
  // The state we resume from holds every point the players saw, and perhaps a few that were
  // never replicated (the tail of an older stream). It is shown, and played on, only once it
  // is on enough servers in this epoch: until then clients get no states at all.
  base_seq_ = applied_seq_;
  commit_seq_ = 0;
  for (const auto& [id, control] : followers_) sequencer_.add_follower(id, now);
  reset_shown_from_book();
  clients_.clear();
  closing_grace_ticks_ = kClosingGraceTicks;
  for (const auto& [room_id, room] : book_.rooms()) {
    for (const auto& player : room.players) {
      if (player.present) clients_[player.client_id] = ClientInfo{0, 0, now};
    }
  }
}

void RoomService::reset_shown_from_book() {
  shown_.clear();
  for (const auto& [room_id, room] : book_.rooms()) {
    Shown s;
    s.score[0] = room.match.score[0];
    s.score[1] = room.match.score[1];
    s.winner =
        room.match.winner == game::kNoSlot ? 0 : static_cast<std::uint8_t>(room.match.winner + 1);
    shown_[room_id] = s;
  }
}

void RoomService::order_and_apply(const wire::RoomEvent& event) {
  if (event.kind == wire::EventKind::kClose) {
    if (const game::Room* room = book_.find(event.room)) {
      const Shown& shown = shown_[event.room];
      for (std::uint8_t slot = 0; slot < 2; ++slot) {
        if (room->players[slot].client_id == 0) continue;
        wire::RoomState state = game::closed_room_state(*room, slot, 0);
        state.score_left = shown.score[0];
        state.score_right = shown.score[1];
        state.winner = shown.winner;
        closed_notices_.push_back({room->players[slot].client, state});
      }
    }
  }
  const std::uint64_t seq = sequencer_.order(event);
  ++stats_.events_ordered;
  applied_seq_ = seq;
  const game::ApplyResult result = book_.apply(event);
  if (!result.ok()) ++stats_.apply_errors;
  if (event.kind == wire::EventKind::kPoint || event.kind == wire::EventKind::kMatchOver) {
    PendingResult pending{seq,
                          event.room,
                          {static_cast<std::uint8_t>(event.value >> 8),
                           static_cast<std::uint8_t>(event.value & 0xff)},
                          0};
    if (event.kind == wire::EventKind::kMatchOver)
      pending.winner = static_cast<std::uint8_t>(event.slot + 1);
    pending_results_.push_back(pending);
  }
  if (event.kind == wire::EventKind::kClose) shown_.erase(event.room);
  emit_room_event(event, seq);
  checks_.clear();
  game::plan_checks(event.room, result, checks_);
  for (const auto& check : checks_) order_and_apply(check);
}

void RoomService::emit_room_event(const wire::RoomEvent& event, std::uint64_t seq) {
  NodeEventKind kind;
  switch (event.kind) {
    case wire::EventKind::kOpenRoom:
      kind = NodeEventKind::kRoomOpened;
      break;
    case wire::EventKind::kPoint:
      kind = NodeEventKind::kPointScored;
      break;
    case wire::EventKind::kMatchOver:
      kind = NodeEventKind::kMatchOver;
      break;
    case wire::EventKind::kClose:
      kind = NodeEventKind::kRoomClosed;
      break;
    default:
      return;
  }
  outbox_.emit(NodeEvent{
      now_us_,
      kind,
      {},
      epoch_,
      event.room,
      event.kind == wire::EventKind::kOpenRoom ? static_cast<std::int64_t>(seq) : event.value});
}

void RoomService::leader_tick(TimeUs now) {
  if (recovering_) {
    if (!pull_from_.is_nil()) {
      if (now < recovery_deadline_us_) return;  // Still pulling.
      pull_from_ = NodeId{};  // The pull timed out: choose again (and ask again) below.
    }
    std::size_t reported = 0;
    std::size_t vouching = 0;
    for (const auto& [id, report] : reports_) {
      if (!followers_.count(id)) continue;
      ++reported;
      vouching += report.lost_state ? 0 : 1;
    }
    // Serve only once enough servers have said how far they got that they overlap every
    // group which could have confirmed a point: one of them holds each point the players saw.
    // A server that lost its rooms in a restart (they live in memory only) cannot vouch for
    // anything, the leader included; one that never held any can (it confirmed nothing).
    // When every server we know has reported, the best of them is the best there is. A leader
    // that hears too few (it may be deaf) never serves stale state; its followers will notice
    // and elect another.
    const std::size_t needed = reports_needed_ + (lost_state_ ? 1 : 0);
    if (vouching < needed && reported < known_servers_) return;
    if (now >= recovery_deadline_us_) {
      // Pull the state of the most advanced follower if it is ahead of us.
      NodeId best;
      Position best_position{synced_epoch_, applied_seq_};
      for (const auto& [id, report] : reports_) {
        if (report.position > best_position && followers_.count(id)) {
          best = id;
          best_position = report.position;
        }
      }
      const std::uint64_t best_seq = best_position.seq;
      if (best.is_nil()) {
        finish_recovery(now);
      } else {
        pull_from_ = best;
        pull_seq_ = best_seq;
        ++stats_.recovery_pulls;
        recovery_deadline_us_ = now + config_.recovery_pull_timeout_us;
        wire::Nack ask;
        ask.from_seq = std::min(applied_seq_ + 1, best_seq);  // A newer stream may be shorter.
        ask.to_seq = best_seq;
        ask.want_snapshot = 1;
        send(Channel::kControl, followers_.at(best), ask);
        return;
      }
    } else {
      return;
    }
  }

  closed_notices_.clear();
  if (commit_seq_ < base_seq_) {
    // The state this epoch resumed from is not on enough servers yet: send it (snapshots),
    // but neither play nor show anything until it is (see finish_recovery).
    replicate(now);
    advance_commit();
    if (commit_seq_ < base_seq_) return;
  }
  if (followers_.size() < required_replicas_) {
    // Too few followers to replicate to (a crash or a partition): freeze the rooms rather
    // than play on. Nothing played now could be shown, and a stream that runs ahead alone
    // would compete with the one a better-connected leader continues.
    replicate(now);
    send_client_states();
    return;
  }
  // Forfeits of silent players, then explicit leaves.
  for (const auto& [client_id, info] : clients_) {
    if (now - info.last_heard_us > config_.forfeit_timeout_us &&
        pending_leaves_.size() < kMaxPendingJoins) {
      pending_leaves_.push_back(client_id);
    }
  }
  for (std::uint64_t client_id : pending_leaves_) {
    planned_.clear();
    game::plan_leave(book_, client_id, planned_);
    for (const auto& e : planned_) order_and_apply(e);
    clients_.erase(client_id);
  }
  pending_leaves_.clear();
  for (const auto& join : pending_joins_) {
    planned_.clear();
    game::plan_join(book_, join.client_id, join.from, join.name.view(), planned_);
    for (const auto& e : planned_) order_and_apply(e);
    if (book_.seat_of(join.client_id)) {
      auto [it, inserted] = clients_.try_emplace(join.client_id);
      it->second.last_heard_us = now;
    }
  }
  pending_joins_.clear();

  game::InputTable inputs;
  for (const auto& [client_id, info] : clients_) inputs[client_id] = info.direction;
  planned_.clear();
  game::plan_tick(book_, inputs, planned_);
  // plan_tick plans from one book state; order the events one by one.
  for (wire::RoomEvent e : planned_) {
    if (e.kind == wire::EventKind::kClose) {
      // A finished room stays open until its result is replicated and shown: closing it
      // first would end the match for its players without a result. Ticking it meanwhile
      // keeps the state's seq moving, so the players accept the result when it comes.
      auto shown = shown_.find(e.room);
      const game::Room* room = book_.find(e.room);
      if (room != nullptr && room->match.phase == game::Phase::kGameOver &&
          ((shown != shown_.end() && shown->second.winner == 0) || closing_grace_ticks_ > 0)) {
        e.kind = wire::EventKind::kTick;
      }
    }
    order_and_apply(e);
  }
  // Players of closed rooms are no longer seated.
  for (auto it = clients_.begin(); it != clients_.end();) {
    it = book_.seat_of(it->first) ? std::next(it) : clients_.erase(it);
  }

  if (closing_grace_ticks_ > 0) --closing_grace_ticks_;
  replicate(now);
  advance_commit();
  send_client_states();
}

void RoomService::replicate(TimeUs now) {
  batch_.commit_seq = commit_seq_;
  while (sequencer_.next_batch(now, batch_, group_)) {
    for (const auto& id : group_) {
      auto it = followers_.find(id);
      if (it != followers_.end()) send(Channel::kControl, it->second, batch_);
    }
    sequencer_.mark_sent(group_, batch_);
  }
  sequencer_.snapshot_due(now, due_);
  if (!due_.empty()) {
    snapshot_bytes_.clear();
    book_.save_snapshot(snapshot_bytes_);
    for (const auto& id : due_) {
      auto it = followers_.find(id);
      if (it != followers_.end()) send_snapshot(now, id, it->second);
    }
  }
}

void RoomService::send_snapshot(TimeUs now, const NodeId& to, Endpoint to_control) {
  const std::uint64_t id = (epoch_.term << 32) | (++snapshot_counter_ & 0xffffffffu);
  for_each_snapshot_chunk(snapshot_bytes_, id, applied_seq_, chunk_,
                          [&](const wire::Snapshot& c) { send(Channel::kControl, to_control, c); });
  ++stats_.snapshots_sent;
  outbox_.emit(NodeEvent{now, NodeEventKind::kSnapshotSent, to, epoch_,
                         static_cast<std::int64_t>(applied_seq_), 0});
  if (leading_ && !recovering_) sequencer_.on_snapshot_sent(to, applied_seq_, now);
}

void RoomService::advance_commit() {
  commit_seq_ = std::max(commit_seq_, sequencer_.commit_seq(required_replicas_));
  while (!pending_results_.empty() && pending_results_.front().seq <= commit_seq_) {
    const PendingResult& r = pending_results_.front();
    auto it = shown_.find(r.room);
    if (it != shown_.end()) {
      it->second.score[0] = r.score[0];
      it->second.score[1] = r.score[1];
      if (r.winner != 0) it->second.winner = r.winner;
    }
    pending_results_.pop_front();
  }
}

void RoomService::send_client_states() {
  const std::uint64_t seq = applied_seq_;
  for (const auto& [room_id, room] : book_.rooms()) {
    auto shown_it = shown_.try_emplace(room_id).first;
    const Shown& shown = shown_it->second;
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      const game::PlayerSlot& player = room.players[slot];
      if (!player.present) continue;
      wire::RoomState state = game::room_state_for(room, slot, seq);
      state.score_left = shown.score[0];
      state.score_right = shown.score[1];
      state.winner = shown.winner;
      if (state.phase == static_cast<std::uint8_t>(game::Phase::kGameOver) && shown.winner == 0) {
        // The result is not replicated yet: keep showing the rally's end a little longer.
        state.phase = static_cast<std::uint8_t>(game::Phase::kPlaying);
      }
      state.leader_control = self_control_;
      send(Channel::kClient, player.client, state);
      ++stats_.states_sent;
    }
  }
  for (const auto& notice : closed_notices_) {
    wire::RoomState state = notice.state;
    state.seq = seq;
    state.leader_control = self_control_;
    send(Channel::kClient, notice.client, state);
  }
}

// ---------------------------------------------------------------------------------------------
// Follower

void RoomService::request_snapshot(TimeUs now) {
  if (now - last_nack_us_ < config_.sequencer.retransmit_timeout_us && last_nack_us_ != 0) return;
  last_nack_us_ = now;
  wire::Nack nack;
  nack.from_seq = applied_seq_ + 1;
  nack.to_seq = applied_seq_ + 1;
  nack.want_snapshot = 1;
  send(Channel::kControl, leader_control_, nack);
  ++stats_.nacks_sent;
}

void RoomService::on_replicate(TimeUs now, const wire::Replicate& m) {
  if (leading_) return;
  commit_seq_ = std::max(commit_seq_, std::min(m.commit_seq, applied_seq_));
  if (synced_epoch_ != epoch_) {
    request_snapshot(now);
    return;
  }
  if (m.events.empty()) return;
  const std::uint64_t last = m.first_seq + m.events.size() - 1;
  if (m.first_seq > applied_seq_ + 1 && config_.inject_bug_skip_nack) {
    // The injected bug: pretend the missing events were applied and carry on.
    ++stats_.gap_applies;
    applied_seq_ = m.first_seq - 1;
  }
  if (m.first_seq > applied_seq_ + 1) {
    // A gap: ask for it (rate-limited; the leader goes back to applied_seq_ + 1).
    if (last_nack_us_ == 0 || now - last_nack_us_ >= config_.sequencer.retransmit_timeout_us / 2) {
      wire::Nack nack;
      nack.from_seq = applied_seq_ + 1;
      nack.to_seq = m.first_seq - 1;
      send(Channel::kControl, leader_control_, nack);
      last_nack_us_ = now;
      ++stats_.nacks_sent;
    }
    return;
  }
  if (last > applied_seq_) {
    for (std::uint64_t seq = applied_seq_ + 1; seq <= last; ++seq) {
      if (seq != applied_seq_ + 1) ++stats_.gap_applies;
      const game::ApplyResult result = book_.apply(m.events[seq - m.first_seq]);
      if (!result.ok()) ++stats_.apply_errors;
      applied_seq_ = seq;
      ++stats_.events_applied;
    }
    last_progress_us_ = now;
  }
  wire::Ack ack;
  ack.applied_seq = applied_seq_;
  send(Channel::kControl, leader_control_, ack);
}

void RoomService::on_snapshot(TimeUs now, const NodeId& from, const wire::Snapshot& m) {
  if (leading_) {
    // A recovery pull answered.
    if (!recovering_ || from != pull_from_) return;
  }
  if (!assembler_.add(m)) return;
  const bool pulled = leading_;
  if (pulled && assembler_.seq() < pull_seq_) {
    // Not the state it reported (it restarted since, and its report was stale): forget the
    // report and choose again.
    assembler_.clear();
    reports_.erase(from);
    pull_from_ = NodeId{};
    recovery_deadline_us_ = now;
    return;
  }
  if (!pulled && synced_epoch_ == epoch_ && assembler_.seq() <= applied_seq_) {
    // A late answer to an old request: we already applied this epoch's stream past it, and
    // going back would contradict the ACKs we sent. Say where we are instead.
    assembler_.clear();
    wire::Ack ack;
    ack.applied_seq = applied_seq_;
    send(Channel::kControl, leader_control_, ack);
    return;
  }
  if (book_.load_snapshot(assembler_.bytes()).ok()) {
    applied_seq_ = assembler_.seq();
    ++stats_.snapshots_installed;
    outbox_.emit(NodeEvent{now, NodeEventKind::kReplicaSnapshot, from, epoch_,
                           static_cast<std::int64_t>(applied_seq_), 0});
    if (!pulled) {
      synced_epoch_ = epoch_;
      lost_state_ = false;
      last_progress_us_ = now;
      wire::Ack ack;
      ack.applied_seq = applied_seq_;
      send(Channel::kControl, leader_control_, ack);
    }
  }
  assembler_.clear();
  if (pulled) finish_recovery(now);
}

void RoomService::follower_tick(TimeUs now) {
  if (epoch_.is_none()) return;
  if (synced_epoch_ != epoch_ &&
      now - last_progress_us_ > config_.sequencer.retransmit_timeout_us) {
    request_snapshot(now);
  }
}

// ---------------------------------------------------------------------------------------------
// Leader message handlers

void RoomService::on_ack(TimeUs now, const NodeId& from, const wire::Ack& m) {
  if (!leading_ || recovering_) return;
  sequencer_.on_ack(from, m.applied_seq, now);
  // Commit at once: the point is on enough servers from this instant (players see it with
  // the next tick's states).
  const bool base_pending = commit_seq_ < base_seq_;
  advance_commit();
  // The state this epoch resumed from is replicated: players re-homing to us see it now
  // rather than at the next tick (failover time).
  if (base_pending && commit_seq_ >= base_seq_) send_client_states();
}

void RoomService::on_nack(TimeUs now, const NodeId& from, Endpoint from_control,
                          const wire::Nack& m) {
  if (!leading_) {
    // Our (new) leader pulls our state during its recovery. Not if we restarted since our
    // last report: it would get empty rooms in place of the ones it asked for.
    if (m.want_snapshot && from == epoch_.leader && !lost_state_) {
      snapshot_bytes_.clear();
      book_.save_snapshot(snapshot_bytes_);
      send_snapshot(now, from, from_control);
    }
    return;
  }
  if (recovering_) return;
  if (m.want_snapshot) {
    sequencer_.request_snapshot(from);
  } else {
    sequencer_.on_nack(from, m.from_seq, now);
  }
}

void RoomService::on_join(TimeUs now, Endpoint from, const wire::Join& m) {
  if (!leading_ || recovering_) return;
  if (auto it = clients_.find(m.client_id); it != clients_.end()) {
    it->second.last_heard_us = now;  // Already seated (a re-attach after failover).
  }
  for (const auto& j : pending_joins_) {
    if (j.client_id == m.client_id) return;
  }
  if (pending_joins_.size() < kMaxPendingJoins)
    pending_joins_.push_back({m.client_id, from, m.room_name});
}

void RoomService::on_input(TimeUs now, Endpoint, const wire::Input& m) {
  if (!leading_ || recovering_ || m.recent.empty()) return;
  auto it = clients_.find(m.client_id);
  if (it == clients_.end()) return;
  ClientInfo& info = it->second;
  info.last_heard_us = now;
  if (m.input_seq <= info.last_input_seq && info.last_input_seq != 0) return;  // Reordered.
  info.last_input_seq = m.input_seq;
  info.direction = m.recent[0];
}

void RoomService::on_leave(TimeUs, const wire::Leave& m) {
  if (!leading_ || recovering_) return;
  if (pending_leaves_.size() < kMaxPendingJoins) pending_leaves_.push_back(m.client_id);
}

void RoomService::on_tick(TimeUs now) {
  now_us_ = now;
  if (now < next_tick_us_) return;
  // Fixed-rate ticks; after a long pause, skip ahead rather than burst.
  next_tick_us_ += config_.tick_interval_us;
  if (next_tick_us_ <= now) next_tick_us_ = now + config_.tick_interval_us;
  if (leading_) {
    leader_tick(now);
  } else {
    follower_tick(now);
  }
}

}  // namespace dp
