// Builds bot players (dp::ClientNode driven by game::bot_direction) for the simulator's host
// table.
#pragma once

#include <string>

#include "sim/host.h"

namespace dp::sim {

// A factory that constructs a ClientNode on the host's one socket, joining `room` (empty:
// matchmaking), with a bot input policy of the given skill. The policy draws from the
// client's own generator, which the per-incarnation seed fixes, so bots are deterministic.
NodeFactory bot_client_factory(int skill_percent, const std::string& room);

}  // namespace dp::sim
