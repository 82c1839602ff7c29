// Swarm testing's scenario generator: every run derives its whole configuration from one seed
// (cluster size, election mode, timing, which fault kinds are enabled and how often they
// strike, the base network), so a seed alone reproduces a run. Each scenario has two phases:
//   safety:   faults from the enabled kinds at random times; only the always-on invariants
//             are judged;
//   liveness: at `heal_at` every link comes up and the network turns clean; every crashed
//             server restarts, or (half the runs of three servers or more) only a majority
//             core does and the others stay down or wiped for good (TigerBeetle's VOPR);
//             within `settle` the cluster must agree on one leader and keep it to the end
//             (expectations one-leader and no-leader-change).
// The faults include crashing every server at once (all restart from their disks) and wiping
// a disk (a replaced machine), for at most a minority of servers over the run: what the
// durability guarantee covers.
// With clients, bots play matches throughout and the crash kinds that aim at rooms
// (crash-follower, crash-leader-after-point) join the fault menu, and in one run in three
// faults aimed at dangerous moments are armed too (swarm_targeted.h). In one run in eight the
// cluster has a key and an attacker strikes during the safety phase (swarm_attack.h). In one
// run in four the leaders' retransmission ring is small (16, 32 or 256 entries), so followers
// cross its boundary.
// Every time is a whole millisecond, so each scenario can be written as a TOML file.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario.h"

namespace dp::sim {

// Bounds of the generated scenarios.
struct SwarmShape {
  int servers_min = 2;
  int servers_max = 7;
  TimeUs safety_min_us = 4 * kUsPerSecond;
  TimeUs safety_max_us = 12 * kUsPerSecond;
  int events_max = 14;  // Fault events in the safety phase (at most).
  // How long after the heal the cluster may take to settle, and how long it must then hold.
  TimeUs settle_us = 8 * kUsPerSecond;
  TimeUs stable_us = 3 * kUsPerSecond;
  bool allow_classic = true;  // Draw the election mode (classic 1 in 4) or always sticky.
  // Bot clients (an even number, so every room fills) and the match length. With clients the
  // liveness phase also requires every match to finish (every-match-finishes) within
  // match_us_per_point * target_score after settling.
  int clients_min = 0;
  int clients_max = 4;
  int target_score_max = 2;
  TimeUs match_us_per_point = 30 * kUsPerSecond;
};

// Title of a generated scenario: this prefix and the seed.
constexpr const char* kSwarmTitlePrefix = "swarm seed ";

// The scenario of run `seed`.
Scenario generate_swarm_scenario(std::uint64_t seed, const SwarmShape& shape = {});

// True if `s` stays within what the durability guarantee covers: at most a minority of
// servers ever lose their disks, and at the end a majority that kept theirs is up. The
// shrinker keeps liveness reproductions within it.
bool swarm_within_guarantee(const Scenario& s);

// True if the matches of `s` can be expected to finish: it has at least two servers and stays
// within the guarantee (rooms are durable).
bool swarm_matches_can_finish(const Scenario& s);

// The liveness phase's expectations, appended to `s`: exactly one leader at the end, no
// leader change from `stable_from` to the end, and, when `matches` > 0, every match finishing
// (at least `matches` of them). Shared by the swarm and the property tests.
void add_liveness_expectations(Scenario& s, TimeUs stable_from, int matches);

// When the liveness phase of that scenario begins (everything heals); the same draws as
// generate_swarm_scenario(), so the two always agree.
TimeUs swarm_heal_at(std::uint64_t seed, const SwarmShape& shape = {});

}  // namespace dp::sim
