// What the racing window shows, checked without a display: the countdown's words, the
// standings and headline, the spectator's banner, and where traffic and racers are drawn
// between states (interpolated, extrapolated by traffic_speed, never back after a failover).
#include <gtest/gtest.h>

#include <vector>

#include "apps/pong-client/race_view.h"
#include "apps/pong-client/screen.h"
#include "core/services/racing/race.h"

namespace dp::client {
namespace {

constexpr TimeUs kTickUs = RaceInterpolator::kTickUs;
constexpr std::uint8_t kRacing = 2;

wire::RaceState race_at(std::uint32_t tick, std::uint8_t phase = kRacing) {
  wire::RaceState r;
  r.room = 7;
  r.seq = 100 + tick;
  r.phase = phase;
  r.tick = tick;
  r.traffic_speed = racing::traffic_speed(tick);
  r.traffic.push_back(
      wire::RaceCar{racing::px(300), racing::px(-70) + r.traffic_speed * static_cast<int>(tick)});
  for (int i = 0; i < 2; ++i) {
    wire::RaceRacer racer;
    racer.x = racing::px(300 + 100 * i) + racing::px(static_cast<int>(tick));
    racer.flags = wire::RaceRacer::kRacing | wire::RaceRacer::kAlive | wire::RaceRacer::kPresent;
    r.racers.push_back(racer);
  }
  return r;
}

TimedState timed(const wire::RaceState& r, TimeUs arrived, std::uint64_t epoch = 3) {
  wire::RoomState common;
  common.room = r.room;
  common.seq = r.seq;
  common.phase = r.phase;
  common.tick = r.tick;
  common.countdown_ticks = r.countdown_ticks;
  common.your_slot = r.your_slot;
  common.winner = r.winner;
  return TimedState{common, StatePosition{Epoch{epoch, NodeId{0, 1}}, r.seq}, arrived, r};
}

TEST(RaceClientView, TheCountdownShowsThreeTwoOneThenGo) {
  std::vector<std::string> shown;
  wire::RoomState s;
  s.phase = 1;
  for (int left = racing::kCountdownTicks; left > 0; --left) {
    s.countdown_ticks = static_cast<std::uint16_t>(left);
    const std::string words = race_countdown_text(s);
    if (shown.empty() || shown.back() != words) shown.push_back(words);
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"3", "2", "1"}));
  s.phase = kRacing;
  s.tick = 0;
  EXPECT_EQ(race_banner(s), "GO!");
  s.tick = 60;
  EXPECT_EQ(race_banner(s), "") << "GO! lasts half a second";
}

TEST(RaceClientView, TheRaceUsesTheSameScreensAsPong) {
  ClientView view;
  view.game = Game::kRacing;
  view.phase = ClientPhase::kSeated;
  view.recent.push_back(timed(race_at(0, 0), 0));
  EXPECT_EQ(screen_for(view), Screen::kWaiting);
  view.recent.back().state.phase = 1;
  EXPECT_EQ(screen_for(view), Screen::kCountdown);
  view.recent.back().state.phase = kRacing;
  EXPECT_EQ(screen_for(view), Screen::kPlaying);
  view.recent.back().state.phase = 3;
  view.recent.back().state.winner = 1;
  view.result = FinalResult{7, 0, 0, 0, 0, 0};
  EXPECT_EQ(screen_for(view), Screen::kGameOver);
}

TEST(RaceClientView, ASpectatorMovesOnFromTheResultToTheNextRoom) {
  ClientView view;
  view.spectating = true;
  view.phase = ClientPhase::kSeated;
  view.result = FinalResult{7, 0, 4, 0, 0, 0};
  wire::RaceState next = race_at(0, 1);
  next.room = 8;
  view.recent.push_back(timed(next, 0));
  EXPECT_EQ(screen_for(view), Screen::kCountdown);
}

TEST(RaceClientView, StandingsPutTheBestScoreFirstAndMarkTheCrashed) {
  wire::RaceState r = race_at(300);
  r.your_slot = 1;
  r.racers[0].name = wire::PlayerName("ada");
  r.racers[0].score = 4;
  r.racers[1].name = wire::PlayerName("bob");
  r.racers[1].score = 9;
  r.racers[0].flags &= static_cast<std::uint8_t>(~wire::RaceRacer::kAlive);
  wire::RaceRacer absent;  // An empty seat takes no row.
  r.racers.push_back(absent);
  const std::vector<Standing> rows = race_standings(r);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].name, "bob");
  EXPECT_TRUE(rows[0].you);
  EXPECT_TRUE(rows[0].alive);
  EXPECT_EQ(rows[1].name, "ada");
  EXPECT_FALSE(rows[1].alive);
}

