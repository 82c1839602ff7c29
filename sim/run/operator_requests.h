// pong-ctl in the simulator: the move-leader and drain actions send the very CTL request
// pong-ctl sends, sealed with the cluster's key when it has one, to a server's control socket
// (injected on the server's own host, so only that host's links matter). The answer goes to an
// address nobody listens on, as pong-ctl's would after it exits.
#pragma once

#include "core/wire/control_messages.h"
#include "sim/run/run_context.h"

namespace dp::sim {

// Sends `command` (about `successor`, for move-leader) to game server `to`; false when it
// does not fit a datagram (never, for these requests).
bool send_operator_request(RunContext& run, HostIndex to, wire::CtlCommand command,
                           const NodeId& successor = {});

}  // namespace dp::sim
