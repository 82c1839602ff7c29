// A cluster server: discovery, two-way heartbeats, epoch-safe Bully election, and the log
// replica with its services, composed into one Node.
//
// Pure state machine: the driver calls start(), on_datagram() and on_tick() with the current
// time, then drains outbox(). Query methods report what the node believes, for the
// simulator's timeline and invariant checks and for the server's logs.
//
// A datagram enters through one path (on_datagram): header, then the channel whitelist, then
// the body; then the sender's membership is noted, and the epoch is checked once, in
// admit_epoch(), which adopts a newer leadership, answers a stale one, or refuses the
// message; only then does a handler run. Handlers never compare epochs themselves.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/config.h"
#include "core/cluster/roles.h"
#include "core/common/node.h"
#include "core/common/rng.h"
#include "core/replication/log_replica.h"
#include "core/security/datagram_auth.h"
#include "core/security/reply_limiter.h"
#include "core/wire/codec.h"
#include "core/wire/send.h"

namespace dp {

struct ServerStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_rejected = 0;
  // Indexed by wire::DecodeError value.
  std::array<std::uint64_t, wire::kMaxDecodeErrorValue + 1> rejected_by_error{};
  std::uint64_t stale_epoch_ignored = 0;
  std::uint64_t source_mismatch = 0;  // Body endpoints not matching the sender (dropped).
  // Refused by authentication or the term bound (also counted in rejected_by_error).
  std::uint64_t auth_refused = 0;
  std::uint64_t pre_votes_refused = 0;  // Our pre-votes that found no majority.
  // Client requests left unanswered: the answer would have been larger than the request, or
  // the address asked more often than ReplyLimiter allows.
  std::uint64_t unpadded_requests = 0;
  std::uint64_t replies_rate_limited = 0;
  std::uint64_t sessions_granted = 0;
  std::uint64_t sessions_refused = 0;  // Requests for an id that is not their key's, or unkeyed.
  std::uint64_t elections_started = 0;
  std::uint64_t times_leader = 0;
  std::uint64_t control_requests = 0;  // An operator's control requests, admitted.
};

struct PeerInfo {
  Endpoint control;
  Endpoint client;
  TimeUs last_heard_us = 0;
  bool alive = false;
  wire::Role role = wire::Role::kFollower;
  std::uint64_t applied_seq = 0;
  Epoch epoch;  // The epoch the peer last said it follows or leads.
  // Datagrams heard from it (saturating). Only a peer heard repeatedly counts towards the
  // cluster's size: a corrupted or forged datagram names a server just once.
  std::uint32_t datagrams_heard = 0;
};

class ServerNode final : public Node {
 public:
  ServerNode(const ServerConfig& config, std::vector<std::unique_ptr<Service>> services);

