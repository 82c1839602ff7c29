// What the SDL client shows, checked without a display: the screen chosen for a view, the
// countdown's words, and where the ball is drawn between states (no rubber band after a
// failover).
#include <gtest/gtest.h>

#include <vector>

#include "apps/pong-client/interpolation.h"
#include "apps/pong-client/screen.h"
#include "core/services/pong/rules.h"

namespace dp::client {
namespace {

constexpr TimeUs kTickUs = Interpolator::kTickUs;

wire::RoomState state_of(std::uint8_t phase, std::uint32_t tick = 0) {
  wire::RoomState s;
  s.room = 4;
  s.seq = 1 + tick;
  s.phase = phase;
  s.tick = tick;
  s.target_score = 5;
  return s;
}

TimedState timed(const wire::RoomState& s, const Epoch& epoch, TimeUs arrived) {
  return TimedState{s, StatePosition{epoch, s.seq}, arrived, {}};
}

TEST(PongClientScreen, TheResultStaysOnScreenAfterTheRoomCloses) {
  ClientView view;
  view.phase = ClientPhase::kFinished;
  wire::RoomState over = state_of(room_phase::kGameOver, 900);
  over.score_left = 4;
  over.score_right = 5;
  over.winner = 2;
  view.recent.push_back(timed(over, Epoch{3, NodeId{0, 1}}, 0));
  view.result = FinalResult{4, 1, 0, 4, 5, 0};
  EXPECT_EQ(screen_for(view), Screen::kGameOver);
  // The leader closes the finished room a couple of seconds later.
  wire::RoomState closed = over;
  closed.phase = room_phase::kClosed;
  closed.seq += 1;
  view.recent.push_back(timed(closed, Epoch{3, NodeId{0, 1}}, 2 * kUsPerSecond));
  EXPECT_EQ(screen_for(view), Screen::kGameOver) << "not \"the room closed\"";
  // A room that closed without a result of ours says so.
  view.result.reset();
  EXPECT_EQ(screen_for(view), Screen::kClosed);
}

TEST(PongClientScreen, PicksTheScreenOfTheNewestPhase) {
  ClientView view;
  EXPECT_EQ(screen_for(view), Screen::kSearching);
  view.phase = ClientPhase::kJoining;
  EXPECT_EQ(screen_for(view), Screen::kJoining);
  view.phase = ClientPhase::kSeated;
  view.recent.push_back(timed(state_of(room_phase::kWaiting), Epoch{3, NodeId{0, 1}}, 0));
  EXPECT_EQ(screen_for(view), Screen::kWaiting);
  view.recent.back().state.phase = room_phase::kCountdown;
  EXPECT_EQ(screen_for(view), Screen::kCountdown);
  view.recent.back().state.phase = room_phase::kPlaying;
  EXPECT_EQ(screen_for(view), Screen::kPlaying);
}

TEST(PongClientScreen, TheFirstServeCountsDownThreeTwoOneThenGo) {
  pong::MatchState m = pong::new_match(5);
  pong::start_match(m);
  std::vector<std::string> shown;
  wire::RoomState s = state_of(room_phase::kCountdown);
  while (m.phase == pong::Phase::kCountdown) {
    s.tick = m.tick;
    s.countdown_ticks = m.countdown_ticks;
    const std::string words = countdown_text(s);
    if (shown.empty() || shown.back() != words) shown.push_back(words);
    pong::step(m);
  }
  EXPECT_EQ(shown, (std::vector<std::string>{"3", "2", "1"}));
  s = state_of(room_phase::kPlaying, m.tick);
  EXPECT_EQ(playing_banner(s), "GO!");
  s.tick += pong::kTicksPerSecond;
  EXPECT_EQ(playing_banner(s), "") << "GO is brief";
}

TEST(PongClientScreen, LaterServesSayGetReadyNotALoneOne) {
  wire::RoomState s = state_of(room_phase::kCountdown, 2000);
  s.score_left = 1;
  for (int left = pong::kServeCountdownTicks; left > 0; --left) {
    s.countdown_ticks = static_cast<std::uint16_t>(left);
    EXPECT_EQ(countdown_text(s), "Get ready");
  }
  s.phase = room_phase::kPlaying;
  EXPECT_EQ(playing_banner(s), "");
}

// A rally: the ball flies right at 5 px a tick.
wire::RoomState rally_at(std::uint32_t tick) {
  wire::RoomState s = state_of(room_phase::kPlaying, tick);
  s.score_left = 1;
  s.ball_vx = pong::px(5);
  s.ball_x = pong::px(100) + static_cast<std::int32_t>(tick - 1000) * s.ball_vx;
  s.ball_y = pong::px(200);
  return s;
}

TEST(PongClientInterpolation, TheBallDoesNotRubberBandBackAfterAFailover) {
  Interpolator in;
  const Epoch old_leader{3, NodeId{0, 1}};
  const Epoch new_leader{4, NodeId{0, 2}};
  const TimeUs start = 10 * kUsPerSecond;
  float drawn_max = 0;
  float went_back_px = 0;
  auto draw = [&](TimeUs now) {
    const std::optional<DrawnPositions> p = in.at(now);
    ASSERT_TRUE(p.has_value());
    went_back_px = std::max(went_back_px, drawn_max - p->ball_x);
    drawn_max = std::max(drawn_max, p->ball_x);
  };
  // 60 states from the old leader, drawn at 60 fps.
  TimeUs now = start;
  for (std::uint32_t t = 1000; t < 1060; ++t) {
    now = start + (t - 1000) * kTickUs;
    in.add(timed(rally_at(t), old_leader, now));
    draw(now + kTickUs / 2);
  }
  // The old leader dies: 300 ms of silence, drawn all along.
  for (int i = 0; i < 18; ++i) draw(now + kTickUs / 2 + i * kTickUs);
  // The new leader had not received the old one's last 5 ticks: it sends them again.
  now += 300 * kUsPerMs;
  for (std::uint32_t t = 1055; t < 1100; ++t) {
    now += kTickUs;
    wire::RoomState s = rally_at(t);
    s.seq += 100;
    in.add(timed(s, new_leader, now));
    draw(now + kTickUs / 2);
  }
  EXPECT_LT(went_back_px, 1.0f) << "the ball was drawn going back";
  EXPECT_GT(drawn_max, pong::px(100 + 5 * 90) / 256.0f) << "the ball moves on";
}

TEST(PongClientInterpolation, ANewRallyStartsFromTheCentre) {
  Interpolator in;
  const Epoch e{3, NodeId{0, 1}};
  for (std::uint32_t t = 1000; t < 1010; ++t) in.add(timed(rally_at(t), e, t * kTickUs));
  // A point: the next serve's countdown shows the ball where the state has it.
  wire::RoomState countdown = state_of(room_phase::kCountdown, 1010);
  countdown.score_left = 2;
  countdown.ball_x = pong::px(395);
  in.add(timed(countdown, e, 1010 * kTickUs));
  const std::optional<DrawnPositions> p = in.at(1011 * kTickUs);
  ASSERT_TRUE(p.has_value());
  EXPECT_FLOAT_EQ(p->ball_x, 395.0f);
}

}  // namespace
}  // namespace dp::client
