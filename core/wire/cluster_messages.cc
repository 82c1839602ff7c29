#include "core/wire/cluster_messages.h"

namespace dp::wire {

const char* role_name(Role role) {
  switch (role) {
    case Role::kFollower:
      return "follower";
    case Role::kCandidate:
      return "candidate";
    case Role::kLeader:
      return "leader";
    case Role::kClient:
      return "client";
  }
  return "?";
}

}  // namespace dp::wire
