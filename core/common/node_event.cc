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
    case NodeEventKind::kSnapshotInstalled:
      return "snapshot-installed";
    case NodeEventKind::kSnapshotSent:
      return "snapshot-sent";
    case NodeEventKind::kClientRehomed:
      return "client-rehomed";
    case NodeEventKind::kServiceNote:
      return "service-note";
    case NodeEventKind::kStateLoaded:
      return "state-loaded";
    case NodeEventKind::kStateRefused:
      return "state-refused";
    case NodeEventKind::kHandOverStarted:
      return "hand-over-started";
    case NodeEventKind::kHandOverAbandoned:
      return "hand-over-abandoned";
    case NodeEventKind::kTookOver:
      return "took-over";
  }
  return "?";
}

bool is_cluster_milestone(NodeEventKind kind) {
  switch (kind) {
    case NodeEventKind::kPeerDiscovered:
    case NodeEventKind::kPeerLost:
    case NodeEventKind::kSuspectLeader:
    case NodeEventKind::kElectionStarted:
    case NodeEventKind::kBecameLeader:
    case NodeEventKind::kFollowing:
    case NodeEventKind::kSteppedDown:
    case NodeEventKind::kHandOverStarted:
    case NodeEventKind::kHandOverAbandoned:
    case NodeEventKind::kTookOver:
      return true;
    default:
      return false;
  }
}

}  // namespace dp
