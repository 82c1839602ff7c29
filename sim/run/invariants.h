// The invariants checked on every simulated run, whatever the scenario expects. A violation
// fails the run; the first one of each kind is kept, in words naming the node and time.
//
//   kOneLeaderPerEpoch   never two nodes become leader of one epoch, and a node leads only
//                        an epoch that names it;
//   kEpochsMonotonic     on every node, across restarts, the epochs it adopts never go back;
//   kReplicasAgree       replicas that applied the same prefix have identical state: every
//                        kSampleIntervalUs, before every crash and at the end, each live
//                        server's (synced epoch, applied seq, state digest) is sampled; two
//                        samples at one position must have one digest;
//   kAppliesCleanly      no replica applies an entry across a gap or fails to apply one;
//   with clients (checked by the game's client views, see pong_matches.h):
//   kClientOrder         every client's accepted (epoch, seq) strictly increases;
//   kClientScore         no client's displayed score ever decreases;
//   with racers (see race_matches.h):
//   kRaceTraffic         every racer of a race sees the same traffic: the traffic digest a
//                        client shows at a race tick is the one the race's seed gives;
//   with spectators (see spectator_watch.h):
//   kSpectatorsReadOnly  a spectator's request (Watch, a room list) never changes the state
//                        of the replica that takes it: its digest is the same after;
//   with a chat cluster (see chat_checks.h; the four above hold for its servers too):
//   kChatAckedEverywhere, kChatSameOrder, kChatNoDuplicates;
//   on every run:
//   kNoSpin              no node asks for a tick at or before the instant of the tick it was
//                        just given (the simulator counts it, see SimStats::tick_spins);
//   kLeaderCountsApplied (replication_checks.h) no leader counts a follower further than it
//                        applied; kRingBounds (same file) its entry ring keeps its bounds;
//                        kAppliedMonotonic (same file) no server undoes what it applied;
//   kLeaderComplete      (completeness_checks.h) a new leader resumes from a state holding
//                        every entry an earlier leader committed;
//   kFirstLeaderHighest, kFailoverBound (election_checks.h) who leads after a clean start,
//                        and how fast a clean leader crash is repaired;
//   with Pong players:
//   kShownImpliesReplicated (replication_checks.h) a score reaches a client only once its
//                        point is on as many servers as the commit rule asks;
//   kRulesSymmetric      (rules_checks.h) each step of a match mirrors exactly.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sim/match_checks.h"
#include "sim/run/run_context.h"

namespace dp::sim {

enum class Invariant : std::uint8_t {
  kOneLeaderPerEpoch,
  kEpochsMonotonic,
  kReplicasAgree,
  kAppliesCleanly,
  kClientOrder,
  kClientScore,
  kRaceTraffic,
  kSpectatorsReadOnly,
  kChatAckedEverywhere,
  kChatSameOrder,
  kChatNoDuplicates,
  kNoSpin,
  kLeaderCountsApplied,
  kFirstLeaderHighest,
  kFailoverBound,
  kShownImpliesReplicated,
  kRulesSymmetric,
  kRingBounds,
  kAppliedMonotonic,
  kLeaderComplete,
};
const char* invariant_description(Invariant invariant);

class InvariantObserver final : public SimObserver {
 public:
  explicit InvariantObserver(RunContext& run);

  // Fails `invariant` (keeping the first detail); ignored for one the run does not check.
  void violate(Invariant invariant, const std::string& detail);
  bool held(Invariant invariant) const;
  const std::string& detail(Invariant invariant) const;
  // Samples every live replica's position and digest (see kReplicasAgree).
  void sample_replicas(TimeUs now);
  std::uint64_t positions_compared() const { return replicas_.positions_compared(); }
  // Reads the simulator's tick-spin count (see kNoSpin); at the end of the run.
  void check_no_spin();

  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void on_host_crashing(TimeUs now, HostIndex) override { sample_replicas(now); }

 private:
  InvariantResult* find(Invariant invariant);
  void check_single_leader(HostIndex h, const NodeEvent& e);
  void check_monotonic(HostIndex h, const NodeEvent& e);
  void sample(TimeUs now, HostIndex begin, HostIndex end, ReplicaAgreementCheck& check);

  RunContext& run_;
  // Per server identity (a wiped disk is a new machine with a new id): the highest epoch it
  // adopted so far. Bounded by the servers and the wipes of one run.
  std::map<NodeId, Epoch> last_epoch_;
  std::map<Epoch, HostIndex> leader_of_epoch_;
  ReplicaAgreementCheck replicas_;
  ReplicaAgreementCheck chat_replicas_;     // The chat cluster's, on its own.
  std::map<Invariant, std::size_t> index_;  // Where each checked invariant is reported.
  std::vector<ReplicaSample> samples_;      // Scratch.
};

}  // namespace dp::sim
