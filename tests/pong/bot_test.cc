#include "core/services/pong/bot.h"

#include <gtest/gtest.h>

#include "core/services/pong/view.h"
#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

using testing::Driver;

struct Outcome {
  std::uint8_t winner = kNoSlot;
  Score score;
  int ticks = 0;
  std::uint64_t digest = 0;
};

// Plays one full match between two bots through the planner and the room book, the way the
// leader would; each bot sees the state a client would receive.
Outcome play(int left_skill, int right_skill, std::uint64_t seed, int tick_limit) {
  Driver d;
  EXPECT_TRUE(d.join(1));
  EXPECT_TRUE(d.join(2));
  const std::uint32_t room_id = d.book.seat_of(1)->room;
  Rng left_rng(seed);
  Rng right_rng(seed + 1);
  Outcome outcome;
  InputTable inputs;
  for (; outcome.ticks < tick_limit; ++outcome.ticks) {
    const Room& room = *d.book.find(room_id);
    if (room.match.phase == Phase::kGameOver) {
      outcome.winner = room.match.winner;
      outcome.score = score_of(room.match);
      break;
    }
    inputs[1] = bot_direction(room_state_for(room, 0, 0), 0, left_skill, left_rng);
    inputs[2] = bot_direction(room_state_for(room, 1, 0), 1, right_skill, right_rng);
    EXPECT_TRUE(d.tick(inputs));
  }
  outcome.digest = d.book.digest();
  return outcome;
}

constexpr int kTenMinutesTicks = 10 * 60 * kTicksPerSecond;

TEST(Bot, SkilledBotBeatsAWeakOneInBoundedTime) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const Outcome o = play(100, 30, seed, kTenMinutesTicks);
    ASSERT_NE(o.winner, kNoSlot) << "seed " << seed;
    EXPECT_EQ(o.winner, 0) << "seed " << seed;
    EXPECT_EQ(o.score.left, kDefaultTargetScore);
    EXPECT_LT(o.score.right, kDefaultTargetScore);
    // The strong side swapped: the right bot wins.
    EXPECT_EQ(play(30, 100, seed, kTenMinutesTicks).winner, 1) << "seed " << seed;
  }
}

TEST(Bot, EvenMatchesEndToo) {
  const Outcome o = play(70, 70, 9, kTenMinutesTicks);
  EXPECT_NE(o.winner, kNoSlot);
}

TEST(Bot, SameSeedSameMatch) {
  const Outcome a = play(80, 60, 5, kTenMinutesTicks);
  const Outcome b = play(80, 60, 5, kTenMinutesTicks);
  EXPECT_EQ(a.ticks, b.ticks);
  EXPECT_EQ(a.digest, b.digest);
}

TEST(Bot, MovesTowardThePredictedInterceptIncludingAWallBounce) {
  wire::RoomState s;
  s.phase = static_cast<std::uint8_t>(Phase::kPlaying);
  s.paddle_left_y = kPaddleMaxY / 2;
  s.paddle_right_y = kPaddleMaxY / 2;
  // Ball heads left and up; it reaches the left face after bouncing off the top wall and
  // arrives near the top, so the left bot must go up even though vy will then be positive.
  s.ball_x = px(400);
  s.ball_y = px(100);
  s.ball_vx = -px(8);
  s.ball_vy = -px(3);
  Rng rng(1);
  EXPECT_EQ(bot_direction(s, 0, 100, rng), -1);
  // The right bot, with the ball going away, drifts to the centre from the bottom.
  s.paddle_right_y = kPaddleMaxY;
  EXPECT_EQ(bot_direction(s, 1, 100, rng), -1);
  // In game over the bot rests.
  s.phase = static_cast<std::uint8_t>(Phase::kGameOver);
  EXPECT_EQ(bot_direction(s, 0, 100, rng), 0);
}

}  // namespace
}  // namespace dp::pong
