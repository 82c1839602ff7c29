// ServerNode: roles, epochs and the Bully election.
#include <algorithm>

#include "core/cluster/server_node.h"
#include "core/common/assert.h"

namespace dp {

void ServerNode::become(TimeUs, RoleState next) {
  const ServerRole from = role_kind();
  const auto to = static_cast<ServerRole>(next.index());
  DP_ASSERT(legal_transition(from, to), std::string("illegal role transition ") +
                                            server_role_name(from) + " -> " + server_role_name(to));
  role_ = next;
}

void ServerNode::observe_term(std::uint64_t term) { highest_term_ = std::max(highest_term_, term); }

void ServerNode::persist() {
  // Only a term some elected leader used is stored (epoch_ is always one).
  stored_term_ = std::max(stored_term_, epoch_.term);
  outbox_.persist(
      PersistentState{stored_term_, epoch_, peers_known_, config_.persisted.replacement});
}

void ServerNode::follow(TimeUs now, const Epoch& epoch) {
  if (is_leader()) emit(now, NodeEventKind::kSteppedDown, epoch.leader, epoch);
  observe_term(epoch.term);
  DP_ASSERT(epoch >= epoch_, "a node never follows an older epoch than it knows");
  const bool new_epoch = epoch != epoch_;
  epoch_ = epoch;
  become(now, role::Following{now, now});
  if (new_epoch) persist();
  emit(now, NodeEventKind::kFollowing, epoch.leader, epoch);
  auto leader_it = peers_.find(epoch.leader);
  replica_.become_following(now, epoch,
                            leader_it != peers_.end() ? leader_it->second.control : Endpoint{});
  // Greet the new leader at once so it lists us in its next heartbeat and learns how far our
  // replica got (a new leader pulls the state of a follower that is ahead of it).
  if (leader_it != peers_.end()) send(leader_it->second.control, own_heartbeat());
}

void ServerNode::become_leader(TimeUs now) {
  observe_term(highest_term_ + 1);
  DP_ASSERT(highest_term_ > epoch_.term, "a new leadership takes a term never used");
  become(now, role::Leading{});
  epoch_ = Epoch{highest_term_, config_.id};
  persist();
  election_attempt_ = 0;
  ++stats_.times_leader;
  emit(now, NodeEventKind::kBecameLeader, config_.id, epoch_);
  replica_.become_recovering(now, epoch_);
  update_followers(now);
  wire::Coordinator coordinator;
  coordinator.control = config_.endpoints.control;
  coordinator.client = config_.endpoints.client;
  for (const auto& [id, info] : peers_) send(info.control, coordinator);
  send_heartbeats(now);
  next_heartbeat_us_ = now + config_.timing.heartbeat_interval_us;
}

bool ServerNode::leader_healthy(TimeUs now) const {
  if (is_leader()) return true;
  const auto* f = std::get_if<role::Following>(&role_);
  if (f == nullptr) return false;
  const TimeUs timeout = config_.timing.heartbeat_timeout_us;
  return now - f->leader_heard_us <= timeout && now - f->leader_listed_us <= timeout;
}

void ServerNode::lose_leader(TimeUs now, const NodeId& suspect) {
  emit(now, NodeEventKind::kSuspectLeader, suspect, epoch_);
  become(now, role::Leaderless{});
  start_election(now);
}

void ServerNode::step_down_to(TimeUs now, const Epoch& newer) {
  // Called only with a leader (ourselves or the one we follow) that `newer` deposed.
  if (is_leader()) {
    emit(now, NodeEventKind::kSteppedDown, newer.leader, newer);
  } else {
    emit(now, NodeEventKind::kSuspectLeader, epoch_.leader, epoch_);
  }
  epoch_ = newer;
  become(now, role::Leaderless{});
  replica_.become_idle(now);
  persist();
}

void ServerNode::start_election(TimeUs now, bool pre_vote) {
  if (draining_) return;  // A drained server never leads again (until it restarts).
  if (now < next_election_allowed_us_) return;  // Backing off; on_tick retries later.
  // No term past the end of the range, ever (terms cannot get there: see kMaxTermJump).
  if (highest_term_ >= wire::kMaxTerm) return;
  become(now, role::Candidate{});
  replica_.become_idle(now);
  if (pre_vote && config_.mode == ElectionMode::kSticky && peers_known_ > 0) {
    auto& candidate = std::get<role::Candidate>(role_);
    candidate.pre_vote = true;
    candidate.deadline_us = now + config_.timing.answer_timeout_us;
    wire::PreVote ask;
    ask.control = config_.endpoints.control;
    for (const auto& [id, info] : peers_) send(info.control, ask);
    return;
  }
  begin_bully_round(now);
}

bool ServerNode::grants_pre_vote(TimeUs now, const NodeId&) const {
  if (is_leader()) return false;
  // Our leader was heard lately: it is alive as far as we know, so no election is needed. Half
  // the timeout: when a leader dies, its followers stop hearing it at the same moment, so by
  // the time the first of them suspects it the others have not heard it for as long.
  const auto* following = std::get_if<role::Following>(&role_);
  return following == nullptr ||
         now - following->leader_heard_us >= config_.timing.heartbeat_timeout_us / 2;
}

void ServerNode::begin_bully_round(TimeUs now) {
  std::get<role::Candidate>(role_).pre_vote = false;
  ++election_attempt_;
  ++stats_.elections_started;
  NodeEvent event = node_event(now, NodeEventKind::kElectionStarted);
  event.attempt = static_cast<std::uint32_t>(election_attempt_);
  outbox_.emit(event);
  int higher = 0;
  for (const auto& [id, info] : peers_) {
    if (config_.id < id) {
      send(info.control, wire::Election{});
      ++higher;
    }
  }
  if (higher == 0) {
    become_leader(now);
    return;
  }
  std::get<role::Candidate>(role_).deadline_us = now + config_.timing.answer_timeout_us;
}

void ServerNode::election_timeouts(TimeUs now) {
  const auto* c = std::get_if<role::Candidate>(&role_);
  if (c == nullptr || now < c->deadline_us) return;
  if (c->pre_vote) {
    // No majority granted: we are cut off from it, or its leader is alive. Hold no election;
    // ask again soon (a leader we can hear again wins us back meanwhile).
    ++stats_.pre_votes_refused;
    become(now, role::BackingOff{});
    next_election_allowed_us_ = now + config_.timing.answer_timeout_us / 2 +
                                rng_.range(0, config_.timing.answer_timeout_us);
    return;
  }
  if (!c->got_answer) {
    become_leader(now);
    return;
  }
  // A higher node answered but never announced itself: back off, then try again.
  become(now, role::BackingOff{});
  const int doublings = std::min(election_attempt_, 8);
  TimeUs backoff = config_.timing.answer_timeout_us << doublings;
  backoff = std::min(backoff, config_.timing.election_backoff_max_us);
  backoff += rng_.range(0, config_.timing.answer_timeout_us);
  next_election_allowed_us_ = now + backoff;
}

}  // namespace dp
