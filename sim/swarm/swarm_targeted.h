// The swarm's targeted faults: in one run in three with pong players, one or two of the faults
// aimed at dangerous moments (sim/run/targeted_faults.h) are armed at random times during the
// safety phase: crash the leader after a score is shown, isolate it as it orders a point,
// crash it during a snapshot, crash the follower with the only copy. They are drawn from a
// generator of their own, after everything else, so every other part of a seed's scenario
// stays what it was. The heal that opens the liveness phase disarms any still waiting and
// cancels what they scheduled, so the liveness phase and its expectations are unchanged.
#pragma once

#include <cstdint>

#include "sim/scenario.h"

namespace dp::sim {

// Adds the targeted faults to `s` (when it draws any); `safety_us` is when the heal comes.
void add_swarm_targeted(std::uint64_t seed, Scenario& s, TimeUs safety_us);

}  // namespace dp::sim
