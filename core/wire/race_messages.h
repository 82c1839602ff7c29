// Message bodies of the racing service's client traffic (service 2, types 30-39): racers join
// and leave races and send their steering (the bodies of Pong's Join, Input and Leave); the
// leader sends each racer its race's state, and, once the result is committed, the racing
// leaderboard. Positions are fixed-point (1/256 px), as racing::RaceState holds them.
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"
#include "core/wire/pong_messages.h"
#include "core/wire/room_name.h"

namespace dp::wire {

using RaceJoin = JoinOf<MsgType::kRaceJoin>;
using RaceInput = InputOf<MsgType::kRaceInput>;
using RaceLeave = LeaveOf<MsgType::kRaceLeave>;
using RaceWatch = WatchOf<MsgType::kRaceWatch>;
using RaceListRooms = ListRoomsOf<MsgType::kRaceListRooms>;
using RaceRoomList = RoomListOf<MsgType::kRaceRoomList>;

constexpr std::size_t kRaceSlots = 4;
constexpr std::size_t kRaceTrafficMax = 8;

struct RaceCar {  // A car of the traffic.
  std::int32_t x = 0;
  std::int32_t y = 0;
  template <class A>
  void serialize(A& ar) {
    ar(x, y);
  }
};

struct RaceRacer {  // One seat of the race.
  PlayerName name;
  std::int32_t x = 0;
  std::uint16_t score = 0;  // As committed: never taken back.
  std::uint8_t flags = 0;   // kRacing | kAlive | kPresent.
  static constexpr std::uint8_t kRacing = 1;
  static constexpr std::uint8_t kAlive = 2;
  static constexpr std::uint8_t kPresent = 4;
  template <class A>
  void serialize(A& ar) {
    ar(name, x, score, flags);
  }
};

// Server -> client: the state of a race, for a racer (your_slot 0-3) or a spectator (4).
struct RaceState {
  static constexpr MsgType kType = MsgType::kRaceState;
  static constexpr std::uint8_t kSpectator = 4;
  static constexpr std::uint8_t kDrawWinner = 5;  // winner when the best score is shared.
  std::uint32_t room = 0;
  std::uint64_t seq = 0;  // Position in the total order this state reflects.
  RoomName name;
  std::uint8_t phase = 0;      // racing::Phase.
  std::uint8_t your_slot = 0;  // 0-3, or kSpectator.
  std::uint8_t winner = 0;     // Slot + 1, kDrawWinner, or 0 while undecided.
  std::uint16_t countdown_ticks = 0;
  std::uint32_t tick = 0;  // Race ticks since GO.
  std::uint64_t seed = 0;  // The traffic's.
  std::uint64_t traffic_digest = 0;
  std::int32_t traffic_speed = 0;  // Per tick, for extrapolation.
  FixedVec<RaceCar, kRaceTrafficMax> traffic;
  FixedVec<RaceRacer, kRaceSlots> racers;
  Endpoint leader_control;
  template <class A>
  void serialize(A& ar) {
    ar(room, seq, name, phase, your_slot, winner, countdown_ticks, tick, seed, traffic_digest,
       traffic_speed, traffic, racers, leader_control);
  }
  bool valid() const;
};

// One racer's record on the racing leaderboard.
struct RaceBoardEntry {
  PlayerName name;
  std::uint32_t races = 0;
  std::uint32_t wins = 0;
  std::uint16_t best = 0;
  template <class A>
  void serialize(A& ar) {
    ar(name, races, wins, best);
  }
  bool valid() const { return valid_name(name.view()) && wins <= races; }
};

// Leader -> the racers of a finished race, once its result is committed.
struct RaceBoardState {
  static constexpr MsgType kType = MsgType::kRaceBoardState;
  std::uint32_t room = 0;
  std::uint64_t result = 0;
  RaceBoardEntry you;
  FixedVec<RaceBoardEntry, kBoardTop> top;  // Best score, then wins, then name.
  template <class A>
  void serialize(A& ar) {
    ar(room, result, you, top);
  }
  bool valid() const;
};

}  // namespace dp::wire
