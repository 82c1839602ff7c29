// The racing rules: one road and one traffic for every racer, drawn from the seed and the tick
// only; countdown, steering, passes, crashes, the end of a race and its winner.
#include "core/services/racing/race.h"

#include <gtest/gtest.h>

namespace dp::racing {
namespace {

RaceState started(std::uint64_t seed, int racers) {
  RaceState race = new_race(seed);
  for (int slot = 0; slot < racers; ++slot) seat_racer(race, static_cast<std::uint8_t>(slot));
  start_countdown(race);
  return race;
}

void through_countdown(RaceState& race) {
  for (int i = 0; i < kCountdownTicks; ++i) step(race);
}

TEST(RaceRules, CountdownLastsThreeSecondsThenGo) {
  RaceState race = started(7, 2);
  for (int i = 0; i < kCountdownTicks - 1; ++i) step(race);
  EXPECT_EQ(race.phase, Phase::kCountdown);
  EXPECT_EQ(race.countdown_ticks, 1);
  step(race);
  EXPECT_EQ(race.phase, Phase::kRacing);
  EXPECT_EQ(race.tick, 0u);
}

TEST(RaceRules, TrafficDependsOnSeedAndTickNotOnRacers) {
  RaceState steering_left = started(42, 2);
  RaceState idle = started(42, 3);
  through_countdown(steering_left);
  through_countdown(idle);
  steering_left.racers[0].dir = -1;
  for (int i = 0; i < 600; ++i) {
    step(steering_left);
    step(idle);
    if (steering_left.phase != Phase::kRacing || idle.phase != Phase::kRacing) break;
    ASSERT_EQ(steering_left.traffic, idle.traffic) << "tick " << i;
    ASSERT_EQ(steering_left.traffic_digest, idle.traffic_digest);
    ASSERT_EQ(steering_left.traffic_digest, expected_traffic_digest(42, steering_left.tick));
  }
  EXPECT_NE(expected_traffic_digest(42, 600), expected_traffic_digest(43, 600));
}

TEST(RaceRules, SteeringMovesFivePixelsAndStaysOnTheRoad) {
  RaceState race = started(1, 2);
  through_countdown(race);
  const std::int32_t x0 = race.racers[1].x;
  race.racers[1].dir = 1;
  step(race);
  EXPECT_EQ(race.racers[1].x, x0 + px(5));
  race.racers[0].dir = -1;
  for (int i = 0; i < 200 && race.racers[0].alive; ++i) step(race);
  EXPECT_GE(race.racers[0].x, kRoadLeft);
}

TEST(RaceRules, EveryRacerScoresAPassAndCrashesEndTheRace) {
  RaceState race = started(9, 2);
  through_countdown(race);
  int steps = 0;
  while (race.phase == Phase::kRacing && steps < static_cast<int>(kRaceTimeLimitTicks) + 1) {
    step(race);
    ++steps;
  }
  ASSERT_EQ(race.phase, Phase::kGameOver);
  // Nobody steered: both racers sat in their lanes, and some car hit each of them.
  EXPECT_EQ(alive_count(race), 0);
  EXPECT_TRUE(race.winner == kDraw || race.winner < 2);
  const std::uint16_t a = race.racers[0].score;
  const std::uint16_t b = race.racers[1].score;
  if (a == b) {
    EXPECT_EQ(race.winner, kDraw);
  } else {
    EXPECT_EQ(race.winner, a > b ? 0 : 1);
  }
  EXPECT_TRUE(valid_race_state(race));
}

TEST(RaceRules, ARetiredRacerKeepsItsScoreAndTheLastOneWinsByScore) {
  RaceState race = started(5, 2);
  through_countdown(race);
  race.racers[0].score = 3;
  const StepResult retired = retire(race, 0);
  EXPECT_TRUE(retired.scores_changed);
  EXPECT_FALSE(retired.race_over);
  EXPECT_EQ(race.racers[0].score, 3);
  race.racers[1].score = 3;
  EXPECT_TRUE(retire(race, 1).race_over);
  EXPECT_EQ(race.winner, kDraw);
}

TEST(RaceRules, DifficultyRamps) {
  EXPECT_EQ(traffic_speed(0), px(7));
  EXPECT_GT(traffic_speed(kRampTicks * 3), traffic_speed(0));
  EXPECT_EQ(traffic_speed(kRaceTimeLimitTicks), kTrafficSpeedMax);
  EXPECT_LT(spawn_interval(kRampTicks * 3), spawn_interval(0));
  EXPECT_EQ(spawn_interval(kRaceTimeLimitTicks), kSpawnIntervalMin);
}

TEST(RaceRules, TheTimeLimitEndsARace) {
  RaceState race = started(3, 2);
  through_countdown(race);
  race.tick = kRaceTimeLimitTicks - 1;
  for (TrafficCar& car : race.traffic) car = TrafficCar{};
  const StepResult r = step(race);
  EXPECT_TRUE(r.race_over);
  EXPECT_EQ(race.phase, Phase::kGameOver);
}

}  // namespace
}  // namespace dp::racing
