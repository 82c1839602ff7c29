// Message bodies of the cluster protocols: discovery, heartbeats and Bully election.
// The epoch and the sender travel in the header (see header.h), not in these bodies.
#pragma once

#include <cstdint>

#include "core/common/position.h"
#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"

namespace dp::wire {

// Upper bound on servers in one cluster; bounds every membership list on the wire.
constexpr std::size_t kMaxServers = 32;

enum class Role : std::uint8_t { kFollower = 0, kCandidate = 1, kLeader = 2, kClient = 3 };
constexpr std::uint8_t kMaxRoleValue = 3;
const char* role_name(Role role);

// Broadcast by a server or client looking for the cluster. Servers also learn the asker.
// A client pads its request (client_discover_request()) so that no answer is larger than the
// question: a spoofed request cannot make a server send more bytes to a victim than it took.
constexpr std::size_t kDiscoverPaddingMax = 128;
constexpr std::size_t kClientDiscoverPadding = 96;
struct DiscoverRequest {
  static constexpr MsgType kType = MsgType::kDiscoverRequest;
  std::uint8_t asker_role = 0;  // A Role value.
  Endpoint control;             // Asker's control endpoint (servers); unset for clients.
  Endpoint client;              // Asker's client endpoint, where replies go for clients.
  FixedVec<std::uint8_t, kDiscoverPaddingMax> padding;  // Zeros.
  template <class A>
  void serialize(A& ar) {
    ar(asker_role, control, client, padding);
  }
  bool valid() const { return asker_role <= kMaxRoleValue; }
};
// What every client sends: its endpoint, padded.
inline DiscoverRequest client_discover_request(Endpoint client) {
  DiscoverRequest request;
  request.asker_role = static_cast<std::uint8_t>(Role::kClient);
  request.client = client;
  for (std::size_t i = 0; i < kClientDiscoverPadding; ++i) request.padding.push_back(0);
  return request;
}

// Unicast reply to a DiscoverRequest. The header's epoch names the leader the responder
// follows (or is), so a newcomer can join without an election.
struct DiscoverResponse {
  static constexpr MsgType kType = MsgType::kDiscoverResponse;
  std::uint8_t role = 0;
  Endpoint control;
  Endpoint client;
  Endpoint leader_client;  // Client endpoint of the known leader; unset if none.
  // To clients: the cluster's identity (the epoch that founded its replicated state), absent
  // if not known yet. A client that finds another identity than its cluster's knows the
  // cluster was rebuilt from empty disks, whose epochs start again from 1. (One byte when
  // absent: servers asking each other do not pay for it.)
  FixedVec<Epoch, 1> identity;
  Epoch identity_or_none() const { return identity.empty() ? Epoch{} : identity[0]; }
  // 1: the cluster has a key, and takes client requests only within a session
  // (session_messages.h).
  std::uint8_t sessions = 0;
  template <class A>
  void serialize(A& ar) {
    ar(role, control, client, leader_client, identity, sessions);
  }
  bool valid() const { return role <= kMaxRoleValue && sessions <= 1; }
};

// Sent every heartbeat interval: leader to each follower and follower to its leader (and,
// while leaderless, to every known peer). A leader lists the followers it currently hears,
// so a follower whose own heartbeats do not get through (a one-way partition) notices.
struct Heartbeat {
  static constexpr MsgType kType = MsgType::kHeartbeat;
  std::uint8_t role = 0;
  Endpoint control;
  Endpoint client;
  std::uint64_t applied_seq = 0;        // Follower: last replicated event applied.
  std::uint64_t commit_seq = 0;         // Leader: last event replicated enough to show clients.
  FixedVec<NodeId, kMaxServers> hears;  // Leader only.
  // Servers the sender has known at once, itself included. Followers hear only their leader,
  // so they learn the cluster's size from it: one that becomes leader must not take the
  // cluster for smaller than it is (and wait for too few of its followers).
  std::uint8_t servers_known = 1;
  // Follower: the epoch whose stream its rooms follow (none until synced). A new leader
  // compares followers by (this, applied_seq): a longer stream of an older epoch may hold
  // events no one committed, while the newer epoch's may hold points the players saw.
  Epoch synced_epoch;
  // A Standing value: what the sender's position is worth to a recovering leader (it holds
  // its state, lost it, or never held any).
  std::uint8_t standing = 0;
  template <class A>
  void serialize(A& ar) {
    ar(role, control, client, applied_seq, commit_seq, hears, servers_known, synced_epoch,
       standing);
  }
  bool valid() const {
    return role <= kMaxRoleValue && commit_seq <= kMaxSeq && applied_seq <= kMaxSeq &&
           synced_epoch.term <= kMaxTerm && servers_known >= 1 && servers_known <= kMaxServers &&
           standing <= kMaxStandingValue;
  }
};

// Bully election: a candidate sends ELECTION to every higher id.
struct Election {
  static constexpr MsgType kType = MsgType::kElection;
  template <class A>
  void serialize(A&) {}
  bool valid() const { return true; }
};

// "I am higher and alive; stand down." `has_leader` tells the candidate that the answerer
// still hears a healthy leader (sticky mode), so it need not expect a COORDINATOR soon.
struct Answer {
  static constexpr MsgType kType = MsgType::kAnswer;
  std::uint8_t has_leader = 0;
  template <class A>
  void serialize(A& ar) {
    ar(has_leader);
  }
  bool valid() const { return has_leader <= 1; }
};

// The winner announces itself; the header's epoch is the new epoch (term, winner).
struct Coordinator {
  static constexpr MsgType kType = MsgType::kCoordinator;
  Endpoint control;
  Endpoint client;
  template <class A>
  void serialize(A& ar) {
    ar(control, client);
  }
  bool valid() const { return true; }
};

// Before it calls an election (sticky mode), a server asks every peer whether it may: a peer
// grants only if it has lost its leader too (or has none). Without grants from a majority of
// the cluster the server holds no election and takes no new term, so the minority side of a
// partition, or a server coming back, cannot depose a leader the majority still follows.
struct PreVote {
  static constexpr MsgType kType = MsgType::kPreVote;
  Endpoint control;  // Where to reply.
  template <class A>
  void serialize(A& ar) {
    ar(control);
  }
  bool valid() const { return true; }
};

struct PreVoteReply {
  static constexpr MsgType kType = MsgType::kPreVoteReply;
  std::uint8_t granted = 0;
  template <class A>
  void serialize(A& ar) {
    ar(granted);
  }
  bool valid() const { return granted <= 1; }
};

// A leader that is shutting down tells its peers to elect a successor now (the header's
// epoch is the one it resigns). Followers drop it from their peers and start an election.
struct Resign {
  static constexpr MsgType kType = MsgType::kResign;
  template <class A>
  void serialize(A&) {}
  bool valid() const { return true; }
};

}  // namespace dp::wire
