// Pong's left-right mirror: the same match seen with the players swapped. The rules are
// symmetric, so stepping a mirrored state must give the mirrored outcome exactly (the
// property tests and the simulator's kRulesSymmetric invariant check it): a rule that favours
// one side (a paddle a few pixels short, a goal line off by one) breaks it.
#pragma once

#include <utility>

#include "core/services/pong/rules.h"

namespace dp::pong {

constexpr std::uint8_t mirrored_slot(std::uint8_t slot) {
  return slot <= 1 ? static_cast<std::uint8_t>(1 - slot) : slot;
}

constexpr MatchState mirrored(const MatchState& m) {
  MatchState out = m;
  out.ball_x = kFieldWidth - kBallSize - m.ball_x;
  out.ball_vx = -m.ball_vx;
  for (int slot = 0; slot < 2; ++slot) {
    out.paddle_y[slot] = m.paddle_y[1 - slot];
    out.paddle_dir[slot] = m.paddle_dir[1 - slot];
    out.score[slot] = m.score[1 - slot];
  }
  out.winner = mirrored_slot(m.winner);
  out.serve_toward = mirrored_slot(m.serve_toward);
  return out;
}

constexpr StepResult mirrored(const StepResult& r) {
  StepResult out = r;
  out.point_scored_by = mirrored_slot(r.point_scored_by);
  return out;
}

}  // namespace dp::pong
