#include "core/services/pong/rules.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <limits>

#include "core/common/assert.h"

namespace dp::pong {
namespace {

constexpr std::int32_t kBallCenterX = (kFieldWidth - kBallSize) / 2;
constexpr std::int32_t kBallCenterY = (kFieldHeight - kBallSize) / 2;
// Half the span over which ball and paddle overlap vertically: a hit's offset from the
// paddle's centre lies strictly inside (-kHitReach, kHitReach).
constexpr std::int64_t kHitReach = (kPaddleHeight + kBallSize) / 2;

// The serve's vertical speed cycles through this table by points played, so serves differ
// without any randomness.
constexpr std::int32_t kServeVerticalSpeeds[] = {px(2), -px(3), px(1), -px(2)};
static_assert(px(3) <= kVerticalSpeedMax);
// One tick of vertical motion can bounce off at most one wall.
static_assert(kVerticalSpeedMax < kBallMaxY);

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

void center_ball(MatchState& m) {
  m.ball_x = kBallCenterX;
  m.ball_y = kBallCenterY;
  m.ball_vx = 0;
  m.ball_vy = 0;
}

void serve(MatchState& m) {
  const unsigned points_played = static_cast<unsigned>(m.score[0]) + m.score[1];
  m.phase = Phase::kPlaying;
  center_ball(m);
  m.ball_vx = m.serve_toward == 0 ? -kServeSpeedPerTick : kServeSpeedPerTick;
  m.ball_vy = kServeVerticalSpeeds[points_played % std::size(kServeVerticalSpeeds)];
}

void move_paddles(MatchState& m) {
  for (int slot = 0; slot < 2; ++slot) {
    const std::int32_t moved = m.paddle_y[slot] + m.paddle_dir[slot] * kPaddleSpeedPerTick;
    m.paddle_y[slot] = std::clamp(moved, 0, kPaddleMaxY);
  }
}

// Tests whether the ball, whose leading edge reaches the face of `slot`'s paddle after the
// fraction num/den of this tick, meets the paddle there; bounces it if so.
bool try_paddle_hit(MatchState& m, int slot, std::int64_t num, std::int64_t den) {
  bool flipped = false;
  const std::int64_t unfolded_y = m.ball_y + static_cast<std::int64_t>(m.ball_vy) * num / den;
  const std::int32_t y = fold_ball_y(unfolded_y, &flipped);
  const std::int32_t paddle_top = m.paddle_y[slot];
  if (y + kBallSize <= paddle_top || y >= paddle_top + kPaddleHeight) return false;

  // The rest of this tick's motion is dropped; the ball rests on the face until next tick.
  m.ball_x = slot == 0 ? kLeftFaceX : kRightFaceX - kBallSize;
  m.ball_y = y;
  const std::int32_t speed = std::min(std::abs(m.ball_vx) + kSpeedUpPerHit, kSpeedMaxPerTick);
  const std::int64_t offset =
      (static_cast<std::int64_t>(y) + kBallSize / 2) - (paddle_top + kPaddleHeight / 2);
  DP_ASSERT(offset > -kHitReach && offset < kHitReach, "a hit is within the paddle's reach");
  m.ball_vy = static_cast<std::int32_t>(speed * offset * kMaxSlopeNum / (kHitReach * kMaxSlopeDen));
  m.ball_vx = slot == 0 ? speed : -speed;
  return true;
}

// Moves the ball one tick; returns the slot that scored, or kNoSlot.
std::uint8_t move_ball(MatchState& m, StepResult& result) {
  const std::int64_t x0 = m.ball_x;
  const std::int64_t vx = m.ball_vx;
  if (vx < 0 && x0 >= kLeftFaceX && x0 + vx < kLeftFaceX) {
    if (try_paddle_hit(m, 0, x0 - kLeftFaceX, -vx)) {
      result.paddle_hit = true;
      return kNoSlot;
    }
  } else if (vx > 0 && x0 + kBallSize <= kRightFaceX && x0 + kBallSize + vx > kRightFaceX) {
    if (try_paddle_hit(m, 1, kRightFaceX - (x0 + kBallSize), vx)) {
      result.paddle_hit = true;
      return kNoSlot;
    }
  }
  bool flipped = false;
  m.ball_x = static_cast<std::int32_t>(x0 + vx);
  m.ball_y = fold_ball_y(static_cast<std::int64_t>(m.ball_y) + m.ball_vy, &flipped);
  if (flipped) m.ball_vy = -m.ball_vy;
  // The goal lines are the side walls: a point once the ball has left the field entirely.
  if (m.ball_x + kBallSize <= 0) return 1;
  if (m.ball_x >= kFieldWidth) return 0;
  return kNoSlot;
}

void award_point(MatchState& m, std::uint8_t scorer, StepResult& result) {
  ++m.score[scorer];
  result.point_scored_by = scorer;
  center_ball(m);
  if (m.score[scorer] >= m.target_score) {
    m.phase = Phase::kGameOver;
    m.winner = scorer;
    m.linger_ticks = 0;
    result.match_over = true;
    return;
  }
  m.phase = Phase::kCountdown;
  m.countdown_ticks = kServeCountdownTicks;
  m.serve_toward = static_cast<std::uint8_t>(1 - scorer);  // Towards the player who conceded.
}

}  // namespace

MatchState new_match(std::uint8_t target_score) {
  MatchState m;
  m.target_score = std::clamp<std::uint8_t>(target_score, 1, kMaxTargetScore);
  center_ball(m);
  return m;
}

void start_match(MatchState& m) {
  m.phase = Phase::kCountdown;
  m.countdown_ticks = kFirstServeCountdownTicks;
  m.tick = 0;
  m.linger_ticks = 0;
  m.score[0] = m.score[1] = 0;
  m.paddle_dir[0] = m.paddle_dir[1] = 0;
  m.winner = kNoSlot;
  m.serve_toward = 0;
  center_ball(m);
}

StepResult step(MatchState& m) {
  StepResult result;
  switch (m.phase) {
    case Phase::kWaiting:
    case Phase::kClosed:
      return result;
    case Phase::kGameOver:
      ++m.tick;
      if (m.linger_ticks < std::numeric_limits<std::uint32_t>::max()) ++m.linger_ticks;
      return result;
    case Phase::kCountdown:
      ++m.tick;
      move_paddles(m);
      if (m.countdown_ticks > 0) --m.countdown_ticks;
      if (m.countdown_ticks == 0) serve(m);
      return result;
    case Phase::kPlaying: {
      ++m.tick;
      move_paddles(m);
      const std::uint8_t scorer = move_ball(m, result);
      if (scorer != kNoSlot) award_point(m, scorer, result);
      return result;
    }
  }
  return result;
}

bool forfeit(MatchState& m, std::uint8_t leaving_slot) {
  if (leaving_slot > 1) return false;
  if (m.phase != Phase::kCountdown && m.phase != Phase::kPlaying) return false;
  m.phase = Phase::kGameOver;
  m.winner = static_cast<std::uint8_t>(1 - leaving_slot);
  m.countdown_ticks = 0;
  m.linger_ticks = 0;
  center_ball(m);
  return true;
}

Score score_of(const MatchState& m) { return Score{m.score[0], m.score[1]}; }

std::int32_t fold_ball_y(std::int64_t unfolded_y, bool* flipped) {
  constexpr std::int64_t kPeriod = 2 * static_cast<std::int64_t>(kBallMaxY);
  const std::int64_t bounces = floor_div(unfolded_y, kPeriod);
  const std::int64_t m = unfolded_y - bounces * kPeriod;  // In [0, kPeriod).
  if (m <= kBallMaxY) {
    *flipped = false;
    return static_cast<std::int32_t>(m);
  }
  *flipped = true;
  return static_cast<std::int32_t>(kPeriod - m);
}

bool valid_match_state(const MatchState& m) {
  const auto in = [](std::int64_t v, std::int64_t lo, std::int64_t hi) {
    return v >= lo && v <= hi;
  };
  if (static_cast<std::uint8_t>(m.phase) > static_cast<std::uint8_t>(Phase::kGameOver)) {
    return false;
  }
  if (m.countdown_ticks > kCountdownTicksMax) return false;
  if (!in(m.ball_x, -kBallSize, kFieldWidth) || !in(m.ball_y, 0, kBallMaxY)) return false;
  if (!in(m.ball_vx, -kSpeedMaxPerTick, kSpeedMaxPerTick)) return false;
  if (!in(m.ball_vy, -kVerticalSpeedMax, kVerticalSpeedMax)) return false;
  if (m.target_score < 1 || m.target_score > kMaxTargetScore) return false;
  for (int slot = 0; slot < 2; ++slot) {
    if (!in(m.paddle_y[slot], 0, kPaddleMaxY) || !in(m.paddle_dir[slot], -1, 1)) return false;
    if (m.score[slot] > m.target_score) return false;
  }
  if (m.serve_toward > 1) return false;
  if (m.phase == Phase::kGameOver) return m.winner <= 1;
  return m.winner == kNoSlot && m.score[0] < m.target_score && m.score[1] < m.target_score;
}

}  // namespace dp::pong
