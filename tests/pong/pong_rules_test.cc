#include "core/services/pong/rules.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

// A match in play with the ball placed by hand and both paddles centred.
MatchState playing(std::int32_t ball_x, std::int32_t ball_y, std::int32_t vx, std::int32_t vy) {
  MatchState m = new_match(kDefaultTargetScore);
  start_match(m);
  m.phase = Phase::kPlaying;
  m.countdown_ticks = 0;
  m.ball_x = ball_x;
  m.ball_y = ball_y;
  m.ball_vx = vx;
  m.ball_vy = vy;
  return m;
}

// Steps until a paddle hit or a point, at most `limit` ticks.
StepResult step_until_event(MatchState& m, int limit = 1000) {
  for (int i = 0; i < limit; ++i) {
    const StepResult r = step(m);
    if (r.paddle_hit || r.point_scored_by != kNoSlot) return r;
  }
  return {};
}

constexpr std::int32_t kPaddleTop = kPaddleMaxY / 2;
constexpr std::int32_t kBallOnPaddleCentre = kPaddleTop + (kPaddleHeight - kBallSize) / 2;

TEST(PongRules, CountdownOfThreeSecondsBeforeTheFirstServe) {
  MatchState m = new_match(5);
  start_match(m);
  ASSERT_EQ(m.phase, Phase::kCountdown);
  EXPECT_EQ(m.countdown_ticks, 3 * kTicksPerSecond) << "long enough to show 3-2-1";
  const std::int32_t ball_x = m.ball_x;
  for (int i = 0; i < kFirstServeCountdownTicks - 1; ++i) {
    EXPECT_TRUE(first_serve_countdown(m.tick));
    step(m);
    EXPECT_EQ(m.phase, Phase::kCountdown);
    EXPECT_EQ(m.ball_x, ball_x);
    EXPECT_EQ(m.ball_vx, 0);
  }
  EXPECT_TRUE(first_serve_countdown(m.tick));
  step(m);
  EXPECT_EQ(m.phase, Phase::kPlaying);
  EXPECT_LT(m.ball_vx, 0) << "the first serve goes to the left player";
  step(m);
  EXPECT_LT(m.ball_x, ball_x);
}

TEST(PongRules, LaterServesWaitOneSecondAndAreNotTakenForTheFirst) {
  MatchState m = new_match(5);
  start_match(m);
  for (int i = 0; i < kFirstServeCountdownTicks; ++i) step(m);
  ASSERT_EQ(m.phase, Phase::kPlaying);
  // The ball flies over the left paddle: a point, then the next serve's countdown.
  m.ball_x = px(200);
  m.ball_y = px(10);
  m.ball_vx = -kServeSpeedPerTick;
  m.ball_vy = 0;
  ASSERT_EQ(step_until_event(m).point_scored_by, 1);
  ASSERT_EQ(m.phase, Phase::kCountdown);
  EXPECT_EQ(m.countdown_ticks, kTicksPerSecond);
  for (int i = 0; i < kServeCountdownTicks; ++i) {
    EXPECT_FALSE(first_serve_countdown(m.tick));
    EXPECT_EQ(m.phase, Phase::kCountdown);
    step(m);
  }
  EXPECT_EQ(m.phase, Phase::kPlaying);
}

TEST(PongRules, BallSpeedsUpWithEachPaddleHitUpToTheCap) {
  MatchState m = playing(px(100), kBallOnPaddleCentre, -kServeSpeedPerTick, 0);
  StepResult r = step_until_event(m);
  ASSERT_TRUE(r.paddle_hit);
  EXPECT_EQ(m.ball_vx, kServeSpeedPerTick + kSpeedUpPerHit);
  r = step_until_event(m);
  ASSERT_TRUE(r.paddle_hit);
  EXPECT_EQ(m.ball_vx, -(kServeSpeedPerTick + 2 * kSpeedUpPerHit));

  m = playing(px(100), kBallOnPaddleCentre, -kSpeedMaxPerTick, 0);
  ASSERT_TRUE(step_until_event(m).paddle_hit);
  EXPECT_EQ(m.ball_vx, kSpeedMaxPerTick);
}

