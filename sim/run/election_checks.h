// Who leads, and how fast a new leader takes over (see invariants.h):
//
//   kFirstLeaderHighest  from a clean start the first leader is the server with the highest
//                        id. A start is clean when every server started within its discovery
//                        window of the first (less two one-way delays, so each heard the
//                        others before electing), the network loses nothing, is cut nowhere
//                        and a round trip fits the answer timeout, and nothing (no scenario
//                        action, no crash) happened before that first leader.
//   kFailoverBound       after a clean leader crash, a new leadership settles (as the
//                        max-failover figure measures it) within failover_bound_us(): the
//                        detection timeout, one heartbeat (the last one heard may be that
//                        old), one answer timeout (the highest survivor waits that long for
//                        the dead leader's answer), eight one-way delays (pre-vote, election,
//                        coordinator, reports) and kFailoverMarginUs.
//                        A crash is clean when the network at the crash loses nothing and is
//                        cut nowhere, every other server is up (and they are a majority), and no
//                        scenario action, crash or restart falls within quiet_us() before it or the
//                        bound after it.
// The classic mode's "the highest live id leads after settling" is a swarm expectation
// (leader-is), since only the swarm knows when its network settles.
#pragma once

#include <vector>

#include "core/cluster/config.h"
#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class ElectionChecks final : public SimObserver {
 public:
  static constexpr TimeUs kFailoverMarginUs = 20 * kUsPerMs;

  // The longest a datagram may take on `link` (latency, jitter and a reordering hold-back).
  static TimeUs worst_delay_us(const LinkParams& link);
  static TimeUs failover_bound_us(const ClusterTiming& t, TimeUs worst_delay_us);
  // How long before a crash nothing may have happened for it to count as clean: a detection
  // timeout plus the longest election back-off and two answer timeouts.
  static TimeUs quiet_us(const ClusterTiming& t);

  ElectionChecks(RunContext& run, InvariantObserver& invariants);

  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void on_host_started(TimeUs now, HostIndex h, bool restart) override;
  void on_host_crashing(TimeUs now, HostIndex h) override;
  // Checks every failover of the run (call once, at the end).
  void finish();

 private:
  struct Crash {
    TimeUs at_us = 0;
    int node = 0;
    bool clean_network = false;  // Lossless, uniform, uncut at the crash.
    bool others_up = false;
    TimeUs delay_us = 0;  // worst_delay_us() of the network then.
  };
  bool network_clean() const;
  bool first_start_clean(TimeUs first_leader_at) const;
  bool quiet_around(const Crash& c, TimeUs bound) const;

  RunContext& run_;
  InvariantObserver& invariants_;
  bool first_leader_seen_ = false;
  std::vector<TimeUs> first_start_;  // By game server; -1 until it starts.
  std::vector<TimeUs> host_events_;  // Game server starts and crashes, in time order.
  std::vector<Crash> crashes_;
};

}  // namespace dp::sim
