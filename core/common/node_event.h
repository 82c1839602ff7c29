// Observations a node reports about itself: the raw material of logs, the simulator's
// timeline, Perfetto traces and invariant checks. Plain data, no strings on the hot path.
//
// Each kind fills only the fields named beside it; a service reports its own observations as
// a typed ServiceNote (kServiceNote), which only code that knows the service reads.
#pragma once

#include <cstdint>

#include "core/common/service_note.h"
#include "core/common/types.h"

namespace dp {

enum class NodeEventKind : std::uint8_t {
  kStarted,            // Node began (or restarted).
  kPeerDiscovered,     // peer = new server peer.
  kPeerLost,           // peer = server no longer heard within the timeout.
  kSuspectLeader,      // peer = leader unheard, not hearing us, or deposed.
  kElectionStarted,    // attempt = attempt number.
  kBecameLeader,       // epoch = new epoch.
  kFollowing,          // epoch = epoch of the leader we now follow.
  kSteppedDown,        // epoch = the newer epoch that deposed us.
  kDatagramRejected,   // reason = wire::RejectReason, channel = where it arrived.
  kStaleEpochIgnored,  // epoch = the stale epoch of an ignored message; peer = sender.
  kSnapshotInstalled,  // seq = position of the snapshot installed; peer = its sender.
  kSnapshotSent,       // peer = follower; seq = position of the snapshot.
  kClientRehomed,      // client: peer = new leader; seq = position of its first state.
  kStateLoaded,        // epoch, seq = the last durable entry of the state loaded from disk.
  kStateRefused,       // the durable state on disk did not decode; the server starts empty.
  kServiceNote,        // note = a service's own observation.
  // An operator's hand-over (pong-ctl move-leader, drain): the leader began it (peer = the
  // successor), gave it up unfinished, and the successor took over (peer = the old leader).
  kHandOverStarted,
  kHandOverAbandoned,
  kTookOver,
};

const char* node_event_name(NodeEventKind kind);
// The cluster's milestones, which logs and timelines always show: discoveries and losses of
// peers, suspicions, elections and changes of leader.
bool is_cluster_milestone(NodeEventKind kind);

struct NodeEvent {
  TimeUs at = 0;
  NodeEventKind kind = NodeEventKind::kStarted;
  NodeId peer;
  Epoch epoch;
  std::uint64_t seq = 0;
  std::uint32_t attempt = 0;
  std::uint8_t reason = 0;
  Channel channel = Channel::kControl;
  ServiceNote note;
};

// The common shape: what happened, about which peer and epoch, at which log position.
inline NodeEvent node_event(TimeUs at, NodeEventKind kind, const NodeId& peer = {},
                            const Epoch& epoch = {}, std::uint64_t seq = 0) {
  NodeEvent event;
  event.at = at;
  event.kind = kind;
  event.peer = peer;
  event.epoch = epoch;
  event.seq = seq;
  return event;
}

}  // namespace dp
