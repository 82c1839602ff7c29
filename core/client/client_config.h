// Configuration of a thin Pong client node: identity, the room to join and protocol timing.
#pragma once

#include <cstdint>
#include <string>

#include "core/common/node.h"
#include "core/common/types.h"
#include "core/security/session.h"

namespace dp {

// The game a client plays: which service's messages it sends and which states it shows.
enum class Game : std::uint8_t { kPong = 0, kRacing = 1 };
const char* game_name(Game game);

struct ClientConfig {
  Game game = Game::kPong;
  // A spectator: watches a room (watch_room, or the first live room named room_name; any
  // live room when both are empty) from a follower instead of playing; sends no input.
  bool spectate = false;
  std::uint32_t watch_room = 0;
  // A player: a room to join by number (the lobby's pick of a live room; 0: by room_name).
  std::uint32_t join_room = 0;
  // How often a spectator repeats its Watch (the server forgets one silent for 3 s).
  TimeUs watch_repeat_us = 1000 * kUsPerMs;
  // Names the player's seat across re-homes; a new leader recognises a Join that carries a
  // seated client_id as a re-attach. 0 means "draw one from the node's generator".
  std::uint64_t client_id = 0;
  // Sender id in datagram headers. Random on real hosts, seeded in the simulator.
  NodeId id;
  // Only `client` (the node's one socket) and `discovery_port` (where broadcasts go) are used.
  LocalEndpoints endpoints;
  // The room to join; empty joins the first open room. Longer names are truncated to
  // wire::kRoomNameMax bytes.
  std::string room_name;
  // The player's name on the leaderboard; empty: the leader names the player after its id.
  // Longer names are truncated to wire::kPlayerNameMax bytes.
  std::string player_name;
  // Matches to play one after another (a bot's rematches): after each game over the client
  // waits rematch_after_us, then joins a new match, until it has played this many.
  int matches = 1;
  TimeUs rematch_after_us = 3 * kUsPerSecond;

  // Input and display cadence: 60 Hz, like the server's room tick.
  TimeUs tick_interval_us = 16667;
  // Period of discovery broadcasts while the client has no leader.
  TimeUs discovery_retry_us = 250 * kUsPerMs;
  // After the first usable DiscoverResponse of a round, how long to keep listening for
  // better ones (a higher epoch) before choosing. On a LAN every server answers well within it.
  TimeUs discovery_window_us = 20 * kUsPerMs;
  // While seated in a room that waits for an opponent there is no input to send, but the
  // leader makes a seated player who says nothing for its forfeit timeout (5 s by default)
  // leave. So a waiting client sends an Input (direction 0) this often: waiting lasts until
  // the player leaves, and a waiting client that crashed is still dropped after the timeout.
  TimeUs keepalive_interval_us = 250 * kUsPerMs;
  // Period of Join retries until a RoomState for this client arrives.
  TimeUs join_retry_us = 250 * kUsPerMs;
  // With no accepted state for this long while joining or seated, rediscover the cluster.
  TimeUs silence_timeout_us = 1000 * kUsPerMs;

  // Seeds the node's own generator (client ids, discovery jitter, the input policy's draws).
  std::uint64_t seed = 1;
  // Secret bytes for the session key pairs against a keyed cluster (session_link.h): the
  // real driver draws them from libsodium; all zero, they come from the generator.
  SessionSeed session_seed{};
};

}  // namespace dp
