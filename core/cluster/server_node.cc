#include "core/cluster/server_node.h"

#include <algorithm>

#include "core/wire/decode_counted.h"
#include "core/wire/send.h"

namespace dp {

using wire::Role;

ServerNode::ServerNode(const ServerConfig& config)
    : config_(config), rng_(config.seed), rooms_(config.rooms, config.id, outbox_) {
  rooms_.set_self_control(config.endpoints.control);
}

void ServerNode::start(TimeUs now) {
  started_at_us_ = now;
  highest_term_ = config_.persisted.highest_term;
  role_ = Role::kFollower;
  // The epoch we last led or followed survives a crash, so we never adopt an older one.
  epoch_ = config_.persisted.last_epoch;
  peers_known_ = config_.persisted.peers_known;
  // Having led or followed an epoch, it may have held rooms: they are gone with the crash.
  rooms_.set_lost_state(!config_.persisted.last_epoch.is_none());
  if (config_.cluster_size > peers_known_ + 1) peers_known_ = config_.cluster_size - 1;
  following_ = false;
  emit(now, NodeEventKind::kStarted);
  send_discovery(now);
  next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
  // Listen for an existing leader before calling an election.
  next_election_allowed_us_ = now + config_.timing.discovery_window_us;
}

void ServerNode::on_datagram(TimeUs now, Channel channel, Endpoint from,
                             std::span<const std::uint8_t> bytes) {
  if (stopped_) return;
  if (!wire::decode_counted(now, channel, bytes, scratch_, stats_, outbox_)) return;
  const wire::Header& h = scratch_.header;
  if (h.sender == config_.id) return;  // Our own broadcast, looped back by the host.
  if (!body_matches_source(scratch_.body, from)) {
    // An endpoint in the body that is not where the datagram came from would make us send
    // to an address nobody vouched for (a corrupted or forged datagram): drop it.
    ++stats_.datagrams_rejected;
    ++stats_.source_mismatch;
    return;
  }
  observe_term(h.epoch.term);
  std::visit([&](const auto& msg) { handle(now, channel, from, h, msg); }, scratch_.body);
}

void ServerNode::shutdown(TimeUs now) {
  if (stopped_) return;
  if (is_leader()) {
    for (const auto& [id, info] : peers_) send(Channel::kControl, info.control, wire::Resign{});
  }
  emit(now, NodeEventKind::kSteppedDown, {}, epoch_);
  role_ = Role::kFollower;
  following_ = false;
  stopped_ = true;
}

bool ServerNode::body_matches_source(const wire::Message& body, Endpoint from) {
  if (const auto* m = std::get_if<wire::DiscoverRequest>(&body)) {
    const bool client = m->asker_role == static_cast<std::uint8_t>(Role::kClient);
    return (client ? m->client : m->control) == from;
  }
  if (const auto* m = std::get_if<wire::DiscoverResponse>(&body)) return m->control == from;
  if (const auto* m = std::get_if<wire::Heartbeat>(&body)) return m->control == from;
  if (const auto* m = std::get_if<wire::Coordinator>(&body)) return m->control == from;
  return true;
}

void ServerNode::on_tick(TimeUs now) {
  if (stopped_) return;
  if (is_leader()) expire_peers(now);
  if (role_ == Role::kFollower && has_leader() && !leader_healthy(now)) {
    lose_leader(now, epoch_.leader);
  }
  election_timeouts(now);
  if (!has_leader() && election_deadline_us_ == 0 && now >= next_election_allowed_us_) {
    start_election(now);
  }
  // Classic Bully: a node that sees a lower id leading takes over.
  if (config_.mode == ElectionMode::kClassic && role_ == Role::kFollower && has_leader() &&
      epoch_.leader < config_.id && now >= next_election_allowed_us_) {
    start_election(now);
  }
  if (now >= next_heartbeat_us_) {
    send_heartbeats(now);
    next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
  }
  if (now >= next_discovery_us_) send_discovery(now);
  if (is_leader()) update_followers(now);
  rooms_.on_tick(now);
}

TimeUs ServerNode::next_tick_at() const {
  if (stopped_) return next_heartbeat_us_ + 3600 * kUsPerSecond;
  TimeUs next = std::min({next_heartbeat_us_, next_discovery_us_, rooms_.next_tick_at()});
  if (election_deadline_us_ != 0) next = std::min(next, election_deadline_us_);
  if (!has_leader() && election_deadline_us_ == 0) {
    next = std::min(next, next_election_allowed_us_);
  }
  if (role_ == Role::kFollower && has_leader()) {
    const TimeUs heard = std::min(leader_heard_us_, leader_listed_us_);
    next = std::min(next, heard + config_.timing.heartbeat_timeout_us + 1);
  }
  return next;
}

// ---------------------------------------------------------------------------------------------
// Handlers

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::DiscoverRequest& m) {
  const bool asker_is_server = m.asker_role != static_cast<std::uint8_t>(Role::kClient);
  if (asker_is_server) note_peer(now, h.sender, m.control, m.client);
  wire::DiscoverResponse reply;
  reply.role = static_cast<std::uint8_t>(role_);
  reply.control = config_.endpoints.control;
  reply.client = config_.endpoints.client;
  if (has_leader()) {
    if (is_leader()) {
      reply.leader_client = config_.endpoints.client;
    } else if (auto it = peers_.find(epoch_.leader); it != peers_.end()) {
      reply.leader_client = it->second.client;
    }
  }
  send(Channel::kControl, asker_is_server ? m.control : m.client, reply);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::DiscoverResponse& m) {
  if (m.role == static_cast<std::uint8_t>(Role::kClient)) return;
  note_peer(now, h.sender, m.control, m.client);
  // A leader's own reply lets a newcomer join without an election (sticky mode's point).
  if (m.role == static_cast<std::uint8_t>(Role::kLeader) && h.epoch.leader == h.sender &&
      h.epoch > epoch_ && !is_leader()) {
    follow(now, h.epoch);
  }
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::Heartbeat& m) {
  PeerInfo& peer = note_peer(now, h.sender, m.control, m.client);
  peer.role = static_cast<Role>(m.role);
  peer.applied_seq = m.applied_seq;
  peer.epoch = h.epoch;
  const bool from_leader = m.role == static_cast<std::uint8_t>(Role::kLeader);
  if (from_leader && h.epoch.leader != h.sender) return;  // Malformed claim; ignore.

  if (h.epoch < epoch_) {
    if (from_leader) {
      // A deposed leader that has not heard the news: ignore its claim, tell it ours.
      ++stats_.stale_epoch_ignored;
      emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
      send(Channel::kControl, m.control, own_heartbeat());
    }
    return;
  }
  if (h.epoch > epoch_) {
    // Someone knows a newer leadership. Epochs only move forward: adopt it, but second-hand
    // only when we know where that leader is (else we could not heartbeat it and would
    // suspect it at once); then look for it by discovery.
    if (from_leader || peers_.count(h.epoch.leader)) {
      follow(now, h.epoch);
    } else if (now - last_discovery_us_ >= config_.timing.heartbeat_interval_us) {
      send_discovery(now);
    }
  }
  if (h.epoch == epoch_ && !from_leader && is_leader()) {
    rooms_.on_follower_position(now, h.sender, {m.synced_epoch, m.applied_seq}, m.lost_state != 0);
    // A follower on our stream says how far it applied it: as good as an ACK, and it comes
    // every heartbeat, so a lost ACK cannot leave a point (or a new epoch's base) unconfirmed.
    if (m.synced_epoch == epoch_) {
      wire::Ack ack;
      ack.applied_seq = m.applied_seq;
      rooms_.on_ack(now, h.sender, ack);
    }
  }
  const bool lists_us = std::find(m.hears.begin(), m.hears.end(), config_.id) != m.hears.end();
  // A leader we gave up on wins us back with the same epoch only once it hears us again (it
  // lists us): a leader that is deaf to us must not pull us back and forth.
  if (from_leader && h.epoch == epoch_ && !has_leader() && !is_leader() && lists_us) {
    follow(now, h.epoch);
  }
  if (h.epoch != epoch_ || !from_leader || !has_leader()) return;
  // A heartbeat from our own leader.
  rooms_.set_leader_control(m.control);
  note_leader_size_claim(m.servers_known);
  leader_heard_us_ = now;
  election_attempt_ = 0;
  if (lists_us) leader_listed_us_ = now;
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::Election&) {
  if (!(h.sender < config_.id)) return;  // Only lower ids ask us.
  auto it = peers_.find(h.sender);
  if (it == peers_.end()) return;  // Unknown sender: we have nowhere to answer.
  it->second.last_heard_us = now;
  if (is_leader() && h.epoch > epoch_) {
    // The candidate knows a newer epoch than ours: we were deposed without hearing of it.
    emit(now, NodeEventKind::kSteppedDown, h.epoch.leader, h.epoch);
    epoch_ = h.epoch;
    role_ = Role::kFollower;
    following_ = false;
    rooms_.on_leaderless(now);
    persist();
  }
  const bool sticky = config_.mode == ElectionMode::kSticky;
  const bool healthy = is_leader() || (has_leader() && leader_healthy(now));
  wire::Answer answer;
  answer.has_leader = (sticky && healthy) ? 1 : 0;
  send(Channel::kControl, it->second.control, answer);
  if (sticky && is_leader()) {
    // A healthy leader re-announces itself instead of holding a new election.
    wire::Coordinator coordinator;
    coordinator.control = config_.endpoints.control;
    coordinator.client = config_.endpoints.client;
    send(Channel::kControl, it->second.control, coordinator);
    return;
  }
  if (sticky && healthy) return;
  if (election_deadline_us_ == 0) start_election(now);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h, const wire::Answer&) {
  if (role_ != Role::kCandidate || election_deadline_us_ == 0) return;
  if (!(config_.id < h.sender)) return;
  if (!got_answer_) {
    got_answer_ = true;
    election_deadline_us_ = now + config_.timing.coordinator_timeout_us;
  }
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::Coordinator& m) {
  if (h.epoch.leader != h.sender || h.epoch.is_none()) return;  // Only the winner announces.
  note_peer(now, h.sender, m.control, m.client);
  if (h.epoch < epoch_) {
    ++stats_.stale_epoch_ignored;
    emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
    return;
  }
  if (h.epoch > epoch_ || (h.epoch == epoch_ && !has_leader())) {
    follow(now, h.epoch);  // A new leader, or ours answering our election: it hears us.
  } else if (has_leader()) {
    leader_heard_us_ = now;
  }
}

