// A cluster server: discovery, two-way heartbeats, epoch-safe Bully election (and, from the
// replication layer on, the sequencer and the rooms), composed into one Node.
//
// Pure state machine: the driver calls start(), on_datagram() and on_tick() with the current
// time, then drains outbox(). Query methods report what the node believes, for the
// simulator's timeline and invariant checks and for the server's logs.
#pragma once

#include <array>
#include <cstdint>
#include <map>

#include "core/cluster/config.h"
#include "core/common/node.h"
#include "core/common/rng.h"
#include "core/replication/room_service.h"
#include "core/wire/codec.h"

namespace dp {

struct ServerStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_rejected = 0;
  // Indexed by wire::DecodeError value.
  std::array<std::uint64_t, wire::kMaxDecodeErrorValue + 1> rejected_by_error{};
  std::uint64_t stale_epoch_ignored = 0;
  std::uint64_t source_mismatch = 0;  // Body endpoints not matching the sender (dropped).
  std::uint64_t elections_started = 0;
  std::uint64_t times_leader = 0;
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
  explicit ServerNode(const ServerConfig& config);

  void start(TimeUs now) override;
  void on_datagram(TimeUs now, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override;
  void on_tick(TimeUs now) override;
  // Clean shutdown: a leader hands over (RESIGN) so its successor need not wait for the
  // heartbeat timeout. The node ignores every input afterwards.
  void shutdown(TimeUs now);
  bool stopped() const { return stopped_; }
  TimeUs next_tick_at() const override;

  const NodeId& id() const { return config_.id; }
  wire::Role role() const { return role_; }
  bool is_leader() const { return role_ == wire::Role::kLeader; }
  // The epoch this node leads or follows; none while it has no leader.
  Epoch epoch() const { return has_leader() ? epoch_ : Epoch{}; }
  // The newest epoch this node has led or followed, kept while it looks for a new leader so
  // that the leader it gave up on cannot win it back with the same epoch.
  const Epoch& known_epoch() const { return epoch_; }
  // Highest term seen anywhere (persisted across crashes).
  std::uint64_t highest_term() const { return highest_term_; }
  bool has_leader() const {
    return role_ == wire::Role::kLeader || (role_ == wire::Role::kFollower && following_);
  }
  const std::map<NodeId, PeerInfo>& peers() const { return peers_; }
  // The most other servers this node has known of (see PersistentState::peers_known).
  std::uint32_t peers_known() const { return peers_known_; }
  const ServerStats& stats() const { return stats_; }
  const ServerConfig& config() const { return config_; }
  const RoomService& rooms() const { return rooms_; }

 private:
  // Message handlers (one per type).
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::DiscoverRequest& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::DiscoverResponse& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::Heartbeat& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::Election& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Answer& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::Coordinator& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Resign& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::Replicate& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Ack& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Nack& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h,
              const wire::Snapshot& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Join& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Input& m);
  void handle(TimeUs now, Channel ch, Endpoint from, const wire::Header& h, const wire::Leave& m);
  void handle(TimeUs, Channel, Endpoint, const wire::Header&, const wire::RoomState&) {}
  // Leader-originated replication traffic: adopt a newer epoch, drop an older one.
  // Returns true if the message belongs to our current epoch.
  bool accept_leader_message(TimeUs now, const wire::Header& h);
  void update_followers(TimeUs now);
  static bool body_matches_source(const wire::Message& body, Endpoint from);

  // Membership.
  PeerInfo& note_peer(TimeUs now, const NodeId& peer, Endpoint control, Endpoint client);
  void expire_peers(TimeUs now);
  void update_peers_known();
  void note_leader_size_claim(std::uint32_t servers_known);
  static constexpr std::uint32_t kDatagramsToCount = 3;
  // Epochs and roles.
  void observe_term(std::uint64_t term);
  void persist();
  void follow(TimeUs now, const Epoch& epoch);
  void become_leader(TimeUs now);
  void lose_leader(TimeUs now, const NodeId& suspect);
  bool leader_healthy(TimeUs now) const;
  // Election.
  void start_election(TimeUs now);
  void election_timeouts(TimeUs now);
  // Periodic sends.
  void send_heartbeats(TimeUs now);
  // Our role, endpoints, replica position and cluster size (a leader adds whom it hears).
  wire::Heartbeat own_heartbeat() const;
  void send_discovery(TimeUs now);

  template <class Msg>
  void send(Channel from, Endpoint to, const Msg& msg);
  template <class Msg>
  void broadcast(const Msg& msg);
  void emit(TimeUs now, NodeEventKind kind, const NodeId& peer = {}, const Epoch& epoch = {},
            std::int64_t a = 0, std::int64_t b = 0);

  ServerConfig config_;
  Rng rng_;
  wire::Decoded scratch_;  // Reused decode target.
  ServerStats stats_;
  RoomService rooms_;

  wire::Role role_ = wire::Role::kFollower;
  Epoch epoch_;
  bool following_ = false;
  bool stopped_ = false;
  std::uint32_t peers_known_ = 0;  // See PersistentState::peers_known.
  // The cluster size our leader last claimed, and how many heartbeats in a row claimed it
  // (adopted only when repeated, like a peer: one corrupted datagram must not inflate it).
  std::uint32_t leader_size_claim_ = 0;
  std::uint32_t leader_size_claims_ = 0;
  std::uint64_t highest_term_ = 0;
  std::map<NodeId, PeerInfo> peers_;

  TimeUs started_at_us_ = 0;
  TimeUs leader_heard_us_ = 0;   // Last message from our leader in our epoch.
  TimeUs leader_listed_us_ = 0;  // Last leader heartbeat that listed us as heard.
  TimeUs next_heartbeat_us_ = 0;
  TimeUs next_discovery_us_ = 0;
  TimeUs last_discovery_us_ = 0;
  // Election state. election_deadline_us_ is 0 when no election is in progress.
  TimeUs election_deadline_us_ = 0;
  bool got_answer_ = false;
  int election_attempt_ = 0;
  TimeUs next_election_allowed_us_ = 0;
};

}  // namespace dp
