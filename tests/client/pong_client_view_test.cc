// What the SDL client shows, checked without a display: the screen chosen for a view and the
// countdown's words.
#include <gtest/gtest.h>

#include <vector>

#include "apps/pong-client/screen.h"
#include "core/services/pong/rules.h"

namespace dp::client {
namespace {

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
  return TimedState{s, StatePosition{epoch, s.seq}, arrived};
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

}  // namespace
}  // namespace dp::client
