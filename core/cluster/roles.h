// A server's role in the cluster, as an explicit state that owns its fields (etcd-raft's
// roles, TigerBeetle's status), and the transitions allowed between roles.
//
//   Leaderless   knows no leader; calls an election once discovery and back-off allow.
//   Candidate    (sticky mode) first asks every peer for a PRE-VOTE and goes on only with a
//                majority's grants; then sent ELECTION to every higher id; waits for ANSWER
//                (answer timeout), then, answered, for COORDINATOR (coordinator timeout).
//   BackingOff   a higher id answered but never announced itself: waits, then tries again.
//   Following    follows an epoch's leader and watches that it hears it and is heard by it.
//   Leading      leads its epoch.
//   Stopped      shut down cleanly; takes no input.
//
// On the wire (heartbeats, discovery answers) Leaderless and Following say "follower",
// Candidate and BackingOff "candidate", Leading "leader".
#pragma once

#include <array>
#include <cstdint>
#include <variant>

#include "core/common/types.h"
#include "core/wire/cluster_messages.h"
#include "core/wire/control_messages.h"

namespace dp {

enum class ServerRole : std::uint8_t {
  kLeaderless,
  kCandidate,
  kBackingOff,
  kFollowing,
  kLeading,
  kStopped,
};
const char* server_role_name(ServerRole role);
static_assert(static_cast<std::uint8_t>(ServerRole::kStopped) == wire::kMaxServerRoleValue);
wire::Role wire_role(ServerRole role);

namespace role {
struct Leaderless {};
struct Candidate {
  TimeUs deadline_us = 0;  // When the wait for ANSWER (or, answered, COORDINATOR) ends.
  bool got_answer = false;
  // Still asking for pre-votes (deadline_us ends the wait); then who granted.
  bool pre_vote = false;
  std::array<NodeId, wire::kMaxServers> granted{};
  std::uint32_t grants = 0;
};
struct BackingOff {};
struct Following {
  TimeUs leader_heard_us = 0;   // Last message from our leader in our epoch.
  TimeUs leader_listed_us = 0;  // Last leader heartbeat that listed us as heard.
};
struct Leading {};
struct Stopped {};
}  // namespace role

// Alternatives in ServerRole order.
using RoleState = std::variant<role::Leaderless, role::Candidate, role::BackingOff, role::Following,
                               role::Leading, role::Stopped>;

// Every move a server may make between roles; anything else is a bug.
constexpr bool legal_transition(ServerRole from, ServerRole to) {
  using R = ServerRole;
  if (from == R::kStopped) return false;
  if (to == R::kStopped) return true;
  switch (from) {
    case R::kLeaderless:
      return to == R::kCandidate || to == R::kFollowing;
    case R::kCandidate:
      return to != R::kCandidate;
    case R::kBackingOff:
      return to == R::kCandidate || to == R::kFollowing || to == R::kLeaderless;
    case R::kFollowing:
      // Following -> Candidate: classic Bully, a higher id that sees a lower one lead.
      return to == R::kLeaderless || to == R::kFollowing || to == R::kCandidate;
    case R::kLeading:
      // Leading -> Candidate: classic Bully, a leader asked by a lower id holds an election.
      return to == R::kFollowing || to == R::kLeaderless || to == R::kCandidate;
    case R::kStopped:
      return false;
  }
  return false;
}

}  // namespace dp
