// PongService on a LogReplica, driven by hand: a leader with one follower whose ACKs the test
// decides. Players are shown scores and results only once committed, a finished room stays
// open until its result is shown, and players of a closed room get its final state.
#include "core/services/pong/service.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/services/pong/notes.h"
#include "tests/pong/match_driver.h"
#include "tests/replication/deliver_snapshot.h"
#include "tests/replication/replica_harness.h"
#include "tests/support/pong_replica.h"

namespace dp::pong {
namespace {

using dp::testing::drain_to;
using dp::testing::PongLeader;
using dp::testing::room_states;

const Endpoint kClientA{0x7f020001, 40001};
const Endpoint kClientB{0x7f020002, 40002};
const Endpoint kLeaderControl{0x7f010009, 50010};
constexpr std::uint64_t kA = 101;  // Joins first: the left slot.
constexpr std::uint64_t kB = 102;

PongConfig first_point_wins() {
  PongConfig config;
  config.target_score = 1;
  // The test's players send no inputs: none may forfeit while the match runs and lingers.
  config.forfeit_timeout_us = 60 * kUsPerSecond;
  return config;
}

// The leader's only room (the test's two players share it), or nullptr.
const Room* only_room(const PongLeader& leader) {
  const auto& rooms = leader.book().rooms();
  return rooms.empty() ? nullptr : &rooms.begin()->second;
}

Phase phase_of(const PongLeader& leader) {
  const Room* room = only_room(leader);
  return room == nullptr ? Phase::kClosed : room->match.phase;
}

// Starts the leader and seats both players; everything so far is committed.
void start_match(PongLeader& leader) {
  ASSERT_TRUE(leader.start_with_follower());
  leader.join(kA, kClientA);
  leader.join(kB, kClientB);
  leader.tick();
  leader.ack_all();
  ASSERT_NE(only_room(leader), nullptr);
  ASSERT_EQ(only_room(leader)->match.phase, Phase::kCountdown);
}

// Ticks without ACKs until the leader's own room meets `done` (at most `limit` ticks).
template <class Done>
void play_unacked_until(PongLeader& leader, Done&& done, int limit = 20000) {
  for (int i = 0; i < limit && !done(); ++i) {
    leader.tick();
    leader.out.clear();
  }
  ASSERT_TRUE(done()) << "not reached in " << limit << " ticks";
}

// The states each client was sent since the last call.
std::map<Endpoint, std::vector<wire::RoomState>> states_to(PongLeader& leader) {
  std::map<Endpoint, std::vector<wire::RoomState>> states;
  for (const auto& s : dp::testing::drain(leader.out)) {
    if (const auto* st = std::get_if<wire::RoomState>(&s.message.body)) states[s.to].push_back(*st);
  }
  return states;
}

// The last state shown to `client` by one more tick.
std::optional<wire::RoomState> last_state_after_tick(PongLeader& leader, Endpoint client) {
  leader.tick();
  const auto states = room_states(drain_to(leader.out, client));
  if (states.empty()) return std::nullopt;
  return states.back();
}

TEST(PongService, ScoreIsShownOnlyOnceCommitted) {
  PongLeader leader;
  leader.replica.set_self_control(kLeaderControl);
  start_match(leader);
  // Play without ACKs until the leader's own book has a point.
  play_unacked_until(leader, [&] { return score_of(only_room(leader)->match).total() > 0; });
  leader.tick();
  const auto unconfirmed = room_states(drain_to(leader.out, kClientA));
  ASSERT_FALSE(unconfirmed.empty());
  for (const auto& st : unconfirmed) {
    EXPECT_EQ(st.score_left + st.score_right, 0) << "a point shown before any follower has it";
  }
  leader.ack_all();
  leader.tick();
  const auto shown = room_states(drain_to(leader.out, kClientA));
  ASSERT_FALSE(shown.empty());
  EXPECT_EQ(shown.back().score_left + shown.back().score_right, 1);
  EXPECT_EQ(shown.back().leader_control, kLeaderControl) << "lets the client log who leads";
  EXPECT_EQ(shown.back().seq, leader.replica.applied_seq());
}

TEST(PongService, AResultIsShownOnlyOnceCommitted) {
  PongLeader leader(first_point_wins());
  start_match(leader);
  play_unacked_until(leader, [&] { return phase_of(leader) == Phase::kGameOver; });
  const std::uint8_t winner = only_room(leader)->match.winner;
  // The match is over in the leader's book, but nobody else has the point yet: the players
  // see the rally's end, not the result.
  std::optional<wire::RoomState> st = last_state_after_tick(leader, kClientA);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->phase, static_cast<std::uint8_t>(Phase::kPlaying));
  EXPECT_EQ(st->winner, 0);
  EXPECT_EQ(st->score_left + st->score_right, 0);

