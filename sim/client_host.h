// Builds bot players (dp::ClientNode driven by game::bot_direction) for the simulator's host
// table.
#pragma once

#include <string>

#include "core/client/client_config.h"
#include "sim/host.h"

namespace dp::sim {

// A factory that constructs a ClientNode on the host's one socket, joining `room` (empty:
// matchmaking), with a bot input policy of the given skill, playing `matches` matches one
// after another. The policy draws from the client's own generator, which the
// per-incarnation seed fixes, so bots are deterministic. The bot's player name is the host's
// ("client 3"). `game` is the game it plays (a racing bot steers with racing::bot_steering).
NodeFactory bot_client_factory(int skill_percent, const std::string& room, int matches = 1,
                               TimeUs rematch_after_us = 3 * kUsPerSecond, Game game = Game::kPong,
                               bool spectate = false);

}  // namespace dp::sim
