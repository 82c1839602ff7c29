#include "core/services/pong/planner.h"

#include <gtest/gtest.h>

#include "core/services/pong/view.h"
#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

using testing::Driver;

std::uint32_t room_of(const Driver& d, std::uint64_t client_id) {
  const auto seat = d.book.seat_of(client_id);
  return seat ? seat->room : 0;
}

TEST(RoomPlanner, TwoClientsShareARoomAndAThirdOpensAnother) {
  Driver d;
  ASSERT_TRUE(d.join(101));
  ASSERT_TRUE(d.join(102));
  ASSERT_TRUE(d.join(103));
  EXPECT_EQ(room_of(d, 101), room_of(d, 102));
  EXPECT_NE(room_of(d, 103), room_of(d, 101));
  EXPECT_EQ(d.book.seat_of(101)->slot, 0);
  EXPECT_EQ(d.book.seat_of(102)->slot, 1);
  EXPECT_EQ(d.book.find(room_of(d, 101))->match.phase, Phase::kCountdown);
  EXPECT_EQ(d.book.find(room_of(d, 103))->match.phase, Phase::kWaiting);
  ASSERT_TRUE(d.join(104));
  EXPECT_EQ(room_of(d, 104), room_of(d, 103));
  EXPECT_EQ(d.book.rooms().size(), 2u);
}

TEST(RoomPlanner, NamedRoomsKeepTheirOwnPlayers) {
  Driver d;
  ASSERT_TRUE(d.join(1, "alpha"));
  ASSERT_TRUE(d.join(2));  // Unnamed: must not land in "alpha".
  ASSERT_TRUE(d.join(3, "beta"));
  ASSERT_TRUE(d.join(4, "alpha"));
  EXPECT_EQ(room_of(d, 4), room_of(d, 1));
  EXPECT_NE(room_of(d, 2), room_of(d, 1));
  EXPECT_NE(room_of(d, 3), room_of(d, 1));
  EXPECT_EQ(d.book.find(room_of(d, 1))->name.view(), "alpha");
  // "alpha" is full now: the next "alpha" player gets a fresh room of that name.
  ASSERT_TRUE(d.join(5, "alpha"));
  EXPECT_NE(room_of(d, 5), room_of(d, 1));
  EXPECT_EQ(d.book.find(room_of(d, 5))->name.view(), "alpha");
}

TEST(RoomPlanner, ALobbyPickJoinsThatRoomByNumberWhileItHasASeat) {
  Driver d;
  ASSERT_TRUE(d.join(1));  // Room 1, waiting.
  ASSERT_TRUE(d.join(2, "x"));
  ASSERT_TRUE(d.join(3));  // Fills room 1.
  ASSERT_TRUE(d.join(4));  // Room 3, waiting.
  const std::uint32_t named = room_of(d, 2);
  ASSERT_TRUE(d.join(5, "", named));  // By number: the named room, though no name was given.
  EXPECT_EQ(room_of(d, 5), named);
  ASSERT_TRUE(d.join(6, "", room_of(d, 1)));  // Full: a quick match instead (room 3).
  EXPECT_EQ(room_of(d, 6), room_of(d, 4));
}

TEST(RoomPlanner, ASeatedClientGetsNothingNew) {
  Driver d;
  ASSERT_TRUE(d.join(1));
  std::vector<Event> planned;
  plan_join(d.book, 1, Endpoint{1, 2}, "", planned);
  plan_join(d.book, 1, Endpoint{1, 2}, "elsewhere", planned);
  plan_join(d.book, 0, Endpoint{1, 2}, "", planned);
  EXPECT_TRUE(planned.empty());
}

TEST(RoomPlanner, AJoinFromAPlayerOfAFinishedMatchReattachesToIt) {
  // Found by the swarm: a player that re-homed after a failover, before it saw its match's
  // result, was moved to a new room and never learned who won.
  Driver d(/*target_score=*/1);
  ASSERT_TRUE(d.join(1));
  ASSERT_TRUE(d.join(2));
  const std::uint32_t room = room_of(d, 1);
  // Nobody moves a paddle: the first point ends the match.
  for (int i = 0; i < 100000 && d.book.find(room)->match.phase != Phase::kGameOver; ++i) {
    ASSERT_TRUE(d.tick({}));
  }
  ASSERT_EQ(d.book.find(room)->match.phase, Phase::kGameOver);
  std::vector<Event> planned;
  plan_join(d.book, 1, Endpoint{1, 2}, "", planned);
  EXPECT_TRUE(planned.empty());
  EXPECT_EQ(room_of(d, 1), room);
}

