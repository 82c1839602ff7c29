// ServerNode: one handler per message type. Each runs only for a message admit_epoch()
// accepted, so none compares epochs.
#include <algorithm>

#include "core/cluster/server_node.h"

namespace dp {

using wire::Role;

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header&, const wire::DiscoverRequest& m) {
  const bool asker_is_server = m.asker_role != static_cast<std::uint8_t>(Role::kClient);
  wire::DiscoverResponse reply;
  reply.role = static_cast<std::uint8_t>(role());
  reply.control = config_.endpoints.control;
  reply.client = config_.endpoints.client;
  // For clients (servers do not use it). A leader names the identity only once it serves: a
  // leader alone on a minority side (its state never replicated) must not look to clients
  // like a rebuilt cluster.
  if (!asker_is_server && (!is_leader() || replica_.hosting())) {
    if (Epoch identity = replica_.services().identity(); !identity.is_none()) {
      reply.identity.push_back(identity);
    }
  }
  reply.sessions = (!asker_is_server && sessions_.enabled()) ? 1 : 0;
  if (is_leader()) {
    reply.leader_client = config_.endpoints.client;
  } else if (has_leader()) {
    if (auto it = peers_.find(epoch_.leader); it != peers_.end()) {
      reply.leader_client = it->second.client;
    }
  }
  if (asker_is_server) {
    send(m.control, reply);
  } else {
    answer_client(now, m.client, reply);
  }
}

// Everything was done on admission (membership, and following a newer leader).
void ServerNode::handle(TimeUs, Endpoint, const wire::Header&, const wire::DiscoverResponse&) {}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Heartbeat& m) {
  const bool from_leader = m.role == static_cast<std::uint8_t>(Role::kLeader);
  if (!from_leader && is_leader()) {
    replica_.on_follower_position(now, h.sender, Position{m.synced_epoch, m.applied_seq},
                                  static_cast<Standing>(m.standing));
    // A follower on our stream says how far it applied it: as good as an ACK, and it comes
    // every heartbeat, so a lost ACK cannot leave an entry (or a new epoch's base) unconfirmed.
    if (m.synced_epoch == epoch_) {
      wire::Ack ack;
      ack.applied_seq = m.applied_seq;
      replica_.on_ack(now, h.sender, ack);
    }
  }
  const bool lists_us = std::find(m.hears.begin(), m.hears.end(), config_.id) != m.hears.end();
  // A leader we gave up on wins us back with the same epoch only once it hears us again (it
  // lists us): a leader that is deaf to us must not pull us back and forth. In classic mode a
  // candidate taking over from a lower leader goes on: pulled back at each heartbeat, it never
  // finished its election (found by the swarm).
  const bool taking_over = config_.mode == ElectionMode::kClassic && election_in_progress() &&
                           h.epoch.leader < config_.id;
  if (from_leader && !has_leader() && lists_us && !taking_over) follow(now, h.epoch);
  if (!from_leader || !has_leader()) return;
  // A heartbeat from our own leader.
  replica_.set_leader_control(m.control);
  note_leader_size_claim(m.servers_known);
  auto& following = std::get<role::Following>(role_);
  following.leader_heard_us = now;
  election_attempt_ = 0;
  if (lists_us) following.leader_listed_us = now;
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Election&) {
  // A drained follower stays out of elections: the candidate wins when no answer comes.
  if (draining_ && !is_leader()) return;
  const auto it = peers_.find(h.sender);
  const bool sticky = config_.mode == ElectionMode::kSticky;
  const bool healthy = is_leader() || (has_leader() && leader_healthy(now));
  wire::Answer answer;
  answer.has_leader = (sticky && healthy) ? 1 : 0;
  send(it->second.control, answer);
  if (sticky && is_leader()) {
    // A healthy leader re-announces itself instead of holding a new election.
    wire::Coordinator coordinator;
    coordinator.control = config_.endpoints.control;
    coordinator.client = config_.endpoints.client;
    send(it->second.control, coordinator);
    return;
  }
  if (sticky && healthy) return;
  // The lower candidate passed its pre-vote (a majority lost the leader): no need for ours.
  if (auto* candidate = std::get_if<role::Candidate>(&role_); candidate && candidate->pre_vote) {
    begin_bully_round(now);
  } else if (!election_in_progress()) {
    start_election(now, /*pre_vote=*/false);
  }
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::PreVote& m) {
  wire::PreVoteReply reply;
  reply.granted = grants_pre_vote(now, h.sender) ? 1 : 0;
  send(m.control, reply);
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::PreVoteReply& m) {
  auto* candidate = std::get_if<role::Candidate>(&role_);
  if (candidate == nullptr || !candidate->pre_vote || m.granted == 0) return;
  auto granted = candidate->granted.begin();
  auto granted_end = granted + candidate->grants;
  if (std::find(granted, granted_end, h.sender) != granted_end) return;
  if (candidate->grants < candidate->granted.size()) {
    candidate->granted[candidate->grants++] = h.sender;
  }
  if (candidate->grants + 1 >= majority()) begin_bully_round(now);
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Answer&) {
  auto* candidate = std::get_if<role::Candidate>(&role_);
  if (candidate == nullptr || !(config_.id < h.sender)) return;
  if (!candidate->got_answer) {
    candidate->got_answer = true;
    candidate->deadline_us = now + config_.timing.coordinator_timeout_us;
  }
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header&, const wire::Coordinator&) {
  if (auto* following = std::get_if<role::Following>(&role_)) following->leader_heard_us = now;
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Resign&) {
  // It is gone for good: forget it, so the next-highest node need not wait for its answer. It
  // said so itself (signed), so no pre-vote: its followers all lose it at once.
  peers_.erase(h.sender);
  emit(now, NodeEventKind::kSuspectLeader, h.sender, epoch_);
  become(now, role::Leaderless{});
  start_election(now, /*pre_vote=*/false);
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header&, const wire::Replicate& m) {
  std::get<role::Following>(role_).leader_heard_us = now;
  replica_.on_replicate(now, m);
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Snapshot& m) {
  replica_.on_snapshot(now, h.sender, m);
}

void ServerNode::handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Nack& m) {
  if (is_leader()) heard_from(now, h.sender);
  replica_.on_nack(now, h.sender, from, m);
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::Ack& m) {
  heard_from(now, h.sender);
  replica_.on_ack(now, h.sender, m);
  hand_over_tick(now);
}

void ServerNode::update_followers(TimeUs now) {
  FollowerSet live;
  for (const auto& [id, info] : peers_) {
    // Only peers that follow our epoch are followers: a deposed leader that cannot hear us
    // (it still heartbeats its old epoch) would never ACK and only soak up retransmissions.
    if (info.alive && info.epoch == epoch_ &&
        now - info.last_heard_us <= config_.timing.heartbeat_timeout_us) {
      live[id] = info.control;
    }
  }
  replica_.set_followers(now, live, peers_known_);
}

}  // namespace dp
