#include "core/cluster/server_node.h"

#include <algorithm>

#include "core/wire/decode_counted.h"
#include "core/wire/send.h"

namespace dp {

using wire::Role;

namespace {

// The configured session seed, or one derived from the node's seed (tests, the simulator)
// without drawing from the node's own generator.
SessionSeed session_seed_of(const ServerConfig& config) {
  SessionSeed seed = config.session_seed;
  if (seed != SessionSeed{}) return seed;
  Rng rng(config.seed ^ 0x5e55'1011'5eed'0001ull);
  for (std::size_t i = 0; i < seed.size(); i += 8) {
    std::uint64_t word = rng.next_u64();
    for (std::size_t j = 0; j < 8; ++j, word >>= 8) seed[i + j] = static_cast<std::uint8_t>(word);
  }
  return seed;
}

}  // namespace

ServerNode::ServerNode(const ServerConfig& config, std::vector<std::unique_ptr<Service>> services)
    : config_(config),
      rng_(config.seed),
      auth_(static_cast<std::uint8_t>(config.mode), config.keys, config.boot_stamp),
      sessions_(config.keys, session_seed_of(config), config.boot_stamp),
      replica_(config.replica, config.id, outbox_, std::move(services)) {
  replica_.set_self_control(config.endpoints.control);
  outbox_.set_sealer(&auth_);
}

void ServerNode::start(TimeUs now) {
  started_at_us_ = now;
  highest_term_ = config_.persisted.highest_term;
  stored_term_ = highest_term_;
  role_ = role::Leaderless{};
  // The epoch we last led or followed survives a crash, so we never adopt an older one.
  epoch_ = config_.persisted.last_epoch;
  peers_known_ = config_.persisted.peers_known;
  // The durable state on disk: the server vouches for it in a new leader's recovery (see
  // Standing). Never having synced, it vouches unless it replaces a lost machine.
  if (!replica_.load(config_.stored)) {
    emit(now, NodeEventKind::kStateRefused);
    replica_.set_standing(Standing::kLost);
  } else if (!config_.stored.empty()) {
    outbox_.emit(node_event(now, NodeEventKind::kStateLoaded, {}, config_.stored.position.epoch,
                            config_.stored.position.seq));
  } else {
    replica_.set_standing(config_.persisted.replacement ? Standing::kJoining : Standing::kFresh);
  }
  if (config_.cluster_size > peers_known_ + 1) peers_known_ = config_.cluster_size - 1;
  emit(now, NodeEventKind::kStarted);
  send_discovery(now);
  next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
  // Listen for an existing leader before calling an election.
  next_election_allowed_us_ = now + config_.timing.discovery_window_us;
}

void ServerNode::on_datagram(TimeUs now, Channel channel, Endpoint from,
                             std::span<const std::uint8_t> bytes) {
  if (stopped()) return;
  request_size_ = bytes.size();
  const SealedParts parts = DatagramAuth::split(bytes);
  if (!wire::admit_header(now, wire::Receiver::kServer, channel, parts.message, header_, stats_,
                          outbox_)) {
    return;
  }
  const wire::Header& h = header_;
  if (h.sender == config_.id) return;  // Our own broadcast, looped back by the host.
  if (wire::family_of(static_cast<std::uint8_t>(h.type)) == wire::Family::kService) {
    on_client_request(now, channel, from, parts);
    return;
  }
  if (wire::family_of(static_cast<std::uint8_t>(h.type)) == wire::Family::kControl) {
    on_control_request(now, channel, from, parts);  // An operator: no peer, no epoch.
    return;
  }
  bool client_discovery = false;
  if (!admit_signed(now, channel, parts, client_discovery)) return;
  if (!wire::decode_counted(now, channel, h, parts.message, message_, stats_, outbox_)) return;
  if (client_discovery) {
    // Unsigned: only a client's discovery request, which changes nothing but gets an answer.
    const auto* request = std::get_if<wire::DiscoverRequest>(&message_);
    if (request == nullptr || request->asker_role != static_cast<std::uint8_t>(Role::kClient)) {
      refuse(now, channel, wire::DecodeError::kUnsigned);
      return;
    }
    if (request->client != from) {
      ++stats_.datagrams_rejected;
      ++stats_.source_mismatch;
      return;
    }
    handle(now, from, h, *request);  // Its header's epoch and sender are the client's own.
    return;
  }
  if (!body_matches_source(message_, from)) {
    // An endpoint in the body that is not where the datagram came from would make us send
    // to an address nobody vouched for (a corrupted or forged datagram): drop it.
    ++stats_.datagrams_rejected;
    ++stats_.source_mismatch;
    return;
  }
  observe_term(h.epoch.term);
  note_sender(now, h, message_);
  if (!admit_epoch(now, h, message_)) return;
  std::visit([&](const auto& msg) { handle(now, from, h, msg); }, message_);
}

wire::DecodeError ServerNode::decode_error_of(AuthError error) {
  switch (error) {
    case AuthError::kUnsigned:
      return wire::DecodeError::kUnsigned;
    case AuthError::kForeignMode:
      return wire::DecodeError::kForeignMode;
    case AuthError::kBadTag:
      return wire::DecodeError::kBadTag;
    case AuthError::kReplayed:
      return wire::DecodeError::kReplayed;
  }
  return wire::DecodeError::kBadTag;
}

bool ServerNode::refuse(TimeUs now, Channel channel, wire::DecodeError error) {
  ++stats_.auth_refused;
  wire::count_rejection(now, channel, error, stats_, outbox_);
  return false;
}

bool ServerNode::admit_signed(TimeUs now, Channel channel, const SealedParts& parts,
                              bool& client_discovery) {
  const wire::Header& h = header_;
  if (parts.trailer.empty()) {
    // Servers sign everything they send each other; clients sign nothing (they hold no key),
    // and send us only discovery requests on this path.
    if (channel != Channel::kDiscovery) return refuse(now, channel, wire::DecodeError::kUnsigned);
    client_discovery = true;
    return true;
  }
  if (auto error = auth_.verify(h.sender, parts))
    return refuse(now, channel, decode_error_of(*error));
  // Terms move by one per election: a datagram far ahead of everything we have seen is refused.
  if (h.epoch.term > highest_term_ + kMaxTermJump) {
    return refuse(now, channel, wire::DecodeError::kTermJump);
  }
  return true;
}

void ServerNode::on_client_request(TimeUs now, Channel channel, Endpoint from,
                                   const SealedParts& parts) {
  const wire::Header& h = header_;
  if (wire::service_of(static_cast<std::uint8_t>(h.type)) == wire::kSessionService) {
    grant_session(now, channel, from, parts);
    return;
  }
  if (sessions_.enabled()) {
    if (!admit_session(now, channel, parts)) return;
  } else if (!parts.trailer.empty()) {
    wire::count_rejection(now, channel, wire::DecodeError::kLengthMismatch, stats_, outbox_);
    return;
  }
  // The service decodes the request, and acts on it only while it serves.
  if (auto error = replica_.on_client_datagram(now, from, h, wire::body_of(parts.message))) {
    wire::count_rejection(now, channel, *error, stats_, outbox_);
  }
}

bool ServerNode::admit_session(TimeUs now, Channel channel, const SealedParts& parts) {
  const auto client_id = wire::request_client_id(wire::body_of(parts.message));
  if (!client_id) {
    wire::count_rejection(now, channel, wire::DecodeError::kTruncatedBody, stats_, outbox_);
    return false;
  }
  const auto error = sessions_.verify(parts.message, parts.trailer, *client_id);
  if (!error) return true;
  switch (*error) {
    case SessionError::kMissing:
      return refuse(now, channel, wire::DecodeError::kUnsigned);
    case SessionError::kBadTicket:
    case SessionError::kWrongClient:
      return refuse(now, channel, wire::DecodeError::kBadSession);
    case SessionError::kBadTag:
      return refuse(now, channel, wire::DecodeError::kBadTag);
    case SessionError::kReplayed:
      return refuse(now, channel, wire::DecodeError::kReplayed);
  }
  return false;
}

void ServerNode::grant_session(TimeUs now, Channel channel, Endpoint from,
                               const SealedParts& parts) {
  wire::SessionMessage message;
  if (!parts.trailer.empty()) {
    wire::count_rejection(now, channel, wire::DecodeError::kLengthMismatch, stats_, outbox_);
    return;
  }
  if (auto error = wire::decode_message(header_.type, wire::body_of(parts.message), message)) {
    wire::count_rejection(now, channel, *error, stats_, outbox_);
    return;
  }
  const auto* request = std::get_if<wire::SessionRequest>(&message);
  if (request == nullptr) {
    wire::count_rejection(now, channel, wire::DecodeError::kWrongChannel, stats_, outbox_);
    return;
  }
  // Unkeyed, or an id that is not its key's (someone asking for another client's id).
  const auto grant = sessions_.grant(*request);
  if (!grant) {
    ++stats_.sessions_refused;
    return;
  }
  ++stats_.sessions_granted;
  answer_client(now, from, *grant, Channel::kClient);
}

bool ServerNode::body_matches_source(const wire::ServerMessage& body, Endpoint from) {
  if (const auto* m = std::get_if<wire::DiscoverRequest>(&body)) {
    const bool client = m->asker_role == static_cast<std::uint8_t>(Role::kClient);
    return (client ? m->client : m->control) == from;
  }
  if (const auto* m = std::get_if<wire::DiscoverResponse>(&body)) return m->control == from;
  if (const auto* m = std::get_if<wire::Heartbeat>(&body)) return m->control == from;
  if (const auto* m = std::get_if<wire::Coordinator>(&body)) return m->control == from;
  if (const auto* m = std::get_if<wire::PreVote>(&body)) return m->control == from;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Entry: who the sender is, then its epoch, checked once

void ServerNode::note_sender(TimeUs now, const wire::Header& h, const wire::ServerMessage& body) {
  const auto client = static_cast<std::uint8_t>(Role::kClient);
  if (const auto* request = std::get_if<wire::DiscoverRequest>(&body)) {
    if (request->asker_role != client) {
      note_peer(now, h.sender, request->control, request->client);
    }
  } else if (const auto* response = std::get_if<wire::DiscoverResponse>(&body)) {
    if (response->role != client) note_peer(now, h.sender, response->control, response->client);
  } else if (const auto* hb = std::get_if<wire::Heartbeat>(&body)) {
    PeerInfo& peer = note_peer(now, h.sender, hb->control, hb->client);
    peer.role = static_cast<Role>(hb->role);
    peer.applied_seq = hb->applied_seq;
    peer.epoch = h.epoch;
  } else if (std::holds_alternative<wire::Election>(body)) {
    if (h.sender < config_.id) heard_from(now, h.sender);
  } else if (const auto* pre_vote = std::get_if<wire::PreVote>(&body)) {
    note_peer(now, h.sender, pre_vote->control, {});
  } else if (const auto* coordinator = std::get_if<wire::Coordinator>(&body)) {
    if (h.epoch.leader == h.sender && !h.epoch.is_none()) {
      note_peer(now, h.sender, coordinator->control, coordinator->client);
    }
  }
}

// Every epoch decision of the node. A message that claims to come from an epoch's leader
// (COORDINATOR, REPLICATE, a leader's HEARTBEAT or discovery answer) makes the node follow a
// newer epoch and is refused (counted, and a stale leader told ours) from an older one. A
// message from a follower (ACK, NACK, a follower's HEARTBEAT) counts only in our own epoch.
// An ELECTION carrying a newer epoch deposes a leader that had not heard of it.
bool ServerNode::admit_epoch(TimeUs now, const wire::Header& h, const wire::ServerMessage& body) {
  if (const auto* m = std::get_if<wire::DiscoverResponse>(&body)) {
    // A leader's own reply lets a newcomer join without an election (sticky mode's point).
    if (m->role == static_cast<std::uint8_t>(Role::kLeader) && h.epoch.leader == h.sender &&
        h.epoch > epoch_ && !is_leader()) {
      follow(now, h.epoch);
    }
    return false;
  }
  if (const auto* m = std::get_if<wire::Heartbeat>(&body)) {
    const bool from_leader = m->role == static_cast<std::uint8_t>(Role::kLeader);
    if (from_leader && h.epoch.leader != h.sender) return false;  // Malformed claim.
    if (h.epoch < epoch_) {
      if (from_leader) {
        // A deposed leader that has not heard the news: ignore its claim, tell it ours.
        ++stats_.stale_epoch_ignored;
        emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
        send(m->control, own_heartbeat());
      }
      return false;
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
    return h.epoch == epoch_;
  }
  if (std::holds_alternative<wire::Election>(body)) {
    if (!(h.sender < config_.id) || !peers_.count(h.sender)) return false;  // Only lower ids.
    // The candidate knows a newer epoch than ours: we (or the leader we follow) were deposed
    // without hearing of it. A follower that kept its deposed leader would answer "I have a
    // leader" and never take over, while the candidate refuses that leader for ever (found by
    // the swarm: a wiped node followed a stale leader after a heal, and the node holding the
    // newer epoch's entries stayed leaderless).
    if (has_leader() && h.epoch > epoch_) step_down_to(now, h.epoch);
    return true;
  }
  if (std::holds_alternative<wire::PreVote>(body)) {
    // Likewise for a pre-vote: a leader that lost a split election at its own term (same term,
    // lower id) and cannot hear the winner would refuse every pre-vote of the winner's
    // followers for ever, and they refuse its heartbeats (found by the swarm).
    if (has_leader() && h.epoch > epoch_ && peers_.count(h.sender)) step_down_to(now, h.epoch);
    return true;
  }
  if (std::holds_alternative<wire::Coordinator>(body)) {
    if (h.epoch.leader != h.sender || h.epoch.is_none()) return false;  // Only the winner.
    if (h.epoch < epoch_) {
      ++stats_.stale_epoch_ignored;
      emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
      return false;
    }
    // A new leader, or ours answering our election: it hears us.
    if (h.epoch > epoch_ || !has_leader()) follow(now, h.epoch);
    return true;
  }
  if (std::holds_alternative<wire::Resign>(body) || std::holds_alternative<wire::HandOver>(body)) {
    return has_leader() && !is_leader() && h.epoch == epoch_ && h.sender == epoch_.leader;
  }
  if (std::holds_alternative<wire::Replicate>(body)) return admit_leader_claim(now, h);
  if (std::holds_alternative<wire::Snapshot>(body)) {
    // Either a follower answering our recovery pull, or the leader re-basing us.
    if (is_leader() && h.epoch == epoch_) return true;
    return admit_leader_claim(now, h);
  }
  if (std::holds_alternative<wire::Nack>(body)) {
    // To a leader from its follower; to a follower from its new leader pulling its state.
    return h.epoch == epoch_ && (is_leader() || h.sender == epoch_.leader);
  }
  if (std::holds_alternative<wire::Ack>(body)) return h.epoch == epoch_ && is_leader();
  return true;  // DiscoverRequest, Answer: no epoch of their own.
}

// Leader-originated replication traffic: adopt a newer epoch, drop an older one.
bool ServerNode::admit_leader_claim(TimeUs now, const wire::Header& h) {
  if (h.epoch.is_none() || h.epoch.leader != h.sender) return false;
  if (h.epoch < epoch_) {
    ++stats_.stale_epoch_ignored;
    emit(now, NodeEventKind::kStaleEpochIgnored, h.sender, h.epoch);
    return false;
  }
  if (h.epoch > epoch_) follow(now, h.epoch);
  if (!has_leader()) return false;  // The leader we gave up on.
  heard_from(now, h.sender);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Time

void ServerNode::on_tick(TimeUs now) {
  if (stopped()) return;
  if (is_leader()) expire_peers(now);
  if (role_kind() == ServerRole::kFollowing && !leader_healthy(now)) {
    lose_leader(now, epoch_.leader);
  }
  election_timeouts(now);
  if (!has_leader() && !election_in_progress() && !draining_ && now >= next_election_allowed_us_) {
    start_election(now);
  }
  // Classic Bully: a node that sees a lower id leading takes over.
  if (config_.mode == ElectionMode::kClassic && role_kind() == ServerRole::kFollowing &&
      epoch_.leader < config_.id && now >= next_election_allowed_us_) {
    start_election(now);
  }
  if (now >= next_heartbeat_us_) {
    send_heartbeats(now);
    next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
  }
  if (now >= next_discovery_us_) send_discovery(now);
  if (is_leader()) update_followers(now);
  hand_over_tick(now);
  replica_.on_tick(now);
}

TimeUs ServerNode::next_tick_at() const {
  if (stopped()) return next_heartbeat_us_ + 3600 * kUsPerSecond;
  TimeUs next = std::min({next_heartbeat_us_, next_discovery_us_, replica_.next_tick_at()});
  if (const auto* c = std::get_if<role::Candidate>(&role_)) {
    next = std::min(next, c->deadline_us);
  } else if (!has_leader()) {
    next = std::min(next, next_election_allowed_us_);
  }
  if (const auto* f = std::get_if<role::Following>(&role_)) {
    const TimeUs heard = std::min(f->leader_heard_us, f->leader_listed_us);
    next = std::min(next, heard + config_.timing.heartbeat_timeout_us + 1);
  }
  return next;
}

void ServerNode::shutdown(TimeUs now) {
  if (stopped()) return;
  if (is_leader()) {
    for (const auto& [id, info] : peers_) send(info.control, wire::Resign{});
  }
  emit(now, NodeEventKind::kSteppedDown, {}, epoch_);
  become(now, role::Stopped{});
}

// ---------------------------------------------------------------------------------------------
// Observations

void ServerNode::emit(TimeUs now, NodeEventKind kind, const NodeId& peer, const Epoch& epoch) {
  outbox_.emit(node_event(now, kind, peer, epoch));
}

}  // namespace dp