TEST(RaceClientView, HeadlinesForRacersAndSpectators) {
  wire::RaceState r = race_at(300, 3);
  r.racers[0].name = wire::PlayerName("ada");
  r.your_slot = 0;
  r.winner = 1;
  EXPECT_EQ(race_headline(r), "You win!");
  r.your_slot = 1;
  EXPECT_EQ(race_headline(r), "You lose");
  r.your_slot = wire::RaceState::kSpectator;
  EXPECT_EQ(race_headline(r), "ada wins");
  r.winner = wire::RaceState::kDrawWinner;
  EXPECT_EQ(race_headline(r), "Draw");
}

TEST(RaceClientView, TheSpectatorBannerNamesTheRoom) {
  wire::RoomState s;
  s.room = 3;
  EXPECT_EQ(watching_banner(s), "WATCHING room 3");
  s.name = wire::RoomName("lan-party");
  EXPECT_EQ(watching_banner(s), "WATCHING room lan-party (3)");
}

TEST(RaceClientView, TheRoadScrollsByTheRampedSpeed) {
  EXPECT_DOUBLE_EQ(road_distance_px(0), 0);
  EXPECT_DOUBLE_EQ(road_distance_px(10), 70);  // 7 px per tick at first.
  // One ramp step at 7 px, then 8 px per tick.
  EXPECT_DOUBLE_EQ(road_distance_px(racing::kRampTicks + 10), racing::kRampTicks * 7.0 + 80);
  double sum = 0;
  for (std::uint32_t t = 0; t < 20 * racing::kRampTicks; ++t) {
    sum += racing::traffic_speed(t) / 256.0;
  }
  EXPECT_DOUBLE_EQ(road_distance_px(20.0 * racing::kRampTicks), sum);
}

TEST(RaceClientView, TrafficMovesOnSmoothlyBetweenSpectatorStates) {
  RaceInterpolator interp;
  // A spectator's 20 Hz: one state every three ticks, on time.
  const TimeUs t0 = 1'000'000;
  for (std::uint32_t tick = 30; tick <= 60; tick += 3) {
    interp.add(timed(race_at(tick), t0 + static_cast<TimeUs>(tick) * kTickUs));
  }
  float last_y = -1e9F;
  float last_x = -1e9F;
  for (TimeUs now = t0 + 50 * kTickUs; now <= t0 + 60 * kTickUs; now += kTickUs / 4) {
    const std::optional<DrawnRace> d = interp.at(now);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->traffic.size(), 1U);
    // The car falls at 7 px per tick, in every quarter tick, not in jumps of three ticks.
    EXPECT_GT(d->traffic[0].y, last_y);
    if (last_y > -1e8F) {
      EXPECT_NEAR(d->traffic[0].y - last_y, 7.0F / 4, 0.05F);
    }
    last_y = d->traffic[0].y;
    EXPECT_GE(d->racer_x[0], last_x);
    last_x = d->racer_x[0];
  }
}

TEST(RaceClientView, ExtrapolationStopsAndAFailoverReplayDoesNotPullTrafficBack) {
  RaceInterpolator interp;
  const TimeUs t0 = 1'000'000;
  for (std::uint32_t tick = 1; tick <= 100; ++tick) {
    interp.add(timed(race_at(tick), t0 + static_cast<TimeUs>(tick) * kTickUs));
  }
  // The leader dies: no state for half a second. The car goes on a few ticks, then holds.
  const float at_100 = -70 + 7.0F * 100;
  const std::optional<DrawnRace> late = interp.at(t0 + 130 * kTickUs);
  ASSERT_TRUE(late);
  EXPECT_NEAR(late->traffic[0].y, at_100 + 7.0F * RaceInterpolator::kExtrapolateTicksMax, 0.01F);
  // The new leader replays ticks 96-100 first: what is drawn does not go back.
  for (std::uint32_t tick = 96; tick <= 100; ++tick) {
    interp.add(timed(race_at(tick), t0 + 131 * kTickUs, 4));
    const std::optional<DrawnRace> d = interp.at(t0 + 131 * kTickUs);
    EXPECT_GE(d->traffic[0].y, late->traffic[0].y - 0.01F);
  }
}

}  // namespace
}  // namespace dp::client
