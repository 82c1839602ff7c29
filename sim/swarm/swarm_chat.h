// The swarm's chat share: in one run in three, a chat cluster of its own (three or five chat
// servers) with two or three chat clients talking through the safety phase, while the chat
// cluster suffers faults of its own (its leader crashing, servers crashing and restarting,
// partitions among its servers, every chat server crashing at once). At the heal every chat
// server restarts and its links come up; the chat invariants (chat_checks.h) are judged on
// every run, and by the end every message must be acknowledged and shown everywhere.
#pragma once

#include "core/common/rng.h"
#include "sim/scenario.h"

namespace dp::sim {

// Adds the chat part to `s` (drawn from `rng` after everything else, so the game part of a
// seed stays what it was); `safety_us` is when the heal comes.
void add_swarm_chat(Rng& rng, Scenario& s, TimeUs safety_us);

}  // namespace dp::sim