TEST(RoomPlanner, TickPlansOnlyChangedInputsThenTheTick) {
  Driver d;
  ASSERT_TRUE(d.join(1));
  ASSERT_TRUE(d.join(2));
  ASSERT_TRUE(d.join(3));  // Waiting alone: no events for its room.
  std::vector<Event> planned;
  plan_tick(d.book, InputTable{{1, 1}, {2, 0}, {3, 1}}, planned);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_EQ(planned[0].kind, EventKind::kInput);
  EXPECT_EQ(planned[0].slot, 0);
  EXPECT_EQ(planned[0].direction, 1);
  EXPECT_EQ(planned[1].kind, EventKind::kTick);
  ASSERT_TRUE(d.apply_all(planned));
  planned.clear();
  plan_tick(d.book, InputTable{{1, 1}, {2, 0}}, planned);
  ASSERT_EQ(planned.size(), 1u) << "an unchanged input is not ordered again";
  EXPECT_EQ(planned[0].kind, EventKind::kTick);
}

TEST(RoomPlanner, FinishedRoomsLingerThenCloseAndEmptyRoomsClose) {
  Driver d;
  ASSERT_TRUE(d.join(1));
  ASSERT_TRUE(d.join(2));
  ASSERT_TRUE(d.join(3));
  const std::uint32_t match_room = room_of(d, 1);
  const std::uint32_t lonely_room = room_of(d, 3);
  std::vector<Event> planned;
  plan_leave(d.book, 2, planned);  // Client 2 forfeits.
  ASSERT_EQ(planned.size(), 1u);
  ASSERT_TRUE(d.apply_all(planned));
  EXPECT_EQ(d.log.back().kind, EventKind::kMatchOver) << "the forfeit is checked like an end";
  EXPECT_EQ(d.book.find(match_room)->match.winner, 0);

  planned.clear();
  plan_leave(d.book, 3, planned);
  ASSERT_TRUE(d.apply_all(planned));
  int ticks = 0;
  while (d.book.find(match_room) != nullptr && ticks < 1000) {
    ASSERT_TRUE(d.tick({}));
    ++ticks;
    EXPECT_EQ(d.book.find(lonely_room), nullptr) << "an empty waiting room closes at once";
  }
  EXPECT_EQ(ticks, static_cast<int>(kDefaultGameOverLingerTicks) + 1);
  EXPECT_TRUE(d.book.rooms().empty());
  EXPECT_FALSE(d.book.seat_of(1).has_value());
}

TEST(RoomPlanner, APlayerFromAFinishedRoomCanJoinANewMatch) {
  Driver d;
  ASSERT_TRUE(d.join(1));
  ASSERT_TRUE(d.join(2));
  std::vector<Event> planned;
  plan_leave(d.book, 2, planned);  // A forfeit: player 1 wins.
  ASSERT_TRUE(d.apply_all(planned));
  const std::uint32_t old_room = room_of(d, 1);
  // Playing again, the client joins under a fresh id (see ClientNode::play_again).
  ASSERT_TRUE(d.join(3));
  EXPECT_NE(room_of(d, 3), 0u);
  EXPECT_NE(room_of(d, 3), old_room);
}

TEST(RoomPlanner, ChecksFollowPointsAndMatchEnds) {
  std::vector<Event> planned;
  ApplyResult plain;
  plan_checks(4, plain, planned);
  EXPECT_TRUE(planned.empty());
  ApplyResult final_point;
  final_point.point_scored_by = 1;
  final_point.match_over = true;
  final_point.winner = 1;
  final_point.score = Score{2, 5};
  plan_checks(4, final_point, planned);
  ASSERT_EQ(planned.size(), 2u);
  EXPECT_EQ(planned[0].kind, EventKind::kPoint);
  EXPECT_EQ(planned[0].score, (Score{2, 5}));
  EXPECT_EQ(planned[1].kind, EventKind::kMatchOver);
  EXPECT_EQ(planned[1].slot, 1);
  EXPECT_EQ(planned[1].score, (Score{2, 5}));
  EXPECT_EQ(planned[1].room, 4u);
}

TEST(RoomView, StateForAClientShowsItsSlotPhaseAndWinner) {
  Driver d;
  ASSERT_TRUE(d.join(1, "view"));
  ASSERT_TRUE(d.join(2, "view"));
  const Room& room = *d.book.find(room_of(d, 1));
  wire::RoomState s = room_state_for(room, 1, 77);
  EXPECT_TRUE(s.valid());
  EXPECT_EQ(s.seq, 77u);
  EXPECT_EQ(s.your_slot, 1);
  EXPECT_EQ(s.phase, 1);  // Countdown.
  EXPECT_EQ(s.winner, 0);
  EXPECT_EQ(s.name.view(), "view");
  EXPECT_EQ(s.countdown_ticks, kFirstServeCountdownTicks);

  std::vector<Event> planned;
  plan_leave(d.book, 1, planned);
  ASSERT_TRUE(d.apply_all(planned));
  s = room_state_for(*d.book.find(room.id), 0, 78);
  EXPECT_EQ(s.phase, 3);   // Game over.
  EXPECT_EQ(s.winner, 2);  // Slot 1, plus one.
  const wire::RoomState closed = closed_room_state(room, 0, 79);
  EXPECT_EQ(closed.phase, 4);
  EXPECT_EQ(closed.score_left, room.match.score[0]) << "the final score stays on screen";
  EXPECT_EQ(closed.score_right, room.match.score[1]);
}

}  // namespace
}  // namespace dp::pong
