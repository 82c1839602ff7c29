#include "core/services/pong/view.h"

namespace dp::pong {

wire::RoomState room_state_for(const Room& room, std::uint8_t slot, std::uint64_t seq) {
  const MatchState& m = room.match;
  wire::RoomState s;
  s.room = room.id;
  s.seq = seq;
  s.name = room.name;
  s.phase = static_cast<std::uint8_t>(m.phase);
  s.your_slot = slot <= 1 ? slot : kSpectatorSlot;
  s.winner = m.winner <= 1 ? static_cast<std::uint8_t>(m.winner + 1) : 0;
  s.target_score = m.target_score;
  s.score_left = m.score[0];
  s.score_right = m.score[1];
  s.countdown_ticks = m.countdown_ticks;
  s.tick = m.tick;
  s.ball_x = m.ball_x;
  s.ball_y = m.ball_y;
  s.ball_vx = m.ball_vx;
  s.ball_vy = m.ball_vy;
  s.paddle_left_y = m.paddle_y[0];
  s.paddle_right_y = m.paddle_y[1];
  return s;
}

wire::RoomState closed_room_state(const Room& room, std::uint8_t slot, std::uint64_t seq) {
  wire::RoomState s = room_state_for(room, slot, seq);
  s.phase = static_cast<std::uint8_t>(Phase::kClosed);
  return s;
}

namespace {

wire::BoardEntry board_entry(const PlayerStats& p) {
  wire::BoardEntry e;
  e.name = p.name;
  e.matches = p.matches;
  e.wins = p.wins;
  e.points = p.points;
  e.best = p.best;
  return e;
}

}  // namespace

wire::LeaderboardState leaderboard_state_for(const Leaderboard& board, std::uint32_t room,
                                             std::uint64_t result, const wire::PlayerName& you) {
  wire::LeaderboardState s;
  s.room = room;
  s.result = result;
  s.you.name = you;
  if (const PlayerStats* stats = board.find(you)) s.you = board_entry(*stats);
  for (const PlayerStats& p : board.top(wire::kBoardTop)) s.top.push_back(board_entry(p));
  return s;
}

}  // namespace dp::pong