TEST(PongRules, BounceAngleDependsOnWhereTheBallMeetsThePaddle) {
  const auto vy_after_hit = [](std::int32_t ball_y) {
    MatchState m = playing(px(100), ball_y, -kServeSpeedPerTick, 0);
    EXPECT_TRUE(step_until_event(m).paddle_hit);
    return m.ball_vy;
  };
  const std::int32_t top_edge = vy_after_hit(kPaddleTop - kBallSize + px(2));
  const std::int32_t upper_half = vy_after_hit(kPaddleTop + px(15));
  const std::int32_t centre = vy_after_hit(kBallOnPaddleCentre);
  const std::int32_t lower_half = vy_after_hit(kPaddleTop + px(55));
  const std::int32_t bottom_edge = vy_after_hit(kPaddleTop + kPaddleHeight - px(2));
  EXPECT_EQ(centre, 0);
  EXPECT_LT(top_edge, upper_half);
  EXPECT_LT(upper_half, 0);
  EXPECT_GT(lower_half, 0);
  EXPECT_LT(lower_half, bottom_edge);
  EXPECT_LE(std::abs(bottom_edge), kVerticalSpeedMax);
}

// The ball must bounce whatever the phase of its motion relative to the paddle, at the
// speed cap and far beyond it (three times the cap is more than ball + paddle width, so a
// test of overlap only after each move would let it through).
TEST(PongRules, NoTunnellingThroughAPaddleAtAnySpeed) {
  for (const std::int32_t speed : {kSpeedMaxPerTick, 3 * kSpeedMaxPerTick}) {
    for (std::int32_t start_gap = 1; start_gap <= 2 * speed; start_gap += 37) {
      for (const std::int32_t vy : {0, kVerticalSpeedMax, -kVerticalSpeedMax}) {
        // Aim so the ball's leading edge reaches the face with the ball centred on the paddle.
        const std::int32_t y = kBallOnPaddleCentre - vy * start_gap / speed;
        MatchState left = playing(kLeftFaceX + start_gap, y, -speed, vy);
        StepResult r = step_until_event(left, 10);
        EXPECT_TRUE(r.paddle_hit) << "left, speed " << speed << " gap " << start_gap;
        EXPECT_GT(left.ball_vx, 0);
        EXPECT_GE(left.ball_x, kLeftFaceX);

        MatchState right = playing(kRightFaceX - kBallSize - start_gap, y, speed, vy);
        r = step_until_event(right, 10);
        EXPECT_TRUE(r.paddle_hit) << "right, speed " << speed << " gap " << start_gap;
        EXPECT_LT(right.ball_vx, 0);
        EXPECT_LE(right.ball_x + kBallSize, kRightFaceX);
      }
    }
  }
}

TEST(PongRules, GrazingTheCornerHitsButPassingJustAboveMisses) {
  MatchState graze = playing(px(100), kPaddleTop - kBallSize + 1, -kSpeedMaxPerTick, 0);
  EXPECT_TRUE(step_until_event(graze).paddle_hit);

  MatchState miss = playing(px(100), kPaddleTop - kBallSize, -kSpeedMaxPerTick, 0);
  const StepResult r = step_until_event(miss);
  EXPECT_FALSE(r.paddle_hit);
  EXPECT_EQ(r.point_scored_by, 1);
}

TEST(PongRules, WallsBounceTheBall) {
  MatchState m = playing(px(400), px(2), px(3), -px(5));
  step(m);
  EXPECT_EQ(m.ball_y, px(3));
  EXPECT_EQ(m.ball_vy, px(5));
  m = playing(px(400), kBallMaxY - px(1), px(3), px(4));
  step(m);
  EXPECT_EQ(m.ball_y, kBallMaxY - px(3));
  EXPECT_EQ(m.ball_vy, -px(4));
}

TEST(PongRules, PaddlesMoveAtFixedSpeedAndStayOnTheField) {
  MatchState m = playing(px(400), px(200), px(1), 0);
  m.paddle_dir[0] = -1;
  m.paddle_dir[1] = 1;
  const std::int32_t start = m.paddle_y[0];
  step(m);
  EXPECT_EQ(m.paddle_y[0], start - kPaddleSpeedPerTick);
  EXPECT_EQ(m.paddle_y[1], start + kPaddleSpeedPerTick);
  for (int i = 0; i < 100; ++i) step(m);
  EXPECT_EQ(m.paddle_y[0], 0);
  EXPECT_EQ(m.paddle_y[1], kPaddleMaxY);
}

