// Pong's rules are fair: neither side of the field is special. Mirroring a match left/right
// (ball x -> width - ball - x, vx -> -vx, paddles, inputs, scores and serve swapped) and then
// stepping gives the mirror of stepping the original, point for point; so does mirroring it
// top/bottom (y -> height - y, vy -> -vy, inputs reversed) as long as no serve happens, since
// serves take their vertical speed from a fixed table and are the one thing that is not
// symmetric vertically. Both paddles' hit spans are also checked pixel by pixel at their top
// and bottom edges: one paddle shorter than the other is the fairness bug this file exists for.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <type_traits>
#include <utility>

#include "core/services/pong/mirror.h"
#include "core/services/pong/rules.h"
#include "tests/support/rc_cases.h"

namespace dp::pong {

// Lets RapidCheck print a counterexample.
void showValue(const MatchState& m, std::ostream& os) {
  os << "{phase " << int(m.phase) << ", countdown " << m.countdown_ticks << ", tick " << m.tick
     << ", ball (" << m.ball_x << ", " << m.ball_y << ") v (" << m.ball_vx << ", " << m.ball_vy
     << "), paddles " << m.paddle_y[0] << "/" << m.paddle_y[1] << " dir " << int(m.paddle_dir[0])
     << "/" << int(m.paddle_dir[1]) << ", score " << int(m.score[0]) << "-" << int(m.score[1])
     << " of " << int(m.target_score) << ", winner " << int(m.winner) << ", serve toward "
     << int(m.serve_toward) << "}";
}

namespace {

constexpr std::uint64_t kSeed = 0x5eed'0016;

// Left/right: the one the simulator checks too (core/services/pong/mirror.h).
MatchState mirror_left_right(const MatchState& m) { return mirrored(m); }
StepResult mirror_left_right(const StepResult& r) { return mirrored(r); }

// Top/bottom: slots stay, y and the inputs flip.
MatchState mirror_top_bottom(MatchState m) {
  m.ball_y = kBallMaxY - m.ball_y;
  m.ball_vy = -m.ball_vy;
  for (int slot = 0; slot < 2; ++slot) {
    m.paddle_y[slot] = kPaddleMaxY - m.paddle_y[slot];
    m.paddle_dir[slot] = static_cast<std::int8_t>(-m.paddle_dir[slot]);
  }
  return m;
}

bool same(const StepResult& a, const StepResult& b) {
  return a.point_scored_by == b.point_scored_by && a.match_over == b.match_over &&
         a.paddle_hit == b.paddle_hit;
}

// Any state the rules can be in: every phase, the ball anywhere in or just outside the field
// at any speed, paddles anywhere, any input, any score short of the target.
rc::Gen<MatchState> gen_any_state() {
  return rc::gen::exec([] {
    MatchState m = new_match(*rc::gen::inRange<std::uint8_t>(1, 12));
    start_match(m);
    const int phase = *rc::gen::inRange(1, 4);  // Countdown, Playing or GameOver.
    m.phase = static_cast<Phase>(phase);
    m.tick = *rc::gen::inRange<std::uint32_t>(0, 100'000);
    for (int slot = 0; slot < 2; ++slot) {
      m.paddle_y[slot] = *rc::gen::inRange(0, kPaddleMaxY + 1);
      m.paddle_dir[slot] = *rc::gen::inRange<std::int8_t>(-1, 2);
      m.score[slot] = *rc::gen::inRange<std::uint8_t>(0, m.target_score);
    }
    m.serve_toward = *rc::gen::inRange<std::uint8_t>(0, 2);
    if (m.phase == Phase::kCountdown) {
      m.countdown_ticks = *rc::gen::inRange<std::uint16_t>(1, 4);
    } else if (m.phase == Phase::kPlaying) {
      m.countdown_ticks = 0;
      m.ball_x = *rc::gen::inRange(-kBallSize + 1, kFieldWidth);
      m.ball_y = *rc::gen::inRange(0, kBallMaxY + 1);
      m.ball_vx = *rc::gen::inRange(-kSpeedMaxPerTick, kSpeedMaxPerTick + 1);
      m.ball_vy = *rc::gen::inRange(-kVerticalSpeedMax, kVerticalSpeedMax + 1);
    } else {
      m.countdown_ticks = 0;
      m.winner = *rc::gen::inRange<std::uint8_t>(0, 2);
      m.score[m.winner] = m.target_score;
    }
    return m;
  });
}

// The ball flies at `slot`'s paddle and reaches its face during the next tick, level with the
// paddle's top or bottom edge (within a few pixels either way) where the tick puts the paddle.
rc::Gen<MatchState> gen_ball_at_paddle_edge(int slot, bool bottom) {
  return rc::gen::exec([slot, bottom] {
    MatchState m = new_match(kDefaultTargetScore);
    start_match(m);
    m.phase = Phase::kPlaying;
    m.countdown_ticks = 0;
    m.paddle_y[slot] = *rc::gen::inRange(0, kPaddleMaxY + 1);
    m.paddle_dir[slot] = *rc::gen::inRange<std::int8_t>(-1, 2);
    m.paddle_y[1 - slot] = *rc::gen::inRange(0, kPaddleMaxY + 1);
    m.paddle_dir[1 - slot] = *rc::gen::inRange<std::int8_t>(-1, 2);
    const std::int32_t top =
        std::clamp(m.paddle_y[slot] + m.paddle_dir[slot] * kPaddleSpeedPerTick, 0, kPaddleMaxY);
    const std::int32_t speed = *rc::gen::inRange(px(1), kSpeedMaxPerTick + 1);
    const std::int32_t before_face = *rc::gen::inRange(0, speed);  // Crosses this tick.
    m.ball_vx = slot == 0 ? -speed : speed;
    m.ball_x = slot == 0 ? kLeftFaceX + before_face : kRightFaceX - kBallSize - before_face;
    // Slow or no vertical motion, so the ball is still near the edge when it meets the face.
    m.ball_vy = *rc::gen::inRange(-px(1), px(1) + 1);
    const std::int32_t edge_y = bottom ? top + kPaddleHeight : top - kBallSize;
    m.ball_y = std::clamp(edge_y + *rc::gen::inRange(-px(6), px(6) + 1), 0, kBallMaxY);
    return m;
  });
}

// Steps `m` and its mirror `steps` times (fewer if `stop` says so before a step), asserting
// after each step that the mirror of the one is the other.
template <class Mirror, class Stop>
void check_mirrored_run(MatchState m, int steps, Mirror mirror, Stop stop) {
  RC_ASSERT(valid_match_state(m));
  MatchState mirrored = mirror(m);
  for (int i = 0; i < steps && !stop(m); ++i) {
    const StepResult r = step(m);
    const StepResult rm = step(mirrored);
    RC_ASSERT(same(mirror(r), rm));
    RC_ASSERT(mirror(m) == mirrored);
  }
}

const auto kNeverStop = [](const MatchState&) { return false; };
// A serve's vertical speed comes from a table, the same for both halves of the field.
const auto kStopBeforeServe = [](const MatchState& m) {
  return m.phase == Phase::kCountdown && m.countdown_ticks <= 1;
};
const auto kLeftRight = [](const auto& x) { return mirror_left_right(x); };
const auto kTopBottom = [](const auto& x) {
  if constexpr (std::is_same_v<std::decay_t<decltype(x)>, MatchState>) {
    return mirror_top_bottom(x);
  } else {
    return x;  // A StepResult names slots only, which this mirror keeps.
  }
};

TEST(PongSymmetry, MirroringTheFieldLeftRightMirrorsOneStep) {
  DP_CHECK_PROPERTY(3000, kSeed,
                    [] { check_mirrored_run(*gen_any_state(), 1, kLeftRight, kNeverStop); });
}

TEST(PongSymmetry, MirroringTheFieldLeftRightMirrorsAWholeRally) {
  DP_CHECK_PROPERTY(300, kSeed, [] {
    const int steps = *rc::gen::inRange(1, 1500);
    check_mirrored_run(*gen_any_state(), steps, kLeftRight, kNeverStop);
  });
}

TEST(PongSymmetry, EitherPaddleEdgeHitsTheBallAsItsMirrorDoes) {
  DP_CHECK_PROPERTY(3000, kSeed, [] {
    const int slot = *rc::gen::inRange(0, 2);
    const bool bottom = *rc::gen::arbitrary<bool>();
    const MatchState m = *gen_ball_at_paddle_edge(slot, bottom);
    check_mirrored_run(m, 2, kLeftRight, kNeverStop);
    check_mirrored_run(m, 2, kTopBottom, kStopBeforeServe);
  });
}

TEST(PongSymmetry, MirroringTheFieldTopBottomMirrorsPlayUntilTheNextServe) {
  DP_CHECK_PROPERTY(1000, kSeed, [] {
    const int steps = *rc::gen::inRange(1, 600);
    check_mirrored_run(*gen_any_state(), steps, kTopBottom, kStopBeforeServe);
  });
}

// Not a mirror but the plain statement: a ball flying straight at either paddle is hit exactly
// when it overlaps the paddle's 80 px, at every 1/256 px step across both edges.
TEST(PongSymmetry, BothPaddlesHitOverTheirFullHeight) {
  constexpr std::int32_t kTop = px(100);
  for (int slot = 0; slot < 2; ++slot) {
    for (std::int32_t y = kTop - kBallSize - px(6); y <= kTop + kPaddleHeight + px(6); ++y) {
      MatchState m = new_match(kDefaultTargetScore);
      start_match(m);
      m.phase = Phase::kPlaying;
      m.countdown_ticks = 0;
      m.paddle_y[slot] = kTop;
      m.ball_y = y;
      m.ball_vx = slot == 0 ? -kServeSpeedPerTick : kServeSpeedPerTick;
      m.ball_x = slot == 0 ? kLeftFaceX : kRightFaceX - kBallSize;
      const bool overlaps = y + kBallSize > kTop && y < kTop + kPaddleHeight;
      ASSERT_EQ(step(m).paddle_hit, overlaps)
          << "slot " << slot << ", ball top " << static_cast<double>(y - kTop) / kFixedOne
          << " px below the paddle's top";
    }
  }
}

}  // namespace
}  // namespace dp::pong
