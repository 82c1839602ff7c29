#include "sim/server_host.h"

#include <memory>

#include "core/cluster/server_node.h"
#include "core/services/games.h"

namespace dp::sim {

NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const ReplicaConfig& replica, std::uint32_t cluster_size,
                           ServicesFactory services) {
  if (!services) services = [] { return game_services({}); };
  return [mode, timing, replica, cluster_size, services](
             const HostSpec& spec, const Disk& disk, std::uint64_t seed) -> std::unique_ptr<Node> {
    ServerConfig config;
    config.id = spec.id;
    config.mode = mode;
    config.timing = timing;
    config.endpoints = spec.endpoints;
    config.persisted = disk.state;
    config.stored = disk.read();
    config.seed = seed;
    config.replica = replica;
    config.cluster_size = cluster_size;
    config.boot_stamp = spec.boot_stamp;
    return std::make_unique<ServerNode>(config, services());
  };
}

}  // namespace dp::sim
