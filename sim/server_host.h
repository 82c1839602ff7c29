// Builds cluster servers (dp::ServerNode) for the simulator's host table.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
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
// With `keys`, every server shares them (ServerConfig::keys).
NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const ReplicaConfig& replica = {}, std::uint32_t cluster_size = 0,
                           ServicesFactory services = {}, const ClusterKeys& keys = {});

// The key of a scenario's cluster ([cluster] key = true): derived from the run's seed and the
// cluster's name ("game", "chat"), so a seed fixes it and the two clusters' keys differ.
ClusterKey scenario_cluster_key(std::uint64_t seed, std::string_view cluster);

}  // namespace dp::sim
