// A bot input policy for Pong clients in the emulator, from what a client sees.
//
// The bot predicts where the ball will cross its paddle's face (walls included) when the ball
// comes towards it, and otherwise drifts back to the centre. Skill 100 reacts at once and aims
// off-centre to angle its returns; lower skill reacts later, hesitates on some ticks (drawn
// from the rng), tolerates a wider dead zone and misjudges some approaches outright (a
// per-approach error hashed from the room, slot and the tick the ball was struck, since the
// bot keeps no state), so it misses and matches end. Deterministic given the state and rng.
//
// Measured full matches to 5 (ticks at 60/s): 100 vs 30 about 1300-3600; 80 vs 60 about
// 5300-6600; 70 vs 70 about 5200; 90 vs 90 about 9400. Two bots at 100 may rally forever.
#pragma once

#include <cstdint>

#include "core/common/rng.h"
#include "core/wire/pong_messages.h"

namespace dp::pong {

// Returns the paddle direction (-1 up, 0 still, +1 down) for `my_slot` (0 left, 1 right).
// skill_percent is clamped to [0, 100]. Draws exactly one number from `rng` per call.
std::int8_t bot_direction(const wire::RoomState& seen, std::uint8_t my_slot, int skill_percent,
                          Rng& rng);

}  // namespace dp::pong
