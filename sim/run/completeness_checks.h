// kLeaderComplete (see invariants.h): a new leader resumes from a state that holds everything
// an earlier leader committed. When a server starts hosting epoch E' (its recovery is over),
// the seq it resumes from must reach the highest commit of every earlier epoch E of its
// cluster, as far as E's leader had counted it when E' began to host.
//
// The guarantee rests on the servers that applied those entries keeping them: a restart
// reloads only the durable entries from disk, so an epoch is not checked once any server
// other than its own leader crashed after it began, nor once its leader came back from a
// crash (its disk may lack the tail it had counted). A leader that crashes and stays down,
// a partition or lost reports are exactly what recovery must survive, and stay checked.
//
// Seqs continue across epochs (a leader resumes from the seq it recovered), so "holds the
// commit of E" is "resumes at a seq at least that commit".
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class CompletenessChecks final : public SimObserver {
 public:
  CompletenessChecks(RunContext& run, InvariantObserver& invariants);

  void after_step(TimeUs now, HostIndex h) override;
  void on_host_crashing(TimeUs now, HostIndex h) override;
  void on_host_started(TimeUs now, HostIndex h, bool restart) override;

  std::uint64_t leaders_checked() const { return leaders_checked_; }

 private:
  struct Committed {
    HostIndex leader = 0;
    std::uint64_t seq = 0;   // The most its leader ever counted committed.
    bool unchecked = false;  // Another server crashed, or the leader restarted, since.
  };
  // Game servers and chat servers are two clusters, with epochs of their own.
  using Key = std::pair<bool, Epoch>;

  void on_hosting(TimeUs now, HostIndex h, const Epoch& epoch, std::uint64_t base);

  RunContext& run_;
  InvariantObserver& invariants_;
  std::map<Key, Committed> epochs_;
  std::uint64_t leaders_checked_ = 0;
};

}  // namespace dp::sim