  leader.ack_all();
  st = last_state_after_tick(leader, kClientA);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->phase, static_cast<std::uint8_t>(Phase::kGameOver));
  EXPECT_EQ(st->winner, winner + 1);
  EXPECT_EQ(winner == 0 ? st->score_left : st->score_right, 1);
  EXPECT_EQ(dp::testing::pong_of(leader.replica).stats().ticks_held_back, 0u);
  EXPECT_GT(dp::testing::pong_of(leader.replica).stats().states_sent, 0u);
}

// The leaderboards each client was sent since the last call.
std::map<Endpoint, std::vector<wire::LeaderboardState>> boards_to(PongLeader& leader) {
  std::map<Endpoint, std::vector<wire::LeaderboardState>> boards;
  for (const auto& s : dp::testing::drain(leader.out)) {
    if (const auto* b = std::get_if<wire::LeaderboardState>(&s.message.body)) {
      boards[s.to].push_back(*b);
    }
  }
  return boards;
}

TEST(PongService, BothPlayersGetTheLeaderboardOnceTheResultIsCommitted) {
  PongLeader leader(first_point_wins());
  start_match(leader);
  play_unacked_until(leader, [&] { return phase_of(leader) == Phase::kGameOver; });
  const std::uint32_t room = only_room(leader)->id;
  const std::uint8_t winner = only_room(leader)->match.winner;
  leader.tick();
  EXPECT_TRUE(boards_to(leader).empty()) << "a leaderboard with a result nobody else holds";

  leader.ack_all();
  leader.tick();
  auto boards = boards_to(leader);
  ASSERT_EQ(boards[kClientA].size(), 1u);
  ASSERT_EQ(boards[kClientB].size(), 1u);
  const wire::LeaderboardState& a = boards[kClientA].front();
  const wire::LeaderboardState& b = boards[kClientB].front();
  EXPECT_EQ(a.room, room);
  EXPECT_EQ(a.result, 1u);
  EXPECT_EQ(a.you.name.view(), default_player_name(kA).view());
  EXPECT_EQ(b.you.name.view(), default_player_name(kB).view());
  EXPECT_EQ(a.you.matches, 1u);
  EXPECT_EQ(a.you.wins, winner == 0 ? 1u : 0u);
  EXPECT_EQ(b.you.wins, winner == 1 ? 1u : 0u);
  ASSERT_EQ(a.top.size(), 2u);
  EXPECT_EQ(a.top[0].wins, 1u) << "the winner leads the board";
  EXPECT_EQ(a.top[0].name, winner == 0 ? a.you.name : b.you.name);
  leader.tick();
  EXPECT_TRUE(boards_to(leader).empty()) << "sent once";
}

TEST(PongService, AFinishedRoomStaysOpenUntilItsResultIsShown) {
  PongLeader leader(first_point_wins());
  start_match(leader);
  play_unacked_until(leader, [&] { return phase_of(leader) == Phase::kGameOver; });
  const std::uint32_t room = only_room(leader)->id;
  const std::uint8_t winner = only_room(leader)->match.winner;
  // Well past the linger (and the grace after a failover), still nothing committed.
  for (std::uint32_t i = 0; i < kDefaultGameOverLingerTicks + 2 * PongService::kClosingGraceTicks;
       ++i) {
    leader.tick();
  }
  ASSERT_NE(leader.book().find(room), nullptr) << "closed before its players saw who won";
  EXPECT_GE(leader.book().find(room)->match.linger_ticks, kDefaultGameOverLingerTicks);
  auto unconfirmed = states_to(leader);
  ASSERT_FALSE(unconfirmed[kClientB].empty());
  for (const auto& st : unconfirmed[kClientB]) {
    EXPECT_EQ(st.winner, 0);
    EXPECT_NE(st.phase, static_cast<std::uint8_t>(Phase::kClosed));
  }

  // Committed: the room closes at once, and its last word to each player carries the result.
  leader.ack_all();
  leader.tick();
  EXPECT_EQ(leader.book().find(room), nullptr);
  auto states = states_to(leader);
  for (const Endpoint client : {kClientA, kClientB}) {
    ASSERT_EQ(states[client].size(), 1u);
    const wire::RoomState& last = states[client][0];
    EXPECT_EQ(last.phase, static_cast<std::uint8_t>(Phase::kClosed));
    EXPECT_EQ(last.winner, winner + 1);
    EXPECT_EQ(last.score_left + last.score_right, 1);
  }
}

