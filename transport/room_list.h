// The lobby's view of a cluster: the live rooms of every game, fetched from any server over
// real UDP (discovery broadcast, then a room-list request to one server, which answers from
// its own replica).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/client/client_config.h"
#include "core/common/result.h"
#include "core/common/types.h"

namespace dp {

struct LiveRoom {
  Game game = Game::kPong;
  std::uint32_t room = 0;
  std::string name;   // Empty for a quick-match room.
  int players = 0;    // Seated now.
  int seats = 0;      // 2 for Pong, 4 for racing.
  std::string phase;  // "waiting", "countdown", "playing", "game-over".
  std::string score;  // "3-2" (Pong), "12-9-4" (every racer's score).
};

struct RoomListQuery {
  std::string discovery_address = "255.255.255.255";
  std::uint16_t discovery_port = 0;
  TimeUs timeout_us = 500 * kUsPerMs;
};

// Blocks for at most query.timeout_us. Fails with a readable message when no server answers.
Result<std::vector<LiveRoom>, std::string> fetch_live_rooms(const RoomListQuery& query);

}  // namespace dp