bool ServerNode::accept_leader_message(TimeUs now, const wire::Header& h) {
  if (h.epoch.is_none() || h.epoch.leader != h.sender) return false;
  if (h.epoch < epoch_) {
    ++stats_.stale_epoch_ignored;
    emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
    return false;
  }
  if (h.epoch > epoch_) follow(now, h.epoch);
  if (!has_leader()) return false;  // The leader we gave up on.
  if (auto it = peers_.find(h.sender); it != peers_.end()) it->second.last_heard_us = now;
  return true;
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::Replicate& m) {
  if (accept_leader_message(now, h)) {
    leader_heard_us_ = now;
    rooms_.on_replicate(now, m);
  }
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h,
                        const wire::Snapshot& m) {
  // Either the leader re-basing us, or a follower answering our recovery pull.
  if (is_leader() && h.epoch == epoch_) {
    rooms_.on_snapshot(now, h.sender, m);
    return;
  }
  if (accept_leader_message(now, h)) rooms_.on_snapshot(now, h.sender, m);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint from, const wire::Header& h,
                        const wire::Nack& m) {
  if (h.epoch != epoch_) return;
  if (is_leader()) {
    if (auto it = peers_.find(h.sender); it != peers_.end()) it->second.last_heard_us = now;
    rooms_.on_nack(now, h.sender, from, m);
  } else if (h.sender == epoch_.leader) {
    rooms_.on_nack(now, h.sender, from, m);
  }
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h, const wire::Ack& m) {
  if (h.epoch != epoch_ || !is_leader()) return;
  if (auto it = peers_.find(h.sender); it != peers_.end()) it->second.last_heard_us = now;
  rooms_.on_ack(now, h.sender, m);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint from, const wire::Header&,
                        const wire::Join& m) {
  if (is_leader()) rooms_.on_join(now, from, m);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint from, const wire::Header&,
                        const wire::Input& m) {
  if (is_leader()) rooms_.on_input(now, from, m);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header&, const wire::Leave& m) {
  if (is_leader()) rooms_.on_leave(now, m);
}

