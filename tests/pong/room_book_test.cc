#include "core/services/pong/book.h"

#include <gtest/gtest.h>

#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

using testing::check_event;
using testing::Driver;
using testing::make_event;

Event open_event(std::uint32_t room, std::string_view name) {
  Event e = make_event(EventKind::kOpenRoom, room);
  e.name.assign(name);
  return e;
}

Event join_event(std::uint32_t room, std::uint8_t slot, std::uint64_t client_id) {
  Event e = make_event(EventKind::kJoin, room, slot, 0, client_id);
  e.client = Endpoint{0x0a000001u, static_cast<std::uint16_t>(5000 + client_id)};
  return e;
}

// A book with room 1 holding clients 11 (left) and 12 (right), match in countdown.
RoomBook book_with_match() {
  RoomBook book(3);
  EXPECT_TRUE(book.apply(open_event(1, "court")).ok());
  EXPECT_TRUE(book.apply(join_event(1, 0, 11)).ok());
  EXPECT_TRUE(book.apply(join_event(1, 1, 12)).ok());
  return book;
}

TEST(RoomBook, RoomGoesFromWaitingThroughPlayToGameOverAndClose) {
  RoomBook book(3);
  ASSERT_TRUE(book.apply(open_event(1, "court")).ok());
  EXPECT_EQ(book.find(1)->match.phase, Phase::kWaiting);
  ASSERT_TRUE(book.apply(join_event(1, 0, 11)).ok());
  EXPECT_EQ(book.find(1)->match.phase, Phase::kWaiting);
  EXPECT_EQ(book.apply(make_event(EventKind::kTick, 1)).error, ApplyError::kWrongPhase);
  ASSERT_TRUE(book.apply(join_event(1, 1, 12)).ok());
  EXPECT_EQ(book.find(1)->match.phase, Phase::kCountdown);
  ASSERT_TRUE(book.seat_of(12).has_value());
  EXPECT_EQ(book.seat_of(12)->slot, 1);

  // Left paddle parks at the top, right at the bottom: both miss a lot.
  ASSERT_TRUE(book.apply(make_event(EventKind::kInput, 1, 0, -1)).ok());
  ASSERT_TRUE(book.apply(make_event(EventKind::kInput, 1, 1, 1)).ok());
  ApplyResult result;
  int points = 0;
  for (int i = 0; i < 100000 && !result.match_over; ++i) {
    result = book.apply(make_event(EventKind::kTick, 1));
    ASSERT_TRUE(result.ok());
    if (result.point_scored_by != kNoSlot) {
      ++points;
      // The replica's own score agrees with the check; a wrong one is caught.
      EXPECT_TRUE(book.apply(check_event(EventKind::kPoint, 1, result.score)).ok());
      Score off_by_one = result.score;
      ++off_by_one.right;
      EXPECT_EQ(book.apply(check_event(EventKind::kPoint, 1, off_by_one)).error,
                ApplyError::kCheckMismatch);
    }
  }
  ASSERT_TRUE(result.match_over);
  const Room& room = *book.find(1);
  EXPECT_EQ(room.match.phase, Phase::kGameOver);
  EXPECT_EQ(room.match.score[result.winner], 3);
  EXPECT_LT(room.match.score[1 - result.winner], 3);
  EXPECT_EQ(points, room.match.score[0] + room.match.score[1]);
  EXPECT_EQ(result.score, score_of(room.match));
  EXPECT_TRUE(book.apply(check_event(EventKind::kMatchOver, 1, result.score, result.winner)).ok());
  EXPECT_EQ(book.apply(check_event(EventKind::kMatchOver, 1, result.score,
                                   static_cast<std::uint8_t>(1 - result.winner)))
                .error,
            ApplyError::kCheckMismatch);
  EXPECT_EQ(book.apply(make_event(EventKind::kInput, 1, 0, 1)).error, ApplyError::kWrongPhase);

  ASSERT_TRUE(book.apply(make_event(EventKind::kTick, 1)).ok());
  EXPECT_EQ(book.find(1)->match.linger_ticks, 1u);
  ASSERT_TRUE(book.apply(make_event(EventKind::kClose, 1)).ok());
  EXPECT_EQ(book.find(1), nullptr);
  EXPECT_FALSE(book.seat_of(11).has_value());
  EXPECT_FALSE(book.seat_of(12).has_value());
}

TEST(RoomBook, LeavingARunningMatchForfeitsIt) {
  RoomBook book = book_with_match();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(book.apply(make_event(EventKind::kTick, 1)).ok());
  const ApplyResult result = book.apply(make_event(EventKind::kLeave, 1, 0));
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result.match_over);
  EXPECT_EQ(result.winner, 1);
  EXPECT_EQ(result.score, score_of(book.find(1)->match)) << "the result carries the final score";
  EXPECT_EQ(book.find(1)->match.phase, Phase::kGameOver);
  EXPECT_EQ(book.find(1)->match.winner, 1);
  EXPECT_FALSE(book.seat_of(11).has_value());
  EXPECT_TRUE(book.seat_of(12).has_value());
  EXPECT_EQ(book.apply(make_event(EventKind::kLeave, 1, 0)).error, ApplyError::kBadSlot);
  // The winner leaving a finished match changes nothing about the result.
  const ApplyResult second = book.apply(make_event(EventKind::kLeave, 1, 1));
  EXPECT_TRUE(second.ok());
  EXPECT_FALSE(second.match_over);
  EXPECT_EQ(book.find(1)->match.winner, 1);
}

