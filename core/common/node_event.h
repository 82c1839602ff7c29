// Observations a node reports about itself: the raw material of logs, the simulator's
// timeline, Perfetto traces and invariant checks. Plain data, no strings on the hot path.
#pragma once

#include <cstdint>

#include "core/common/types.h"

namespace dp {

enum class NodeEventKind : std::uint8_t {
  kStarted,            // Node began (or restarted).
  kPeerDiscovered,     // peer = new server peer.
  kPeerLost,           // peer = server no longer heard within the timeout.
  kSuspectLeader,      // peer = leader we stopped hearing (or that stopped hearing us).
  kElectionStarted,    // a = attempt number.
  kBecameLeader,       // epoch = new epoch.
  kFollowing,          // epoch = epoch of the leader we now follow.
  kSteppedDown,        // epoch = the newer epoch that deposed us.
  kDatagramRejected,   // a = DecodeError code, b = channel.
  kStaleEpochIgnored,  // epoch = the stale epoch of an ignored message; peer = sender.
  // Replication and game events (used from the replication layer on).
  kReplicaSnapshot,   // a = seq of the snapshot installed; peer = leader.
  kSnapshotSent,      // peer = follower; a = seq.
  kRetransmit,        // peer = follower; a = events resent.
  kRoomOpened,        // a = room id.
  kPointScored,       // a = room id; b = packed score (left << 8 | right).
  kMatchOver,         // a = room id; b = packed final score.
  kRoomClosed,        // a = room id.
  kClientRehomed,     // client: peer = new leader.
  kClientStateShown,  // client: a = room id; b = packed score.
};

const char* node_event_name(NodeEventKind kind);

struct NodeEvent {
  TimeUs at = 0;
  NodeEventKind kind = NodeEventKind::kStarted;
  NodeId peer;
  Epoch epoch;
  std::int64_t a = 0;
  std::int64_t b = 0;
};

}  // namespace dp