void ServerNode::update_followers(TimeUs now) {
  std::map<NodeId, Endpoint> live;
  for (const auto& [id, info] : peers_) {
    // Only peers that follow our epoch are followers: a deposed leader that cannot hear us
    // (it still heartbeats its old epoch) would never ACK and only soak up retransmissions.
    if (info.alive && info.epoch == epoch_ &&
        now - info.last_heard_us <= config_.timing.heartbeat_timeout_us) {
      live[id] = info.control;
    }
  }
  // Every server we know of could be the next leader, so a point waits for min_replicas of
  // them even when they are silent: a lone survivor freezes the scoreboard rather than show a
  // point that a crash could take back. Only a cluster of one commits alone.
  rooms_.set_followers(now, live, peers_known_);
}

void ServerNode::handle(TimeUs now, Channel, Endpoint, const wire::Header& h, const wire::Resign&) {
  if (!has_leader() || is_leader() || h.epoch != epoch_ || h.sender != epoch_.leader) return;
  // It is gone for good: forget it, so the next-highest node need not wait for its answer.
  peers_.erase(h.sender);
  lose_leader(now, h.sender);
}

// ---------------------------------------------------------------------------------------------
// Membership

PeerInfo& ServerNode::note_peer(TimeUs now, const NodeId& peer, Endpoint control, Endpoint client) {
  auto [it, inserted] = peers_.try_emplace(peer);
  PeerInfo& info = it->second;
  if (inserted && peers_.size() > wire::kMaxServers) {
    // Bounded membership: forget the quietest peer rather than grow without limit.
    auto quietest = std::min_element(peers_.begin(), peers_.end(), [&](auto& a, auto& b) {
      return a.second.last_heard_us < b.second.last_heard_us && a.first != peer;
    });
    if (quietest != it) peers_.erase(quietest);
  }
  if (!control.is_unset()) info.control = control;
  if (!client.is_unset()) info.client = client;
  info.last_heard_us = now;
  if (!info.alive) {
    info.alive = true;
    emit(now, NodeEventKind::kPeerDiscovered, peer);
  }

  if (info.datagrams_heard < kDatagramsToCount) {
    ++info.datagrams_heard;
    update_peers_known();
  }
  return info;
}