TEST(RoomBook, LeavingAWaitingRoomFreesTheSlot) {
  RoomBook book;
  ASSERT_TRUE(book.apply(open_event(1, "")).ok());
  ASSERT_TRUE(book.apply(join_event(1, 0, 11)).ok());
  ASSERT_TRUE(book.apply(make_event(EventKind::kLeave, 1, 0)).ok());
  EXPECT_EQ(book.find(1)->player_count(), 0);
  ASSERT_TRUE(book.apply(join_event(1, 0, 13)).ok());
  EXPECT_EQ(book.find(1)->match.phase, Phase::kWaiting);
}

TEST(RoomBook, BadEventsAreRefusedAndChangeNothing) {
  RoomBook book = book_with_match();
  ASSERT_TRUE(book.apply(open_event(5, "other")).ok());
  const std::uint64_t before = book.digest();
  const struct {
    Event event;
    ApplyError error;
  } cases[] = {
      {make_event(EventKind::kTick, 9), ApplyError::kUnknownRoom},
      {open_event(1, "again"), ApplyError::kRoomIdTaken},
      {open_event(3, "older id"), ApplyError::kRoomIdTaken},
      {open_event(0, "zero"), ApplyError::kRoomIdTaken},
      {join_event(1, 0, 20), ApplyError::kWrongPhase},
      {join_event(5, 2, 20), ApplyError::kInvalidEvent},
      {join_event(5, 0, 11), ApplyError::kAlreadySeated},
      {join_event(5, 0, 0), ApplyError::kBadClient},
      {make_event(EventKind::kInput, 1, 0, 2), ApplyError::kInvalidEvent},
      {make_event(EventKind::kInput, 5, 0, 1), ApplyError::kWrongPhase},
      {make_event(EventKind::kLeave, 5, 1), ApplyError::kBadSlot},
      {check_event(EventKind::kPoint, 1, Score{1, 0}), ApplyError::kCheckMismatch},
      {check_event(EventKind::kMatchOver, 1, Score{0, 0}, 0), ApplyError::kCheckMismatch},
      {make_event(EventKind::kLeave, 1, 2), ApplyError::kInvalidEvent},
      {make_event(EventKind::kInput, 1, 0, -2), ApplyError::kInvalidEvent},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(book.apply(c.event).error, c.error) << apply_error_name(c.error);
    EXPECT_EQ(book.digest(), before) << apply_error_name(c.error);
  }
  ASSERT_TRUE(book.apply(join_event(5, 1, 20)).ok());
  EXPECT_EQ(book.apply(join_event(5, 1, 21)).error, ApplyError::kBadSlot);
}

TEST(RoomBook, ReplicasFedTheSameEventsHaveEqualDigests) {
  Driver leader;
  for (std::uint64_t client = 1; client <= 6; ++client) ASSERT_TRUE(leader.join(client));
  InputTable inputs;
  for (int t = 0; t < 600; ++t) {  // Short enough that no match ends.
    // Scripted inputs that change every few ticks, different per client.
    for (std::uint64_t client = 1; client <= 6; ++client) {
      inputs[client] = static_cast<std::int8_t>(((t / (7 + client)) + client) % 3 - 1);
    }
    ASSERT_TRUE(leader.tick(inputs));
  }
  ASSERT_EQ(leader.book.rooms().size(), 3u);
  RoomBook follower_a;
  RoomBook follower_b;
  for (std::size_t i = 0; i < leader.log.size(); ++i) {
    ASSERT_TRUE(follower_a.apply(leader.log[i]).ok());
    ASSERT_TRUE(follower_b.apply(leader.log[i]).ok());
    if (i % 97 == 0) {
      ASSERT_EQ(follower_a.digest(), follower_b.digest());
    }
  }
  EXPECT_EQ(follower_a.digest(), leader.book.digest());
  EXPECT_EQ(follower_b.digest(), leader.book.digest());
  for (const auto& [id, room] : leader.book.rooms()) {
    EXPECT_EQ(RoomBook::room_digest(room), RoomBook::room_digest(*follower_a.find(id)));
  }

  // One different input makes the state, and so the digest, differ.
  RoomBook diverged;
  bool changed = false;
  for (const Event& e : leader.log) {
    Event copy = e;
    if (!changed && e.kind == EventKind::kInput) {
      copy.direction = static_cast<std::int8_t>(e.direction == 1 ? -1 : 1);
      changed = true;
    }
    diverged.apply(copy);
  }
  ASSERT_TRUE(changed);
  EXPECT_NE(diverged.digest(), leader.book.digest());
}

}  // namespace
}  // namespace dp::pong
