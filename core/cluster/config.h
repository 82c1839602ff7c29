// Configuration of a server node: identity, election mode and protocol timing.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/node.h"
#include "core/common/outbox.h"
#include "core/common/types.h"
#include "core/replication/log_replica.h"
#include "core/security/cluster_keys.h"
#include "core/security/session.h"

namespace dp {

enum class ElectionMode : std::uint8_t {
  // The seed's behaviour: a returning higher id starts an election and takes over.
  kClassic = 0,
  // Default: a returning higher id joins a healthy leader as a follower.
  kSticky = 1,
};
const char* election_mode_name(ElectionMode mode);

// Protocol timing. The defaults are chosen for LAN play: a crashed leader is suspected
// after heartbeat_timeout_us (four missed heartbeats) and replaced one answer timeout later,
// so failover takes roughly 0.25-0.3 s (the seed used 1 s / 3 s and took 4.6-6.0 s).
struct ClusterTiming {
  TimeUs heartbeat_interval_us = 50 * kUsPerMs;
  TimeUs heartbeat_timeout_us = 200 * kUsPerMs;
  // How long a candidate waits for an ANSWER from a higher id before it declares itself.
  TimeUs answer_timeout_us = 60 * kUsPerMs;
  // How long a candidate that got an ANSWER waits for the COORDINATOR before retrying.
  TimeUs coordinator_timeout_us = 250 * kUsPerMs;
  // Broadcast discovery period, and how long a starting node listens before it elects.
  TimeUs discovery_interval_us = 1000 * kUsPerMs;
  TimeUs discovery_window_us = 150 * kUsPerMs;
  // Upper bound on the back-off between failed election attempts.
  TimeUs election_backoff_max_us = 2000 * kUsPerMs;
};

struct ServerConfig {
  NodeId id;
  ElectionMode mode = ElectionMode::kSticky;
  ClusterTiming timing;
  LocalEndpoints endpoints;
  PersistentState persisted;  // What survived the last crash (zero on first start).
  DurableState stored;        // The services' durable state found on disk (see durable.h).
  std::uint64_t seed = 1;     // Seeds the node's own jitter generator.
  // Servers in the cluster (this one included), when the operator knows it up front; 0:
  // learn it by discovery only. Known, it bounds from below the cluster size a commit waits
  // for: a server that starts while the others are unreachable (or that heard one only once
  // before it died) never takes itself for a cluster of one and shows what nobody else holds.
  std::uint32_t cluster_size = 0;
  ReplicaConfig replica;
  // The cluster key (none: datagrams between servers are not authenticated; the transport
  // warns). With a key, every server-to-server datagram is signed and checked, and clients
  // get sealed sessions.
  ClusterKeys keys;
  // Larger at every start of this server (the real driver: wall-clock microseconds at start;
  // the simulator: simulated time), so peers tell a restart from a replay of an old boot.
  std::uint64_t boot_stamp = 1;
  // Secret bytes for the keys and nonces of client sessions (core/security/session.h): the
  // real driver draws them from libsodium at every start; all zero, the node derives them
  // from `seed` (the simulator and tests, deterministic).
  SessionSeed session_seed{};
  // Reported to an operator's status request; empty in the simulator.
  std::string version;
};

}  // namespace dp
