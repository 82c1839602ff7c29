#include "sim/server_host.h"

#include <algorithm>
#include <bit>
#include <memory>

#include "core/cluster/server_node.h"
#include "core/common/assert.h"
#include "core/common/rng.h"
#include "core/services/games.h"

namespace dp::sim {

NodeFactory server_factory(ElectionMode mode, const ClusterTiming& timing,
                           const ReplicaConfig& replica, std::uint32_t cluster_size,
                           ServicesFactory services, const ClusterKeys& keys) {
  if (!services) services = [] { return game_services({}); };
  return [mode, timing, replica, cluster_size, services, keys](
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
    config.keys = keys;
    return std::make_unique<ServerNode>(config, services());
  };
}

SequencerConfig ring_sequencer_config(std::uint32_t ring_capacity) {
  DP_ASSERT(ring_capacity >= 16 && (ring_capacity & (ring_capacity - 1)) == 0,
            "a ring of a power of two entries, at least 16");
  SequencerConfig config;
  config.ring_capacity_log2 = static_cast<unsigned>(std::countr_zero(ring_capacity));
  config.window_entries = std::min<std::uint64_t>(config.window_entries, ring_capacity / 2);
  config.probe_window_entries =
      std::min<std::uint64_t>(config.probe_window_entries, ring_capacity / 4);
  return config;
}

ClusterKey scenario_cluster_key(std::uint64_t seed, std::string_view cluster) {
  // Not a secret worth the name (the seed is in the file): a key the run can reproduce.
  std::uint64_t label = 0xcbf29ce484222325ull;  // FNV-1a of the cluster's name.
  for (const char c : cluster) label = (label ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  Rng rng(seed ^ label);
  ClusterKey key{};
  for (std::size_t i = 0; i < key.size(); i += 8) {
    std::uint64_t word = rng.next_u64();
    for (std::size_t b = 0; b < 8; ++b, word >>= 8) key[i + b] = static_cast<std::uint8_t>(word);
  }
  return key;
}

}  // namespace dp::sim
