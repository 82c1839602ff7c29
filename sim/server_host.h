// Builds cluster servers (dp::ServerNode) for the simulator's host table.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "core/cluster/config.h"
#include "core/replication/sequencer.h"
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

// The sequencer of a leader whose ring holds `ring_capacity` entries (a power of two, at least
// 16): the flow-control window is half the ring (at most the default 8192) and the probe window
// a quarter (at most the default 64), so a follower a whole window behind still has half the
// ring before the leader must send it a snapshot, and the sequencer's assertion that the
// windows fit the ring holds. At 65536 this is the default SequencerConfig.
SequencerConfig ring_sequencer_config(std::uint32_t ring_capacity);

// The key of a scenario's cluster ([cluster] key = true): derived from the run's seed and the
// cluster's name ("game", "chat"), so a seed fixes it and the two clusters' keys differ.
ClusterKey scenario_cluster_key(std::uint64_t seed, std::string_view cluster);

}  // namespace dp::sim
