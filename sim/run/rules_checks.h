// kRulesSymmetric (see invariants.h): the game's rules favour neither side. After every
// leader step, each Pong room whose match moved on is stepped once more twice over, as it is
// and mirrored left for right (core/services/pong/mirror.h); the two outcomes must mirror each
// other exactly. Runs in every simulated run with Pong players, so the swarm exercises the
// rules on the states real matches reach (paddle edges, fast balls, goal lines).
#pragma once

#include <cstdint>
#include <map>

#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class RulesChecks final : public SimObserver {
 public:
  RulesChecks(RunContext& run, InvariantObserver& invariants);

  void after_step(TimeUs now, HostIndex h) override;
  std::uint64_t states_checked() const { return checked_; }

 private:
  RunContext& run_;
  InvariantObserver& invariants_;
  bool enabled_ = false;
  std::map<std::uint32_t, std::uint32_t> last_tick_;  // By room: the tick last checked.
  std::uint64_t checked_ = 0;
};

}  // namespace dp::sim