void ServerNode::update_peers_known() {
  std::uint32_t counted = 0;
  for (const auto& [id, info] : peers_)
    counted += info.datagrams_heard >= kDatagramsToCount ? 1 : 0;
  if (counted > peers_known_) {
    peers_known_ = counted;
    persist();
  }
}

void ServerNode::note_leader_size_claim(std::uint32_t servers_known) {
  if (servers_known == leader_size_claim_) {
    leader_size_claims_ = std::min(leader_size_claims_ + 1, kDatagramsToCount);
  } else {
    leader_size_claim_ = servers_known;
    leader_size_claims_ = 1;
  }
  if (leader_size_claims_ >= kDatagramsToCount && servers_known > peers_known_ + 1) {
    peers_known_ = servers_known - 1;
    persist();
  }
}

void ServerNode::expire_peers(TimeUs now) {
  for (auto& [id, info] : peers_) {
    if (info.alive && now - info.last_heard_us > config_.timing.heartbeat_timeout_us) {
      info.alive = false;
      emit(now, NodeEventKind::kPeerLost, id);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Epochs and roles

void ServerNode::observe_term(std::uint64_t term) {
  if (term > highest_term_) {
    highest_term_ = term;
    persist();
  }
}

void ServerNode::persist() {
  outbox_.persist(PersistentState{highest_term_, epoch_, peers_known_});
}

void ServerNode::follow(TimeUs now, const Epoch& epoch) {
  if (is_leader()) {
    emit(now, NodeEventKind::kSteppedDown, epoch.leader, epoch);
  }
  observe_term(epoch.term);
  role_ = Role::kFollower;
  const bool new_epoch = epoch != epoch_;
  epoch_ = epoch;
  following_ = true;
  if (new_epoch) persist();
  leader_heard_us_ = now;
  leader_listed_us_ = now;
  election_deadline_us_ = 0;
  got_answer_ = false;
  emit(now, NodeEventKind::kFollowing, epoch.leader, epoch);
  auto leader_it = peers_.find(epoch.leader);
  rooms_.on_follow(now, epoch, leader_it != peers_.end() ? leader_it->second.control : Endpoint{});
  // Greet the new leader at once so it lists us in its next heartbeat and learns how far our
  // replica got (a new leader pulls the state of a follower that is ahead of it).
  if (leader_it != peers_.end()) {
    send(Channel::kControl, leader_it->second.control, own_heartbeat());
  }
}

void ServerNode::become_leader(TimeUs now) {
  observe_term(highest_term_ + 1);
  role_ = Role::kLeader;
  following_ = false;
  epoch_ = Epoch{highest_term_, config_.id};
  persist();
  election_deadline_us_ = 0;
  got_answer_ = false;
  election_attempt_ = 0;
  ++stats_.times_leader;
  emit(now, NodeEventKind::kBecameLeader, config_.id, epoch_);
  rooms_.on_become_leader(now, epoch_);
  update_followers(now);
  wire::Coordinator coordinator;
  coordinator.control = config_.endpoints.control;
  coordinator.client = config_.endpoints.client;
  for (const auto& [id, info] : peers_) send(Channel::kControl, info.control, coordinator);
  send_heartbeats(now);
  next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
}

bool ServerNode::leader_healthy(TimeUs now) const {
  if (is_leader()) return true;
  if (!has_leader()) return false;
  const TimeUs timeout = config_.timing.heartbeat_timeout_us;
  return now - leader_heard_us_ <= timeout && now - leader_listed_us_ <= timeout;
}

void ServerNode::lose_leader(TimeUs now, const NodeId& suspect) {
  emit(now, NodeEventKind::kSuspectLeader, suspect, epoch_);
  following_ = false;
  role_ = Role::kFollower;
  start_election(now);
}

// ---------------------------------------------------------------------------------------------
// Bully election

void ServerNode::start_election(TimeUs now) {
  if (now < next_election_allowed_us_) return;  // Backing off; on_tick retries later.
  role_ = Role::kCandidate;
  following_ = false;
  rooms_.on_leaderless(now);
  ++election_attempt_;
  ++stats_.elections_started;
  got_answer_ = false;
  emit(now, NodeEventKind::kElectionStarted, {}, {}, election_attempt_);
  int higher = 0;
  for (const auto& [id, info] : peers_) {
    if (config_.id < id) {
      send(Channel::kControl, info.control, wire::Election{});
      ++higher;
    }
  }
  if (higher == 0) {
    become_leader(now);
    return;
  }
  election_deadline_us_ = now + config_.timing.answer_timeout_us;
}

void ServerNode::election_timeouts(TimeUs now) {
  if (role_ != Role::kCandidate || election_deadline_us_ == 0 || now < election_deadline_us_) {
    return;
  }
  if (!got_answer_) {
    become_leader(now);
    return;
  }
  // A higher node answered but never announced itself: back off, then try again.
  election_deadline_us_ = 0;
  got_answer_ = false;
  const int doublings = std::min(election_attempt_, 8);
  TimeUs backoff = config_.timing.answer_timeout_us << doublings;
  backoff = std::min(backoff, config_.timing.election_backoff_max_us);
  backoff += rng_.range(0, config_.timing.answer_timeout_us);
  next_election_allowed_us_ = now + backoff;
}

// ---------------------------------------------------------------------------------------------
// Periodic sends

wire::Heartbeat ServerNode::own_heartbeat() const {
  wire::Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(role_);
  hb.control = config_.endpoints.control;
  hb.client = config_.endpoints.client;
  hb.applied_seq = rooms_.applied_seq();
  hb.commit_seq = rooms_.commit_seq();
  hb.synced_epoch = rooms_.synced_epoch();
  hb.lost_state = rooms_.lost_state() ? 1 : 0;
  hb.servers_known = static_cast<std::uint8_t>(
      std::min<std::uint32_t>(peers_known_ + 1, static_cast<std::uint32_t>(wire::kMaxServers)));
  return hb;
}

void ServerNode::send_heartbeats(TimeUs now) {
  wire::Heartbeat hb = own_heartbeat();
  if (is_leader()) {
    for (const auto& [id, info] : peers_) {
      if (info.alive && now - info.last_heard_us <= config_.timing.heartbeat_timeout_us) {
        hb.hears.push_back(id);
      }
    }
    // Known peers that went quiet get heartbeats too, so they learn our epoch on healing.
    for (const auto& [id, info] : peers_) send(Channel::kControl, info.control, hb);
  } else if (has_leader()) {
    if (auto it = peers_.find(epoch_.leader); it != peers_.end()) {
      send(Channel::kControl, it->second.control, hb);
    }
  } else {
    // Leaderless: keep every peer hearing us, so a leader we gave up on can list us again.
    for (const auto& [id, info] : peers_) send(Channel::kControl, info.control, hb);
  }
}

void ServerNode::send_discovery(TimeUs now) {
  last_discovery_us_ = now;
  wire::DiscoverRequest request;
  request.asker_role = static_cast<std::uint8_t>(role_);
  request.control = config_.endpoints.control;
  request.client = config_.endpoints.client;
  broadcast(request);
  // Jitter keeps servers started together from answering in lock-step.
  next_discovery_us_ = now + config_.timing.discovery_interval_us +
                       rng_.range(0, config_.timing.discovery_interval_us / 10);
}

template <class Msg>
void ServerNode::send(Channel from, Endpoint to, const Msg& msg) {
  wire::send_message(outbox_, config_.id, epoch_, from, to, msg);
}

template <class Msg>
void ServerNode::broadcast(const Msg& msg) {
  wire::broadcast_message(outbox_, config_.id, epoch_, Channel::kControl,
                          config_.endpoints.discovery_port, msg);
}

void ServerNode::emit(TimeUs now, NodeEventKind kind, const NodeId& peer, const Epoch& epoch,
                      std::int64_t a, std::int64_t b) {
  outbox_.emit(NodeEvent{now, kind, peer, epoch, a, b});
}

}  // namespace dp
