// Message bodies of the Pong service's client traffic (service 1, types 20-29): players join
// and leave rooms and send their paddle direction; the leader sends each player its room's
// state. The epoch travels in the header.
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"
#include "core/wire/room_name.h"

namespace dp::wire {

// Client -> leader: join a named room, or (empty name) the first open one. Every game's
// family has its own Join, Input and Leave types with these bodies.
template <MsgType T>
struct JoinOf {
  static constexpr MsgType kType = T;
  std::uint64_t client_id = 0;
  RoomName room_name;
  PlayerName player;  // Empty: the leader names the player after its client id.
  // A room number to join (the lobby's pick of a live room); 0, or a room that is gone or
  // full: room_name decides as above.
  std::uint32_t room = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room_name, player, room);
  }
  bool valid() const {
    return client_id != 0 && valid_name(room_name.view()) && valid_name(player.view());
  }
};
using Join = JoinOf<MsgType::kJoin>;

constexpr std::size_t kInputHistory = 8;

// Client -> leader, every tick: the newest direction first (Pong: paddle up/down; racing:
// steer left/right), then the previous few, so one lost datagram loses no input. A waiting
// player sends it too: it keeps the seat alive.
template <MsgType T>
struct InputOf {
  static constexpr MsgType kType = T;
  std::uint64_t client_id = 0;
  std::uint32_t room = 0;
  std::uint32_t input_seq = 0;
  FixedVec<std::int8_t, kInputHistory> recent;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room, input_seq, recent);
  }
  bool valid() const {
    if (client_id == 0) return false;
    for (auto d : recent) {
      if (d < -1 || d > 1) return false;
    }
    return true;
  }
};
using Input = InputOf<MsgType::kInput>;

template <MsgType T>
struct LeaveOf {
  static constexpr MsgType kType = T;
  std::uint64_t client_id = 0;
  std::uint32_t room = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room);
  }
  bool valid() const { return client_id != 0; }
};
using Leave = LeaveOf<MsgType::kLeave>;

// Spectator -> a server that serves spectators (a follower; the leader of a one-server
// cluster), repeated every second while watching: send me the states of room `room` (0: the
// first live room named room_name, empty for any), as your replica holds it.
template <MsgType T>
struct WatchOf {
  static constexpr MsgType kType = T;
  std::uint64_t client_id = 0;
  std::uint32_t room = 0;
  RoomName room_name;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, room, room_name);
  }
  bool valid() const { return client_id != 0 && valid_name(room_name.view()); }
};
using Watch = WatchOf<MsgType::kWatch>;

// The lobby -> any server: list your live rooms of this game (answered from its replica).
template <MsgType T>
struct ListRoomsOf {
  static constexpr MsgType kType = T;
  std::uint64_t client_id = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id);
  }
  bool valid() const { return client_id != 0; }
};
using ListRooms = ListRoomsOf<MsgType::kListRooms>;

constexpr std::size_t kRoomSummaryScores = 4;
struct RoomSummary {
  std::uint32_t room = 0;
  RoomName name;
  std::uint8_t players = 0;
  std::uint8_t phase = 0;
  FixedVec<std::uint16_t, kRoomSummaryScores> scores;  // Pong: left, right; racing: each racer.
  template <class A>
  void serialize(A& ar) {
    ar(room, name, players, phase, scores);
  }
};

constexpr std::size_t kRoomListMax = 16;
// A server -> the lobby: the first kRoomListMax rooms (in id order) and how many there are.
template <MsgType T>
struct RoomListOf {
  static constexpr MsgType kType = T;
  std::uint32_t total = 0;
  FixedVec<RoomSummary, kRoomListMax> rooms;
  template <class A>
  void serialize(A& ar) {
    ar(total, rooms);
  }
  bool valid() const {
    for (const RoomSummary& r : rooms) {
      if (r.room == 0 || r.players > 4 || r.phase > 4 || !valid_name(r.name.view())) return false;
    }
    return rooms.size() <= total;
  }
};
using RoomList = RoomListOf<MsgType::kRoomList>;

// Leader -> client: the state of the client's room. Positions are fixed-point (1/256 px).
// Scores and game over are shown only once replicated, so a failover never takes them back.
struct RoomState {
  static constexpr MsgType kType = MsgType::kRoomState;
  std::uint32_t room = 0;
  std::uint64_t seq = 0;  // Position in the total order this state reflects.
  RoomName name;
  std::uint8_t phase = 0;
  std::uint8_t your_slot = 0;
  std::uint8_t winner = 0;  // Slot + 1, or 0 while undecided.
  std::uint8_t target_score = 0;
  std::uint8_t score_left = 0;
  std::uint8_t score_right = 0;
  std::uint16_t countdown_ticks = 0;
  std::uint32_t tick = 0;
  std::int32_t ball_x = 0;
  std::int32_t ball_y = 0;
  std::int32_t ball_vx = 0;
  std::int32_t ball_vy = 0;
  std::int32_t paddle_left_y = 0;
  std::int32_t paddle_right_y = 0;
  Endpoint leader_control;  // Lets the client log which server leads.
  template <class A>
  void serialize(A& ar) {
    ar(room, seq, name, phase, your_slot, winner, target_score, score_left, score_right,
       countdown_ticks, tick, ball_x, ball_y, ball_vx, ball_vy, paddle_left_y, paddle_right_y,
       leader_control);
  }
  bool valid() const;
};

// One player's record on a leaderboard.
struct BoardEntry {
  PlayerName name;
  std::uint32_t matches = 0;
  std::uint32_t wins = 0;
  std::uint32_t points = 0;
  std::uint8_t best = 0;  // Most points in one match.
  template <class A>
  void serialize(A& ar) {
    ar(name, matches, wins, points, best);
  }
  bool valid() const { return valid_name(name.view()) && wins <= matches && best <= 99; }
  bool operator==(const BoardEntry&) const = default;
};

constexpr std::size_t kBoardTop = 10;

// Leader -> the two players of a finished match, once its result is committed: the player's
// own record and the best players, as the replicated leaderboard holds them.
struct LeaderboardState {
  static constexpr MsgType kType = MsgType::kLeaderboardState;
  std::uint32_t room = 0;    // The room whose match just ended.
  std::uint64_t result = 0;  // The number of that match's result (1, 2, ...).
  BoardEntry you;
  FixedVec<BoardEntry, kBoardTop> top;  // Most wins, then most points, then name.
  template <class A>
  void serialize(A& ar) {
    ar(room, result, you, top);
  }
  bool valid() const;
};

}  // namespace dp::wire
