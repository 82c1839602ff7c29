#include "core/client/client_node.h"

#include <algorithm>

#include "core/client/leader_hint.h"
#include "core/services/pong/notes.h"
#include "core/wire/decode_counted.h"

namespace dp {

namespace {

std::int8_t clamp_direction(std::int8_t direction) {
  return std::clamp<std::int8_t>(direction, -1, 1);
}

pong::Score score_of(const wire::RoomState& state) {
  return pong::Score{state.score_left, state.score_right};
}

}  // namespace

const char* game_name(Game game) { return game == Game::kRacing ? "racing" : "pong"; }

const char* client_phase_name(ClientPhase phase) {
  switch (phase) {
    case ClientPhase::kDiscovering:
      return "discovering";
    case ClientPhase::kJoining:
      return "joining";
    case ClientPhase::kSeated:
      return "seated";
    case ClientPhase::kFinished:
      return "finished";
    case ClientPhase::kLeft:
      return "left";
  }
  return "?";
}

ClientNode::ClientNode(const ClientConfig& config)
    : config_(config), rng_(config.seed), policy_rng_(rng_.fork()) {}

TimeUs ClientNode::ongoing_stall_us(TimeUs now) const {
  if (!shown_ ||
      (shown_->phase != room_phase::kCountdown && shown_->phase != room_phase::kPlaying)) {
    return 0;
  }
  return now > last_state_at_us_ ? now - last_state_at_us_ : 0;
}

void ClientNode::start(TimeUs now) {
  now_ = now;
  client_id_ = config_.client_id;
  // Zero is not a valid client id on the wire (wire::Join::valid); draw one instead.
  while (client_id_ == 0) client_id_ = rng_.next_u64();  // Ends: zero has chance 2^-64.
  phase_ = ClientPhase::kDiscovering;
  next_input_us_ = now + config_.tick_interval_us;
  emit(now, NodeEventKind::kStarted);
  send_discovery(now);
}

void ClientNode::on_datagram(TimeUs now, Channel channel, Endpoint from,
                             std::span<const std::uint8_t> bytes) {
  now_ = now;
  if (!wire::admit_header(now, wire::Receiver::kClient, channel, bytes, header_, stats_, outbox_) ||
      !wire::decode_counted(now, channel, header_, bytes, message_, stats_, outbox_)) {
    return;
  }
  const wire::Header& h = header_;
  if (h.sender == config_.id) return;  // Our own broadcast, looped back by the host.
  if (phase_ == ClientPhase::kLeft) return;
  std::visit([&](const auto& msg) { handle(now, from, h, msg); }, message_);
}

void ClientNode::on_tick(TimeUs now) {
  now_ = now;
  switch (phase_) {
    case ClientPhase::kDiscovering:
      if (choose_at_us_ != 0 && now >= choose_at_us_) {
        if (config_.spectate) {
          choose_watched(now);
        } else {
          choose_leader(now);
        }
      } else if (now >= next_discovery_us_) {
        send_discovery(now);
      }
      return;
    case ClientPhase::kJoining:
      if (now - heard_us_ >= config_.silence_timeout_us) {
        rediscover(now);
      } else if (now >= next_join_us_) {
        send_join(now);
      }
      return;
    case ClientPhase::kSeated:
      if (now - heard_us_ >= config_.silence_timeout_us) {
        rediscover(now);
        return;
      }
      if (config_.spectate) {
        if (now >= next_join_us_) send_join(now);
        break;
      }
      if (now >= next_input_us_ && match_running()) {
        send_input(false);
      } else if (now >= next_keepalive_us_ && waiting_for_opponent()) {
        send_input(true);
        next_keepalive_us_ = now + config_.keepalive_interval_us;
      }
      break;
    case ClientPhase::kFinished:
      if (matches_finished_ < config_.matches &&
          now - finished_at_us_ >= config_.rematch_after_us) {
        play_again(now);
        return;
      }
      break;
    case ClientPhase::kLeft:
      break;
  }
  // The 60 Hz grid. A driver that calls late gets one tick, not a burst of catch-up inputs.
  if (now >= next_input_us_) {
    next_input_us_ += config_.tick_interval_us;
    if (next_input_us_ <= now) next_input_us_ = now + config_.tick_interval_us;
  }
}

TimeUs ClientNode::next_tick_at() const {
  switch (phase_) {
    case ClientPhase::kDiscovering:
      return choose_at_us_ != 0 ? std::min(choose_at_us_, next_discovery_us_) : next_discovery_us_;
    case ClientPhase::kJoining:
      return std::min(next_join_us_, heard_us_ + config_.silence_timeout_us);
    case ClientPhase::kSeated:
      return std::min(next_input_us_, heard_us_ + config_.silence_timeout_us);
    case ClientPhase::kFinished:
      if (matches_finished_ < config_.matches) {
        return std::min(next_input_us_, finished_at_us_ + config_.rematch_after_us);
      }
      break;
    case ClientPhase::kLeft:
      break;
  }
  return next_input_us_;
}

void ClientNode::play_again(TimeUs now) {
  if (phase_ == ClientPhase::kSeated && room_ != 0) send_request(wire::Leave{client_id_, room_});
  // A fresh id: the leader treats a Join from a seated client_id as a re-attach to its old
  // room, which may still linger in game over.
  client_id_ = new_client_id();
  // The old room keeps streaming its last states for a while; they must not seat us again.
  if (room_ != 0) left_room_ = room_;
  room_ = 0;
  result_.reset();
  leaderboard_.reset();
  race_board_.reset();
  score_baseline_valid_ = false;
  history_.clear();
  if (!leader_epoch_.is_none() && !leader_client_.is_unset()) {
    begin_joining(now);
  } else {
    phase_ = ClientPhase::kDiscovering;
    best_.reset();
    choose_at_us_ = 0;
    send_discovery(now);
  }
}

void ClientNode::leave(TimeUs) {
  if (room_ != 0 && phase_ != ClientPhase::kLeft) send_request(wire::Leave{client_id_, room_});
  phase_ = ClientPhase::kLeft;
}

// ---------------------------------------------------------------------------------------------
// Handlers

void ClientNode::handle(TimeUs now, Endpoint from, const wire::Header& h,
                        const wire::DiscoverResponse& m) {
  if (phase_ != ClientPhase::kDiscovering && phase_ != ClientPhase::kJoining) return;
  // Responses come from the server's control socket. An endpoint that does not match where
  // the datagram came from (a corrupted or forged reply) would send our joins to an address
  // nobody vouched for; a hint naming another host cannot be checked at all.
  if (m.control != from) {
    ++stats_.responses_ignored;
    return;
  }
  note_sessions(m);
  if (config_.spectate) {
    if (phase_ == ClientPhase::kDiscovering) note_watch_candidate(now, h, m);
    return;
  }
  const std::optional<LeaderHint> hint = leader_hint(from, h, m);
  if (!hint) return;
  Candidate c;
  c.epoch = hint->epoch;
  c.identity = m.identity_or_none();
  c.client = hint->client;
  c.from_leader = hint->from_leader;
  // A leader older than the last one we saw a state from could only send states we must
  // reject. (Older than the one we chose is fine: that one may never serve us, e.g. a leader
  // cut off from the other servers.) A cluster of another identity was rebuilt from empty
  // disks, and its epochs start again: ours say nothing about it.
  const bool other = other_cluster(c.identity);
  if (c.epoch < shown_epoch()) {
    if (!other) {
      ++stats_.responses_ignored;
      return;
    }
    c.rebuilt = true;
  }
  if (cluster_.is_none()) cluster_ = c.identity;
  if (phase_ == ClientPhase::kJoining) {
    // A late answer naming a newer leader than the one we chose: switch to it at once.
    if (!c.rebuilt && c.epoch > leader_epoch_) {
      leader_epoch_ = c.epoch;
      leader_client_ = c.client;
      send_join(now);
    }
    return;
  }
  // A leader our epochs allow beats a rebuilt cluster (a server that kept its disk still
  // speaks for ours); then the highest epoch wins, and at equal epochs the leader's own
  // answer beats a follower's hint.
  const bool better = !best_ || (best_->rebuilt && !c.rebuilt) ||
                      (best_->rebuilt == c.rebuilt &&
                       (c.epoch > best_->epoch ||
                        (c.epoch == best_->epoch && c.from_leader && !best_->from_leader)));
  if (better) best_ = c;
  if (choose_at_us_ == 0) choose_at_us_ = now + config_.discovery_window_us;
}

void ClientNode::handle(TimeUs now, Endpoint from, const wire::Header& h,
                        const wire::RaceState& m) {
  if (config_.game != Game::kRacing) {
    ++stats_.states_other_room;
    return;
  }
  // The race's common part goes through the same checks as a Pong state.
  wire::RoomState common;
  common.room = m.room;
  common.seq = m.seq;
  common.name = m.name;
  common.phase = m.phase;
  common.your_slot = m.your_slot;
  common.winner = m.winner;
  common.countdown_ticks = m.countdown_ticks;
  common.tick = m.tick;
  common.leader_control = m.leader_control;
  const std::uint64_t accepted = stats_.states_accepted;
  const std::optional<wire::RaceState> before = shown_race_;
  handle_state(now, from, h, common);
  if (stats_.states_accepted == accepted) return;
  if (before && before->room == m.room && score_baseline_valid_) {
    for (std::size_t i = 0; i < m.racers.size() && i < before->racers.size(); ++i) {
      if (m.racers[i].score < before->racers[i].score) score_went_backwards_ = true;
    }
  }
  shown_race_ = m;
}

void ClientNode::handle(TimeUs, Endpoint, const wire::Header& h, const wire::RaceBoardState& m) {
  const bool ours = room_ != 0 && m.room == room_ && config_.game == Game::kRacing;
  const bool newer = !race_board_ || m.result > race_board_->result;
  if (h.epoch.is_none() || h.epoch.leader != h.sender || h.epoch < shown_epoch() || !ours ||
      !newer) {
    ++stats_.boards_ignored;
    return;
  }
  race_board_ = m;
  ++stats_.boards_accepted;
}

void ClientNode::handle(TimeUs now, Endpoint from, const wire::Header& h,
                        const wire::RoomState& m) {
  if (config_.game != Game::kPong) {
    ++stats_.states_other_room;
    return;
  }
  handle_state(now, from, h, m);
}

void ClientNode::handle_state(TimeUs now, Endpoint from, const wire::Header& h,
                              const wire::RoomState& m) {
  if (config_.spectate) {
    handle_spectator_state(now, from, h, m);
    return;
  }
  // Only an epoch's own leader sends its states; anything else is forged or confused.
  if (h.epoch.is_none() || h.epoch.leader != h.sender) {
    ++stats_.states_not_leader;
    return;
  }
  // Not compared with the leader we chose: a newer one that never serves us (cut off from
  // the other servers) must not keep us from the one that does.
  if (h.epoch < shown_epoch()) {
    ++stats_.states_stale;
    return;
  }
  const StatePosition position{h.epoch, m.seq};
  if (shown_ && position == shown_position_ && m.room == room_) {
    // The leader repeats an unchanged state (a waiting room): nothing new to show, but the
    // leader is alive, so this is no silence.
    heard_us_ = now;
    ++stats_.states_stale;
    return;
  }
  if (shown_ && !(position > shown_position_)) {
    ++stats_.states_stale;  // Reordered, duplicated or replayed.
    return;
  }
  // A new leader that never knew our room (it was lost with the old leader's state) seats us
  // afresh when we re-join: follow it to the new room.
  const bool reseated = room_ != 0 && m.room != room_ && phase_ == ClientPhase::kJoining &&
                        h.epoch > shown_position_.epoch && m.your_slot < players_per_room() &&
                        (left_room_ == 0 || m.room != left_room_);
  if (!reseated && (room_ != 0 ? m.room != room_
                               : (phase_ != ClientPhase::kJoining ||
                                  (left_room_ != 0 && m.room == left_room_)))) {
    ++stats_.states_other_room;
    return;
  }
  if (reseated) room_ = 0;  // accept_state takes the new room.
  accept_state(now, from, h, m);
}

void ClientNode::handle(TimeUs, Endpoint, const wire::Header& h, const wire::LeaderboardState& m) {
  // Only a leader sends it, for the room we played in, and a newer result replaces an older.
  const bool ours = room_ != 0 && m.room == room_;
  const bool newer = !leaderboard_ || m.result > leaderboard_->result;
  if (h.epoch.is_none() || h.epoch.leader != h.sender || h.epoch < shown_epoch() || !ours ||
      !newer) {
    ++stats_.boards_ignored;
    return;
  }
  leaderboard_ = m;
  ++stats_.boards_accepted;
}

void ClientNode::accept_state(TimeUs now, Endpoint from, const wire::Header& h,
                              const wire::RoomState& m) {
  const bool had_state = shown_.has_value();
  if (had_state && h.epoch > shown_position_.epoch) {
    // A new leader speaks: either it announced itself to the room, or we found it after a
    // silence. Either way this is the first state the player sees from it.
    ++stats_.rehomes;
    emit(now, NodeEventKind::kClientRehomed, h.sender, h.epoch, m.seq);
  }
  // The state came from the leader's client socket: that is where our traffic goes now.
  leader_epoch_ = h.epoch;
  leader_client_ = from;

  if (had_state &&
      (shown_->phase == room_phase::kCountdown || shown_->phase == room_phase::kPlaying)) {
    longest_stall_us_ = std::max(longest_stall_us_, now - last_state_at_us_);
  }
  const bool same_room = had_state && score_baseline_valid_ && shown_->room == m.room;
  if (same_room && (m.score_left < shown_->score_left || m.score_right < shown_->score_right)) {
    score_went_backwards_ = true;
  }
  if (config_.game == Game::kPong &&
      (!same_room || m.score_left != shown_->score_left || m.score_right != shown_->score_right)) {
    NodeEvent shown = node_event(now, NodeEventKind::kServiceNote, h.sender, h.epoch);
    shown.note = ServiceNote::of(pong::StateShown{m.room, score_of(m), 0});
    outbox_.emit(shown);
  }

  shown_ = m;
  shown_position_ = StatePosition{h.epoch, m.seq};
  score_baseline_valid_ = true;
  last_state_at_us_ = now;
  heard_us_ = now;
  ++stats_.states_accepted;
  if (room_ == 0) {
    room_ = m.room;
    history_.clear();
  }

  if ((m.phase == room_phase::kGameOver || m.phase == room_phase::kClosed) && m.winner != 0 &&
      !result_) {
    result_ = FinalResult{m.room,        static_cast<std::uint8_t>(m.winner - 1),
                          m.your_slot,   m.score_left,
                          m.score_right, now};
  }
  const bool over = result_.has_value() || m.phase == room_phase::kClosed;
  if (config_.spectate) {
    phase_ = ClientPhase::kSeated;  // A spectator watches on, room after room.
  } else if (over) {
    if (phase_ != ClientPhase::kFinished) {
      ++matches_finished_;
      finished_at_us_ = now;
    }
    phase_ = ClientPhase::kFinished;
  } else if (phase_ != ClientPhase::kFinished) {
    phase_ = ClientPhase::kSeated;
  }
}

// ---------------------------------------------------------------------------------------------
// Transitions and sends

void ClientNode::rediscover(TimeUs now) {
  ++stats_.rediscoveries;
  if (config_.spectate) {
    avoid_ = watched_;  // Silent: try another server first.
    ++watch_attempts_;
  }
  emit(now, NodeEventKind::kSuspectLeader, config_.spectate ? watched_ : leader_epoch_.leader,
       leader_epoch_);
  // client_id_ and room_ stay: the next leader has our seat in its replica and re-attaches us.
  // So does our key pair; the ticket is asked for again (a rotated key may have retired it).
  session_.renew();
  phase_ = ClientPhase::kDiscovering;
  best_.reset();
  choose_at_us_ = 0;
  send_discovery(now);
}

void ClientNode::choose_leader(TimeUs now) {
  if (best_->rebuilt) {
    // A cluster rebuilt from empty disks: our room and scores are not in it, and its epochs
    // start again. Show its states from scratch (the last state stays on screen until then).
    ++stats_.clusters_changed;
    shown_position_ = StatePosition{};
    score_baseline_valid_ = false;
    left_room_ = 0;  // Its room ids are its own.
  }
  if (!best_->identity.is_none()) cluster_ = best_->identity;
  leader_epoch_ = best_->epoch;
  leader_client_ = best_->client;
  best_.reset();
  choose_at_us_ = 0;
  begin_joining(now);
}

void ClientNode::begin_joining(TimeUs now) {
  phase_ = ClientPhase::kJoining;
  heard_us_ = now;
  send_join(now);
}

void ClientNode::send_discovery(TimeUs now) {
  broadcast(wire::client_discover_request(config_.endpoints.client));
  ++stats_.discover_sent;
  // Jitter keeps many clients started together from broadcasting in lock-step.
  next_discovery_us_ =
      now + config_.discovery_retry_us + rng_.range(0, config_.discovery_retry_us / 10);
}

void ClientNode::send_join(TimeUs now) {
  if (config_.spectate) {
    wire::Watch watch;
    watch.client_id = client_id_;
    watch.room = config_.watch_room;
    watch.room_name.assign(config_.room_name);
    if (config_.game == Game::kRacing) {
      send(leader_client_, wire::RaceWatch{watch.client_id, watch.room, watch.room_name});
    } else {
      send(leader_client_, watch);
    }
    ++stats_.joins_sent;
    next_join_us_ =
        now + (phase_ == ClientPhase::kSeated ? config_.watch_repeat_us : config_.join_retry_us);
    return;
  }
  wire::Join join;
  join.client_id = client_id_;
  // Re-joining after a silence names the room we sit in; the leader re-attaches by client_id.
  if (room_ != 0 && shown_ && shown_->room == room_) {
    join.room_name = shown_->name;
  } else {
    join.room_name.assign(config_.room_name);
  }
  join.player.assign(config_.player_name);
  if (room_ == 0) join.room = config_.join_room;
  send_request(join);
  ++stats_.joins_sent;
  next_join_us_ = now + config_.join_retry_us;
}

void ClientNode::send_input(bool keepalive) {
  const std::uint8_t slot = shown_->your_slot;
  std::int8_t wanted = 0;
  if (!keepalive && config_.game == Game::kPong && policy_) {
    wanted = policy_(*shown_, slot, policy_rng_);
  } else if (!keepalive && config_.game == Game::kRacing && race_policy_ && shown_race_) {
    wanted = race_policy_(*shown_race_, slot, policy_rng_);
  }
  const std::int8_t direction = clamp_direction(wanted);
  history_.push(direction);
  wire::Input input;
  input.client_id = client_id_;
  input.room = room_;
  input.input_seq = ++input_seq_;
  history_.copy_to(input.recent);
  send_request(input);
  ++stats_.inputs_sent;
}

bool ClientNode::seated_as_player() const {
  return shown_ && room_ != 0 && shown_->room == room_ && shown_->your_slot < players_per_room();
}

template <class PongMsg>
void ClientNode::send_request(const PongMsg& msg) {
  if (config_.game == Game::kPong) {
    send(leader_client_, msg);
  } else if constexpr (std::is_same_v<PongMsg, wire::Join>) {
    send(leader_client_, wire::RaceJoin{msg.client_id, msg.room_name, msg.player, msg.room});
  } else if constexpr (std::is_same_v<PongMsg, wire::Input>) {
    send(leader_client_, wire::RaceInput{msg.client_id, msg.room, msg.input_seq, msg.recent});
  } else {
    send(leader_client_, wire::RaceLeave{msg.client_id, msg.room});
  }
}

bool ClientNode::match_running() const {
  return seated_as_player() && !result_ &&
         (shown_->phase == room_phase::kCountdown || shown_->phase == room_phase::kPlaying);
}

bool ClientNode::waiting_for_opponent() const {
  return seated_as_player() && !result_ && shown_->phase == room_phase::kWaiting;
}

void ClientNode::note_sessions(const wire::DiscoverResponse& m) {
  if (session_.note_required(m.sessions == 1)) {
    session_.configure(config_.session_seed, rng_);
    client_id_ = session_.new_identity();
  }
}

std::uint64_t ClientNode::new_client_id() {
  if (session_.required()) return session_.new_identity();
  std::uint64_t id = 0;
  while (id == 0) id = rng_.next_u64();  // Ends: zero has chance 2^-64.
  return id;
}

void ClientNode::handle(TimeUs now, Endpoint from, const wire::Header&,
                        const wire::SessionGrant& m) {
  if (!session_.on_grant(from, m)) return;
  ++stats_.sessions;
  // The request the grant was waiting for goes out now rather than at its next retry.
  if (phase_ == ClientPhase::kJoining) send_join(now);
}

template <class Msg>
void ClientNode::broadcast(const Msg& msg) {
  auto buf = outbox_.begin_datagram();
  auto size = wire::encode(config_.id, Epoch{}, msg, buf);
  if (!size) {
    outbox_.abort_datagram();
    return;
  }
  const Endpoint to{0, config_.endpoints.discovery_port};
  outbox_.commit_datagram(Channel::kClient, true, to, *size, static_cast<std::uint8_t>(Msg::kType));
}

void ClientNode::emit(TimeUs now, NodeEventKind kind, const NodeId& peer, const Epoch& epoch,
                      std::uint64_t seq) {
  outbox_.emit(node_event(now, kind, peer, epoch, seq));
}

}  // namespace dp