TEST(PongService, PlayersOfAClosedRoomGetItsFinalState) {
  PongLeader leader(first_point_wins());
  start_match(leader);
  std::map<Endpoint, std::vector<wire::RoomState>> seen;
  // Every entry is committed as soon as it is ordered.
  for (int i = 0; i < 20000 && only_room(leader) != nullptr; ++i) {
    leader.tick();
    leader.ack_all();
    for (auto& [client, states] : states_to(leader)) {
      seen[client].insert(seen[client].end(), states.begin(), states.end());
    }
  }
  ASSERT_EQ(only_room(leader), nullptr) << "the room never closed";
  std::optional<wire::RoomState> shown_over;
  int ticks_over = 0;
  for (const auto& st : seen[kClientA]) {
    if (st.phase != static_cast<std::uint8_t>(Phase::kGameOver)) continue;
    shown_over = st;
    ++ticks_over;
  }
  ASSERT_TRUE(shown_over.has_value());
  EXPECT_GE(ticks_over, static_cast<int>(kDefaultGameOverLingerTicks) - 1)
      << "a committed result is shown while the room lingers";
  EXPECT_EQ(shown_over->score_left + shown_over->score_right, 1);
  EXPECT_NE(shown_over->winner, 0);

  for (const Endpoint client : {kClientA, kClientB}) {
    ASSERT_FALSE(seen[client].empty());
    const wire::RoomState& last = seen[client].back();
    EXPECT_EQ(last.phase, static_cast<std::uint8_t>(Phase::kClosed));
    EXPECT_EQ(last.winner, shown_over->winner) << "the result stays on screen";
    EXPECT_EQ(last.score_left, shown_over->score_left) << "never replaced by 0-0";
    EXPECT_EQ(last.score_right, shown_over->score_right);
    EXPECT_EQ(last.seq, leader.replica.applied_seq());
  }
  EXPECT_EQ(seen[kClientA].back().your_slot, 0);
  EXPECT_EQ(seen[kClientB].back().your_slot, 1);
  // Nothing more once closed.
  leader.tick();
  EXPECT_TRUE(states_to(leader).empty());
}

TEST(PongService, InputsMoveThePaddleAndStaleOnesAreIgnored) {
  PongLeader leader;
  start_match(leader);
  leader.input(kA, kClientA, 5, 1);
  leader.tick();
  EXPECT_EQ(only_room(leader)->match.paddle_dir[0], 1);
  leader.input(kA, kClientA, 4, -1);  // Overtaken by 5.
  leader.tick();
  EXPECT_EQ(only_room(leader)->match.paddle_dir[0], 1);
  leader.input(kA, kClientA, 6, -1);
  leader.input(kB, kClientB, 1, 1);
  leader.tick();
  EXPECT_EQ(only_room(leader)->match.paddle_dir[0], -1);
  EXPECT_EQ(only_room(leader)->match.paddle_dir[1], 1);
  EXPECT_EQ(leader.replica.stats().apply_errors, 0u);
}

TEST(PongService, ASilentPlayerForfeits) {
  PongConfig config;
  config.forfeit_timeout_us = 200 * kUsPerMs;
  PongLeader leader(config);
  start_match(leader);
  std::uint32_t input_seq = 0;
  // A keeps sending its input; B says nothing.
  for (int i = 0; i < 30 && phase_of(leader) != Phase::kGameOver; ++i) {
    leader.input(kA, kClientA, ++input_seq, 0);
    leader.tick();
    leader.ack_all();
  }
  ASSERT_EQ(phase_of(leader), Phase::kGameOver);
  EXPECT_EQ(only_room(leader)->match.winner, 0) << "B forfeited";
  EXPECT_FALSE(leader.book().seat_of(kB).has_value());
  EXPECT_TRUE(leader.book().seat_of(kA).has_value());
  const std::optional<wire::RoomState> st = last_state_after_tick(leader, kClientA);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->phase, static_cast<std::uint8_t>(Phase::kGameOver));
  EXPECT_EQ(st->winner, 1);
}

TEST(PongService, ALeaveForfeitsAtOnce) {
  PongLeader leader;
  start_match(leader);
  wire::Leave leave;
  leave.client_id = kA;
  EXPECT_FALSE(dp::testing::client_send(leader.replica, leader.now, kClientA, leave).has_value());
  leader.tick();
  ASSERT_EQ(phase_of(leader), Phase::kGameOver);
  EXPECT_EQ(only_room(leader)->match.winner, 1);
}

