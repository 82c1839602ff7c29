// Builds cluster servers (dp::ServerNode) for the simulator's host table.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/cluster/config.h"
#include "core/replication/service.h"
#include "sim/host.h"

namespace dp::sim {

// The services one server's log carries, built anew for every (re)start.
using ServicesFactory = std::function<std::vector<std::unique_ptr<Service>>()>;

// A factory that constructs a ServerNode from the host's identity and endpoints, the given
// mode, timing and replica settings, the host's persisted state and the per-incarnation
// seed. `cluster_size` is what every server is told the cluster's size is (0: learn it).
// Without `services`, each server runs Pong with its default settings.
NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const ReplicaConfig& replica = {}, std::uint32_t cluster_size = 0,
                           ServicesFactory services = {});

}  // namespace dp::sim