TEST(PongRules, MissedBallScoresForTheOpponentAndServesTowardTheConceder) {
  MatchState m = playing(px(200), px(10), -kServeSpeedPerTick, 0);  // Above the left paddle.
  const StepResult r = step_until_event(m);
  EXPECT_EQ(r.point_scored_by, 1);
  EXPECT_FALSE(r.match_over);
  EXPECT_EQ(m.score[0], 0);
  EXPECT_EQ(m.score[1], 1);
  EXPECT_EQ(m.phase, Phase::kCountdown);
  EXPECT_EQ(m.countdown_ticks, kServeCountdownTicks);
  for (int i = 0; i < kServeCountdownTicks; ++i) step(m);
  EXPECT_EQ(m.phase, Phase::kPlaying);
  EXPECT_LT(m.ball_vx, 0) << "served toward the left player, who conceded";
}

TEST(PongRules, ReachingTheTargetScoreEndsTheMatchWithTheRightWinner) {
  MatchState m = new_match(3);
  start_match(m);
  int points = 0;
  StepResult last;
  for (int i = 0; i < 100000 && m.phase != Phase::kGameOver; ++i) {
    // The right paddle always blocks the ball and the left one always dodges it, so only
    // the left player concedes.
    m.paddle_y[0] = m.ball_y < kFieldHeight / 2 ? kPaddleMaxY : 0;
    m.paddle_y[1] = std::clamp(m.ball_y - (kPaddleHeight - kBallSize) / 2, 0, kPaddleMaxY);
    last = step(m);
    if (last.point_scored_by != kNoSlot) {
      ++points;
      EXPECT_EQ(last.point_scored_by, 1);
    }
  }
  EXPECT_EQ(points, 3);
  EXPECT_TRUE(last.match_over);
  EXPECT_EQ(m.phase, Phase::kGameOver);
  EXPECT_EQ(m.winner, 1);
  EXPECT_EQ(score_of(m), (Score{0, 3}));
  // Nothing moves or scores after the end; only the linger counter advances.
  const MatchState over = m;
  step(m);
  EXPECT_EQ(m.score[1], over.score[1]);
  EXPECT_EQ(m.linger_ticks, over.linger_ticks + 1);
}

TEST(PongRules, ForfeitGivesTheOtherPlayerTheWin) {
  MatchState m = playing(px(400), px(200), px(5), 0);
  m.score[0] = 2;
  EXPECT_TRUE(forfeit(m, 0));
  EXPECT_EQ(m.phase, Phase::kGameOver);
  EXPECT_EQ(m.winner, 1);
  EXPECT_EQ(score_of(m), (Score{2, 0})) << "the score stands as it was";
  EXPECT_FALSE(forfeit(m, 1)) << "a finished match cannot be forfeited again";
  EXPECT_EQ(m.winner, 1);
}

TEST(PongRules, FoldBallYReflectsOffBothWalls) {
  bool flipped = false;
  EXPECT_EQ(fold_ball_y(px(50), &flipped), px(50));
  EXPECT_FALSE(flipped);
  EXPECT_EQ(fold_ball_y(-px(7), &flipped), px(7));
  EXPECT_TRUE(flipped);
  EXPECT_EQ(fold_ball_y(kBallMaxY + px(7), &flipped), kBallMaxY - px(7));
  EXPECT_TRUE(flipped);
  EXPECT_EQ(fold_ball_y(2 * kBallMaxY + px(7), &flipped), px(7));
  EXPECT_FALSE(flipped);
}

TEST(PongScore, WritesLeftFirstAndOnlyGrows) {
  EXPECT_EQ((Score{3, 2}).str(), "3-2");
  EXPECT_EQ((Score{0, 12}).str(), "0-12");
  EXPECT_EQ((Score{3, 2}).total(), 5);
  EXPECT_TRUE((Score{3, 2}).at_least(Score{3, 1}));
  EXPECT_TRUE((Score{3, 2}).at_least(Score{3, 2}));
  EXPECT_FALSE((Score{3, 2}).at_least(Score{4, 0})) << "the left side lost a point";
  EXPECT_FALSE((Score{3, 2}).at_least(Score{0, 3}));
  EXPECT_LT((Score{2, 9}), (Score{3, 0})) << "ordered left first";
  EXPECT_EQ(score_of(new_match(5)), Score{});
}

}  // namespace
}  // namespace dp::pong