  void start(TimeUs now) override;
  void on_datagram(TimeUs now, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override;
  void on_tick(TimeUs now) override;
  // Clean shutdown: a leader hands over (RESIGN) so its successor need not wait for the
  // heartbeat timeout. The node ignores every input afterwards.
  void shutdown(TimeUs now);
  bool stopped() const { return role_kind() == ServerRole::kStopped; }
  TimeUs next_tick_at() const override;

  const NodeId& id() const { return config_.id; }
  ServerRole role_kind() const { return static_cast<ServerRole>(role_.index()); }
  wire::Role role() const { return wire_role(role_kind()); }
  bool is_leader() const { return role_kind() == ServerRole::kLeading; }
  bool has_leader() const { return is_leader() || role_kind() == ServerRole::kFollowing; }
  // The epoch this node leads or follows; none while it has no leader.
  Epoch epoch() const { return has_leader() ? epoch_ : Epoch{}; }
  // The newest epoch this node has led or followed, kept while it looks for a new leader so
  // that the leader it gave up on cannot win it back with the same epoch.
  const Epoch& known_epoch() const { return epoch_; }
  // Highest term seen anywhere (persisted across crashes).
  std::uint64_t highest_term() const { return highest_term_; }
  const std::map<NodeId, PeerInfo>& peers() const { return peers_; }
  // The most other servers this node has known of (see PersistentState::peers_known).
  std::uint32_t peers_known() const { return peers_known_; }
  const ServerStats& stats() const { return stats_; }
  const ServerConfig& config() const { return config_; }
  const LogReplica& replica() const { return replica_; }

  // An operator's requests (operator_control.cc), also reachable over the control family.
  wire::CtlStatus status(TimeUs now) const;
  // The leader hands over to `successor`, a live follower, once it holds every committed
  // entry; `detail` says what happened in words.
  wire::CtlOutcome move_leader(TimeUs now, const NodeId& successor, std::string& detail);
  // Hand over to the follower furthest along if leading, then never lead (nor answer an
  // election) until restarted: ready to stop.
  wire::CtlOutcome drain(TimeUs now, std::string& detail);
  bool draining() const { return draining_; }
  // A hand-over is given up after kHandOverTimeoutUs, or once the leader held back its
  // entries for kHandOverHoldUs without the successor taking over (the players' longest
  // pause a hand-over can cost).
  static constexpr TimeUs kHandOverTimeoutUs = kUsPerSecond;
  static constexpr TimeUs kHandOverHoldUs = 100 * kUsPerMs;

 private:
  void on_control_request(TimeUs now, Channel channel, Endpoint from, const SealedParts& parts);
  void hand_over_tick(TimeUs now);
  static wire::DecodeError decode_error_of(AuthError error);
  // Entry: the epoch checked once (server_node.cc).
  bool admit_epoch(TimeUs now, const wire::Header& h, const wire::ServerMessage& body);
  bool admit_leader_claim(TimeUs now, const wire::Header& h);
  // Authentication and the term bound, before anything else looks at the datagram; false
  // (counted) to drop it. `client_discovery` is set for a client's unsigned discovery request.
  bool admit_signed(TimeUs now, Channel channel, const SealedParts& parts, bool& client_discovery);
  bool refuse(TimeUs now, Channel channel, wire::DecodeError error);
  // A client's request (a service's family): its session checked when the cluster has a key.
  void on_client_request(TimeUs now, Channel channel, Endpoint from, const SealedParts& parts);
  bool admit_session(TimeUs now, Channel channel, const SealedParts& parts);
  void grant_session(TimeUs now, Channel channel, Endpoint from, const SealedParts& parts);
  static bool body_matches_source(const wire::ServerMessage& body, Endpoint from);
  void note_sender(TimeUs now, const wire::Header& h, const wire::ServerMessage& body);

  // Handlers (server_handlers.cc), one per message type, for admitted messages.
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::DiscoverRequest& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::DiscoverResponse& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Heartbeat& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Election& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Answer& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Coordinator& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::PreVote& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::PreVoteReply& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Resign& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Replicate& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Ack& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Nack& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::Snapshot& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::HandOver& m);
  void update_followers(TimeUs now);

  // Membership (membership.cc).
  PeerInfo& note_peer(TimeUs now, const NodeId& peer, Endpoint control, Endpoint client);
  void expire_peers(TimeUs now);
  void update_peers_known();
  void note_leader_size_claim(std::uint32_t servers_known);
  void heard_from(TimeUs now, const NodeId& peer);
  static constexpr std::uint32_t kDatagramsToCount = 3;

 public:
  // How far ahead of the highest term this node has seen a datagram's term may be (once it has
  // seen one): a larger jump is refused, so no datagram can push the cluster's terms towards
  // the end of their range. A million elections: no cluster gets there while one is down.
  static constexpr std::uint64_t kMaxTermJump = std::uint64_t{1} << 20;

 private:
  // Roles and the Bully election (election.cc).
  void become(TimeUs now, RoleState next);
  void observe_term(std::uint64_t term);
  void persist();
  void follow(TimeUs now, const Epoch& epoch);
  void become_leader(TimeUs now);
  void lose_leader(TimeUs now, const NodeId& suspect);
  void step_down_to(TimeUs now, const Epoch& newer);
  bool leader_healthy(TimeUs now) const;
  // `pre_vote`: ask the peers first (sticky mode); an ELECTION from a lower id that already
  // passed its pre-vote starts ours without one.
  void start_election(TimeUs now, bool pre_vote = true);
  void begin_bully_round(TimeUs now);
  bool grants_pre_vote(TimeUs now, const NodeId& candidate) const;
  std::uint32_t majority() const { return (peers_known_ + 1) / 2 + 1; }
  void election_timeouts(TimeUs now);
  bool election_in_progress() const { return role_kind() == ServerRole::kCandidate; }

