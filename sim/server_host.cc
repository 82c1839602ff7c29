#include "sim/server_host.h"

#include <memory>

#include "core/cluster/server_node.h"

namespace dp::sim {

NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const RoomServiceConfig& rooms, std::uint32_t cluster_size) {
  return [mode, timing, rooms, cluster_size](const HostSpec& spec, const PersistentState& persisted,
                                             std::uint64_t seed) -> std::unique_ptr<Node> {
    ServerConfig config;
    config.id = spec.id;
    config.mode = mode;
    config.timing = timing;
    config.endpoints = spec.endpoints;
    config.persisted = persisted;
    config.seed = seed;
    config.rooms = rooms;
    config.cluster_size = cluster_size;
    return std::make_unique<ServerNode>(config);
  };
}

}  // namespace dp::sim