TEST(PongService, AServerRefusesStatesOnItsClientSocket) {
  PongLeader leader;
  start_match(leader);
  const std::uint64_t applied = leader.replica.applied_seq();
  EXPECT_EQ(dp::testing::client_send(leader.replica, leader.now, kClientA, wire::RoomState{}),
            wire::DecodeError::kWrongChannel);
  wire::LeaderboardState board;
  board.room = 1;
  board.result = 1;
  EXPECT_EQ(dp::testing::client_send(leader.replica, leader.now, kClientA, board),
            wire::DecodeError::kWrongChannel);
  EXPECT_EQ(leader.replica.applied_seq(), applied);
}

TEST(PongService, AFinishedRoomResumedAfterAFailoverStaysOpenForItsPlayers) {
  // A book whose only match ended by a forfeit long ago: past its linger, about to close.
  testing::Driver d;
  ASSERT_TRUE(d.join(kA));
  ASSERT_TRUE(d.join(kB));
  std::vector<Event> planned;
  plan_leave(d.book, kB, planned);
  ASSERT_TRUE(d.apply_all(planned));
  const std::uint32_t room = d.book.seat_of(kA)->room;
  for (std::uint32_t i = 0; i < kDefaultGameOverLingerTicks + 10; ++i) {
    ASSERT_TRUE(d.book.apply(make_event(EventKind::kTick, room)).ok());
  }
  const std::uint64_t seq = 40;
  const Endpoint a_endpoint = d.book.find(room)->seats[0].client;

  // This server followed the old leader and holds the book; then it becomes the leader.
  PongLeader leader;
  const NodeId old_leader{1, 0};
  const Epoch old_epoch{2, old_leader};
  leader.replica.become_following(leader.now, old_epoch, Endpoint{1, 1});
  dp::testing::deliver_snapshot(leader.replica, leader.now, old_leader, d.book, 1, seq);
  ASSERT_EQ(leader.replica.applied_seq(), seq);
  leader.replica.become_recovering(leader.now, PongLeader::kEpoch);
  leader.replica.set_followers(leader.now, {{PongLeader::kFollower, PongLeader::kFollowerControl}},
                               1);
  leader.replica.on_follower_position(leader.now, PongLeader::kFollower, {old_epoch, seq},
                                      Standing::kHolds);
  for (int i = 0; i < 100 && !leader.replica.hosting(); ++i) leader.tick();
  ASSERT_TRUE(leader.replica.hosting());
  leader.tick();
  leader.ack_all();  // The follower holds the state this epoch resumed from.

  int open_ticks = 0;
  while (leader.book().find(room) != nullptr && open_ticks < 1000) {
    const auto states = room_states(drain_to(leader.out, a_endpoint));
    if (open_ticks > 0) {
      ASSERT_FALSE(states.empty()) << "A re-homes to us and must see its result";
      EXPECT_EQ(states.back().phase, static_cast<std::uint8_t>(Phase::kGameOver));
      EXPECT_EQ(states.back().winner, 1) << "A (left) won by forfeit";
    }
    leader.tick();
    leader.ack_all();
    ++open_ticks;
  }
  EXPECT_EQ(open_ticks, PongService::kClosingGraceTicks + 1);
  const auto last = room_states(drain_to(leader.out, a_endpoint));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].phase, static_cast<std::uint8_t>(Phase::kClosed));
  EXPECT_EQ(last[0].winner, 1);
}

TEST(PongService, TheLeaderNotesTheMatchStory) {
  PongLeader leader(first_point_wins());
  ASSERT_TRUE(leader.start_with_follower());
  leader.join(kA, kClientA, "story");
  leader.join(kB, kClientB, "story");
  std::vector<std::string> story;
  for (int i = 0; i < 20000 && (story.empty() || story.back().rfind("room-closed", 0) != 0); ++i) {
    leader.tick();
    leader.ack_all();
    for (const NodeEvent& e : leader.out.events()) {
      if (e.kind != NodeEventKind::kServiceNote) continue;
      bool milestone = false;
      const std::optional<std::string> text = describe_note(e.note, &milestone);
      ASSERT_TRUE(text.has_value());
      if (milestone) story.push_back(*text);
    }
    leader.out.clear();
  }
  ASSERT_EQ(story.size(), 3u);
  EXPECT_EQ(story[0].rfind("room-opened room=1 seq=", 0), 0u) << story[0];
  EXPECT_TRUE(story[1] == "match-over room=1 score=1-0 winner=left" ||
              story[1] == "match-over room=1 score=0-1 winner=right")
      << story[1];
  EXPECT_EQ(story[2], "room-closed room=1");
}

}  // namespace
}  // namespace dp::pong
