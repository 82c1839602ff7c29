// Builds cluster servers (dp::ServerNode) for the simulator's host table.
#pragma once

#include "core/cluster/config.h"
#include "sim/host.h"

namespace dp::sim {

// A factory that constructs a ServerNode from the host's identity and endpoints, the given
// mode, timing and room settings, the host's persisted state and the per-incarnation seed.
NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const RoomServiceConfig& rooms = {});

}  // namespace dp::sim
