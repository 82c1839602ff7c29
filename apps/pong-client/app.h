// The windowed pong-client: one window for the whole run, showing the lobby (when asked for,
// or when no flag said what to play), then a session's screens, then the lobby again when the
// player goes back to it, until the player quits.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "core/common/types.h"
#include "transport/client_options.h"

namespace dp::client {

// A fresh random client id and seed for each session (the app owns randomness).
using IdentitySource = std::function<std::pair<NodeId, std::uint64_t>()>;

// `options` must already be valid (make_client_setup succeeded on them). Returns the
// process exit code.
int run_windowed(const ClientOptions& options, bool lobby_first, const IdentitySource& identity);

}  // namespace dp::client
