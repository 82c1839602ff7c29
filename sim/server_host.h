// Builds cluster servers (dp::ServerNode) for the simulator's host table.
#pragma once

#include "core/cluster/config.h"
#include "sim/host.h"

namespace dp::sim {

// A factory that constructs a ServerNode from the host's identity and endpoints, the given
// mode, timing and room settings, the host's persisted state and the per-incarnation seed.
// `cluster_size` is what every server is told the cluster's size is (0: learn it).
NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const RoomServiceConfig& rooms = {}, std::uint32_t cluster_size = 0);

}  // namespace dp::sim
