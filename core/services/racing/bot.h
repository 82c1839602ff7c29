// A bot racing policy, from what a racing client sees.
//
// The bot looks up the road for the nearest car that will reach it in its lane and steers out
// of its way by the shorter side the road allows; on an empty stretch it drifts back to its
// own lane (racing::start_x). Skill 100 looks far ahead and never hesitates; lower skill looks less
// far and, on some ticks (drawn from the rng), keeps its last course, so it crashes sooner.
// Deterministic given the state and rng.
#pragma once

#include <cstdint>

#include "core/common/rng.h"
#include "core/wire/race_messages.h"

namespace dp::racing {

// The steering (-1 left, 0 straight, +1 right) for `my_slot`. skill_percent is clamped to
// [0, 100]. Draws exactly one number from `rng` per call.
std::int8_t bot_steering(const wire::RaceState& seen, std::uint8_t my_slot, int skill_percent,
                         Rng& rng);

}  // namespace dp::racing
