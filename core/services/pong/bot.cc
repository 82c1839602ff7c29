#include "core/services/pong/bot.h"

#include <algorithm>
#include <cstdlib>

#include "core/services/pong/rules.h"

namespace dp::pong {
namespace {

// How far off-centre a perfect bot meets the ball, to send it away at a steep angle (the
// ball is hit as long as the offset stays under 45 px).
constexpr std::int64_t kAimOffset = px(38);
// Each skill point below 100 adds this much chance per approach of a blunder that misses
// the ball outright, and this much to the largest small aiming error.
constexpr std::uint64_t kBlunderPpmPerSkillPoint = 6000;
constexpr std::int64_t kBlunderOffset = px(90);
constexpr std::int64_t kAimErrorPerSkillPoint = px(1) / 5;

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}

struct Approach {
  std::int64_t intercept_center = -1;  // Ball centre y at the paddle face; -1 if none.
  std::uint64_t id = 0;                // The same on every tick of one approach.
};

// Where the ball's centre will be when its leading edge reaches `my_slot`'s paddle face, if
// it is coming towards that paddle and near enough to react to.
Approach predict(const wire::RoomState& s, std::uint8_t my_slot, std::int64_t reaction_distance) {
  const std::int64_t vx = s.ball_vx;
  const std::int64_t x = s.ball_x;
  std::int64_t distance = 0;
  std::int64_t travelled = 0;  // Since leaving the far paddle's face line.
  if (my_slot == 0 && vx < 0) {
    distance = x - kLeftFaceX;
    travelled = (kRightFaceX - kBallSize) - x;
  } else if (my_slot == 1 && vx > 0) {
    distance = kRightFaceX - (x + kBallSize);
    travelled = x - kLeftFaceX;
  } else {
    return {};
  }
  if (distance < 0 || distance > reaction_distance) return {};
  const std::int64_t speed = vx < 0 ? -vx : vx;
  Approach a;
  bool flipped = false;
  a.intercept_center =
      fold_ball_y(s.ball_y + s.ball_vy * distance / speed, &flipped) + kBallSize / 2;
  // The ball moves exactly `speed` per tick, so the tick it left the far face is constant
  // through one approach and names it.
  const auto started_tick = static_cast<std::uint64_t>(s.tick - travelled / speed);
  a.id = mix(started_tick ^ (static_cast<std::uint64_t>(s.room) << 32) ^ ((my_slot + 1ull) << 62));
  return a;
}

}  // namespace

std::int8_t bot_direction(const wire::RoomState& seen, std::uint8_t my_slot, int skill_percent,
                          Rng& rng) {
  const std::int64_t skill = std::clamp(skill_percent, 0, 100);
  // One draw per call whatever the branch, so the rng stream does not depend on the state.
  const bool hesitates = static_cast<std::int64_t>(rng.uniform(100)) >= skill;
  if (my_slot > 1 || seen.phase == static_cast<std::uint8_t>(Phase::kGameOver) ||
      seen.phase == static_cast<std::uint8_t>(Phase::kClosed)) {
    return 0;
  }

  std::int64_t target_center = kFieldHeight / 2;
  if (seen.phase == static_cast<std::uint8_t>(Phase::kPlaying)) {
    const std::int64_t reaction_distance = kFieldWidth * skill / 100;
    const Approach approach = predict(seen, my_slot, reaction_distance);
    if (approach.intercept_center >= 0) {
      // Meeting the ball below the paddle's centre sends it downwards, and vice versa: send
      // it towards the far wall from where it arrives.
      const std::int64_t aim = kAimOffset * skill / 100;
      // Misjudgements are fixed for the whole approach (a per-tick error would average out).
      const std::uint64_t h = approach.id;
      const auto misjudged = static_cast<std::uint64_t>(100 - skill);
      std::int64_t error = 0;
      if (h % 1000000 < misjudged * kBlunderPpmPerSkillPoint) {
        error = (h >> 20) % 2 == 0 ? kBlunderOffset : -kBlunderOffset;
      } else {
        const auto error_max = static_cast<std::int64_t>(misjudged) * kAimErrorPerSkillPoint;
        error =
            static_cast<std::int64_t>((h >> 24) % static_cast<std::uint64_t>(2 * error_max + 1)) -
            error_max;
      }
      const std::int64_t intercept = approach.intercept_center;
      target_center = intercept - (intercept < kFieldHeight / 2 ? aim : -aim) + error;
    }
  }
  if (hesitates) return 0;

  const std::int64_t paddle_top = my_slot == 0 ? seen.paddle_left_y : seen.paddle_right_y;
  const std::int64_t diff = target_center - (paddle_top + kPaddleHeight / 2);
  const std::int64_t dead_zone = kPaddleSpeedPerTick / 2 + (100 - skill) * px(3) / 10;
  if (diff > dead_zone) return 1;
  if (diff < -dead_zone) return -1;
  return 0;
}

}  // namespace dp::pong