  // Periodic sends (membership.cc).
  void send_heartbeats(TimeUs now);
  // Our role, endpoints, replica position and cluster size (a leader adds whom it hears).
  wire::Heartbeat own_heartbeat() const;
  void send_discovery(TimeUs now);

  // To another server: sealed (signed with the cluster key, and our election mode).
  template <class Msg>
  void send(Endpoint to, const Msg& msg) {
    if (wire::send_message(outbox_, config_.id, epoch_, Channel::kControl, to, msg)) {
      outbox_.seal_last();
    }
  }
  // To a client (which has no cluster key), answering a request of request_size_ bytes:
  // never more bytes than the request (no amplification), never too often per address.
  template <class Msg>
  void answer_client(TimeUs now, Endpoint to, const Msg& msg, Channel from = Channel::kControl) {
    if (!wire::send_message(outbox_, config_.id, epoch_, from, to, msg)) return;
    if (outbox_.datagrams().back().size > request_size_) {
      outbox_.drop_last();
      ++stats_.unpadded_requests;
    } else if (!reply_limiter_.allow(to.ip, now)) {
      outbox_.drop_last();
      ++stats_.replies_rate_limited;
    }
  }
  // To an operator: a keyed request proved it holds the key, so no limit on the answer; an
  // unkeyed one is answered like a client.
  template <class Msg>
  void answer_operator(TimeUs now, Endpoint to, const Msg& msg) {
    if (auth_.keyed()) {
      wire::send_message(outbox_, config_.id, epoch_, Channel::kControl, to, msg);
    } else {
      answer_client(now, to, msg);
    }
  }
  template <class Msg>
  void broadcast(const Msg& msg) {
    if (wire::broadcast_message(outbox_, config_.id, epoch_, Channel::kControl,
                                config_.endpoints.discovery_port, msg)) {
      outbox_.seal_last();
    }
  }
  void emit(TimeUs now, NodeEventKind kind, const NodeId& peer = {}, const Epoch& epoch = {});

  ServerConfig config_;
  Rng rng_;
  ServerStats stats_;
  DatagramAuth auth_;
  SessionIssuer sessions_;
  // Answers to clients' discovery requests: 20 a second per address, bursts of 40.
  ReplyLimiter reply_limiter_{20, 40};
  std::size_t request_size_ = 0;  // Of the datagram being handled.
  LogReplica replica_;
  wire::Header header_;  // Reused decode targets.
  wire::ServerMessage message_;

  RoleState role_;
  Epoch epoch_;
  std::uint32_t peers_known_ = 0;  // See PersistentState::peers_known.
  // The cluster size our leader last claimed, and how many heartbeats in a row claimed it
  // (adopted only when repeated, like a peer: one corrupted datagram must not inflate it).
  std::uint32_t leader_size_claim_ = 0;
  std::uint32_t leader_size_claims_ = 0;
  std::uint64_t highest_term_ = 0;  // Highest term seen in an admitted datagram (memory only).
  // Highest term of an epoch this node led or followed: the only term it stores, so a term no
  // elected leader used never reaches the disk.
  std::uint64_t stored_term_ = 0;
  std::map<NodeId, PeerInfo> peers_;  // Bounded: wire::kMaxServers.

  TimeUs started_at_us_ = 0;
  TimeUs next_heartbeat_us_ = 0;
  TimeUs next_discovery_us_ = 0;
  TimeUs last_discovery_us_ = 0;
  // A hand-over under way (operator_control.cc): to whom, until when, next HAND-OVER sent.
  struct HandOverState {
    NodeId successor;
    TimeUs deadline_us = 0;
    TimeUs next_send_us = 0;
    TimeUs held_since_us = -1;  // Since when the leader orders nothing new; -1: not yet.
  };
  std::optional<HandOverState> hand_over_;
  bool draining_ = false;
  // Election back-off, across attempts and roles.
  int election_attempt_ = 0;
  TimeUs next_election_allowed_us_ = 0;
};

}  // namespace dp
