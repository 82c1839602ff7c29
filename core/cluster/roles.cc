#include "core/cluster/roles.h"

namespace dp {

const char* server_role_name(ServerRole role) {
  switch (role) {
    case ServerRole::kLeaderless:
      return "leaderless";
    case ServerRole::kCandidate:
      return "candidate";
    case ServerRole::kBackingOff:
      return "backing-off";
    case ServerRole::kFollowing:
      return "following";
    case ServerRole::kLeading:
      return "leading";
    case ServerRole::kStopped:
      return "stopped";
  }
  return "?";
}

wire::Role wire_role(ServerRole role) {
  switch (role) {
    case ServerRole::kCandidate:
    case ServerRole::kBackingOff:
      return wire::Role::kCandidate;
    case ServerRole::kLeading:
      return wire::Role::kLeader;
    default:
      return wire::Role::kFollower;
  }
}

}  // namespace dp
