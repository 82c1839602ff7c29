// The swarm's attacker share: in one run in eight, the servers share a cluster key and an
// attacker on the LAN (sim/attacker.h) strikes one to four times during the safety phase, with
// attacks drawn from every kind it knows (forged COORDINATORs of any term and signing, replays
// of what it tapped, spoofed Inputs and Leaves for a player, discovery floods against a
// victim). The invariants and the liveness phase are judged as in every run: whatever the
// attacker sends, the servers must refuse what they cannot authenticate.
#pragma once

#include <cstdint>

#include "sim/scenario.h"

namespace dp::sim {

// Adds the attacker's part to `s` (drawn from a generator of its own, so every other part of
// the seed's scenario stays what it was); `safety_us` is when the heal comes.
void add_swarm_attacks(std::uint64_t seed, Scenario& s, TimeUs safety_us);

}  // namespace dp::sim
