// Which leader a DiscoverResponse points a client to, if it may be trusted: the leader's own
// answer (only the leader an epoch names may speak for it), or a follower's hint. The
// endpoint must be on the host the answer came from (a corrupted or forged answer would send
// our requests to an address nobody vouched for). Shared by the game and chat clients.
#pragma once

#include <optional>

#include "core/common/types.h"
#include "core/wire/cluster_messages.h"
#include "core/wire/header.h"

namespace dp {

struct LeaderHint {
  Epoch epoch;
  Endpoint client;           // The leader's client socket.
  bool from_leader = false;  // The leader answered itself (beats a follower's hint).
};

inline std::optional<LeaderHint> leader_hint(Endpoint from, const wire::Header& h,
                                             const wire::DiscoverResponse& m) {
  if (m.control != from || h.epoch.is_none()) return std::nullopt;
  if (m.role == static_cast<std::uint8_t>(wire::Role::kLeader)) {
    if (h.epoch.leader != h.sender || m.client.is_unset() || m.client.ip != from.ip) {
      return std::nullopt;
    }
    return LeaderHint{h.epoch, m.client, true};
  }
  // A server without a leader (or a client) has nothing to offer.
  if (m.role == static_cast<std::uint8_t>(wire::Role::kClient) || m.leader_client.is_unset() ||
      m.leader_client.ip != from.ip) {
    return std::nullopt;
  }
  return LeaderHint{h.epoch, m.leader_client, false};
}

}  // namespace dp
