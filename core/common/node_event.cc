#include "core/common/node_event.h"

namespace dp {

const char* node_event_name(NodeEventKind kind) {
  switch (kind) {
    case NodeEventKind::kStarted:
      return "started";
    case NodeEventKind::kPeerDiscovered:
      return "peer-discovered";
    case NodeEventKind::kPeerLost:
      return "peer-lost";
    case NodeEventKind::kSuspectLeader:
      return "suspect-leader";
    case NodeEventKind::kElectionStarted:
      return "election-started";
    case NodeEventKind::kBecameLeader:
      return "became-leader";
    case NodeEventKind::kFollowing:
      return "following";
    case NodeEventKind::kSteppedDown:
      return "stepped-down";
    case NodeEventKind::kDatagramRejected:
      return "datagram-rejected";
    case NodeEventKind::kStaleEpochIgnored:
      return "stale-epoch-ignored";
    case NodeEventKind::kReplicaSnapshot:
      return "snapshot-installed";
    case NodeEventKind::kSnapshotSent:
      return "snapshot-sent";
    case NodeEventKind::kRetransmit:
      return "retransmit";
    case NodeEventKind::kRoomOpened:
      return "room-opened";
    case NodeEventKind::kPointScored:
      return "point-scored";
    case NodeEventKind::kMatchOver:
      return "match-over";
    case NodeEventKind::kRoomClosed:
      return "room-closed";
    case NodeEventKind::kClientRehomed:
      return "client-rehomed";
    case NodeEventKind::kClientStateShown:
      return "client-state-shown";
  }
  return "?";
}

}  // namespace dp
