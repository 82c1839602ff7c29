// ServerNode: an operator's control requests (the ctl tool: status, move-leader, drain) and the
// hand-over of the leadership to a chosen follower.
//
// A hand-over (Raft's leadership transfer, without its log comparison: the leader waits for
// the successor itself): the leader picks a live follower and waits until it acknowledged
// every committed entry, then sends it HAND-OVER in its epoch. The successor takes over at
// once, as if it had won an election: a new epoch, COORDINATOR to every peer, and the usual
// recovery, so nothing committed can be lost. The old leader follows it on that COORDINATOR
// and keeps ordering entries meanwhile, so the players see no pause but the new leader's
// first state. A hand-over that does not finish within kHandOverTimeoutUs is given up.
#include <algorithm>

#include "core/cluster/server_node.h"
#include "core/wire/decode_counted.h"

namespace dp {

using wire::CtlCommand;
using wire::CtlOutcome;

void ServerNode::on_control_request(TimeUs now, Channel channel, Endpoint from,
                                    const SealedParts& parts) {
  const wire::Header& h = header_;
  // With a cluster key, only a holder of the key may ask, sealed like a server's datagram (its
  // election mode included) and each request once; without one, only unsealed requests,
  // answered no larger than they are.
  if (auth_.keyed()) {
    if (auto error = auth_.verify(h.sender, parts)) {
      refuse(now, channel, decode_error_of(*error));
      return;
    }
  } else if (!parts.trailer.empty()) {
    refuse(now, channel, wire::DecodeError::kBadTag);
    return;
  }
  wire::ControlMessage message;
  if (auto error = wire::decode_message(h.type, wire::body_of(parts.message), message)) {
    wire::count_rejection(now, channel, *error, stats_, outbox_);
    return;
  }
  const auto* request = std::get_if<wire::CtlRequest>(&message);
  if (request == nullptr) {  // A server's answer sent to a server.
    wire::count_rejection(now, channel, wire::DecodeError::kWrongChannel, stats_, outbox_);
    return;
  }
  ++stats_.control_requests;
  const auto command = static_cast<CtlCommand>(request->command);
  if (command == CtlCommand::kStatus) {
    wire::CtlStatus status = this->status(now);
    status.nonce = request->nonce;
    answer_operator(now, from, status);
    return;
  }
  std::string detail;
  const CtlOutcome outcome = command == CtlCommand::kMoveLeader
                                 ? move_leader(now, request->target, detail)
                                 : drain(now, detail);
  wire::CtlResult result;
  result.nonce = request->nonce;
  result.command = request->command;
  result.outcome = static_cast<std::uint8_t>(outcome);
  result.detail.assign(detail);
  answer_operator(now, from, result);
}

wire::CtlStatus ServerNode::status(TimeUs now) const {
  wire::CtlStatus s;
  s.role = static_cast<std::uint8_t>(role_kind());
  s.draining = draining_ ? 1 : 0;
  s.applied_seq = replica_.applied_seq();
  s.commit_seq = replica_.commit_seq();
  for (const auto& [id, service] : replica_.services().all()) {
    const Occupancy o = service->occupancy();
    s.groups += o.groups;
    s.members += o.members;
    s.watchers += o.watchers;
  }
  s.uptime_ms = static_cast<std::uint64_t>(std::max<TimeUs>(0, now - started_at_us_) / kUsPerMs);
  for (const auto& [id, info] : peers_) s.peers_alive += info.alive ? 1 : 0;
  s.version.assign(config_.version);
  if (is_leader()) {
    for (const auto& [id, link] : replica_.sequencer().followers()) {
      if (s.followers.size() == s.followers.kCapacity) break;
      const auto peer = peers_.find(id);
      s.followers.push_back(wire::FollowerProgress{
          id, link.acked, static_cast<std::uint8_t>(peer != peers_.end() && peer->second.alive)});
    }
  }
  return s;
}

CtlOutcome ServerNode::move_leader(TimeUs now, const NodeId& successor, std::string& detail) {
  if (!is_leader()) {
    detail = has_leader() ? "not the leader; " + epoch_.leader.short_str() + " leads"
                          : "not the leader, and no leader known";
    return CtlOutcome::kNotLeader;
  }
  if (successor == config_.id) {
    detail = "already the leader";
    return CtlOutcome::kDone;
  }
  const auto peer = peers_.find(successor);
  if (peer == peers_.end() || !peer->second.alive || peer->second.epoch != epoch_) {
    detail = "no live follower " + successor.short_str();
    return CtlOutcome::kUnknownTarget;
  }
  if (config_.mode == ElectionMode::kClassic) {
    // Classic Bully: a higher id that sees a lower one lead takes over at once.
    const bool highest = std::none_of(peers_.begin(), peers_.end(), [&](const auto& p) {
      return p.second.alive && successor < p.first;
    });
    if (!highest || successor < config_.id) {
      detail = "classic mode elects the highest id: only the highest live server may lead";
      return CtlOutcome::kRefused;
    }
  }
  if (replica_.recovering()) {
    detail = "still recovering its epoch; try again";
    return CtlOutcome::kRefused;
  }
  hand_over_ = HandOverState{successor, now + kHandOverTimeoutUs, 0, -1};
  emit(now, NodeEventKind::kHandOverStarted, successor, epoch_);
  hand_over_tick(now);
  detail = "handing over to " + successor.short_str();
  return CtlOutcome::kStarted;
}

CtlOutcome ServerNode::drain(TimeUs now, std::string& detail) {
  if (!is_leader()) {
    draining_ = true;
    detail = "draining: will not lead";
    return CtlOutcome::kDone;
  }
  // The follower furthest along (the highest id among equals) takes over.
  const NodeId* best = nullptr;
  std::uint64_t best_acked = 0;
  for (const auto& [id, link] : replica_.sequencer().followers()) {
    const auto peer = peers_.find(id);
    if (peer == peers_.end() || !peer->second.alive || peer->second.epoch != epoch_) continue;
    if (best == nullptr || link.acked >= best_acked) {
      best = &id;
      best_acked = link.acked;
    }
  }
  if (best == nullptr) {
    detail = "no live follower to hand over to";
    return CtlOutcome::kRefused;
  }
  const NodeId successor = *best;
  const CtlOutcome outcome = move_leader(now, successor, detail);
  if (outcome == CtlOutcome::kStarted) draining_ = true;
  return outcome;
}

void ServerNode::hand_over_tick(TimeUs now) {
  if (!hand_over_) return;
  const bool held_too_long =
      hand_over_->held_since_us >= 0 && now - hand_over_->held_since_us >= kHandOverHoldUs;
  if (!is_leader() || now >= hand_over_->deadline_us || held_too_long) {
    if (is_leader()) emit(now, NodeEventKind::kHandOverAbandoned, hand_over_->successor, epoch_);
    hand_over_.reset();
    replica_.hold_ordering(false);
    return;
  }
  const auto& links = replica_.sequencer().followers();
  const auto link = links.find(hand_over_->successor);
  const auto peer = peers_.find(hand_over_->successor);
  if (link == links.end() || peer == peers_.end()) return;  // Not heard lately: wait.
  if (hand_over_->held_since_us < 0) {
    // First let it catch up with what is committed while play goes on; then stop ordering
    // (briefly: a successor that does not take over soon is given up) so it can hold it all.
    if (link->second.acked < replica_.commit_seq()) return;
    hand_over_->held_since_us = now;
    replica_.hold_ordering(true);
  }
  if (now < hand_over_->next_send_us || link->second.acked < replica_.sequencer().last_seq()) {
    return;
  }
  wire::HandOver message;
  message.successor = hand_over_->successor;
  message.commit_seq = replica_.commit_seq();
  send(peer->second.control, message);
  hand_over_->next_send_us = now + config_.timing.heartbeat_interval_us;
}

void ServerNode::handle(TimeUs now, Endpoint, const wire::Header& h, const wire::HandOver& m) {
  // Only the successor it names, holding everything committed, and willing to lead.
  if (m.successor != config_.id || draining_ || replica_.applied_seq() < m.commit_seq) return;
  emit(now, NodeEventKind::kTookOver, h.sender, epoch_);
  become(now, role::Candidate{});
  replica_.become_idle(now);
  become_leader(now);
}

}  // namespace dp
