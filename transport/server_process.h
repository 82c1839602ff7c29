// Runs one pong-server process: binds the sockets, restores the persisted term, drives a
// ServerNode with a NodeDriver until SIGINT/SIGTERM (or --run-for-s), logging as it goes.
//
// This is the whole server minus flag parsing, so the app stays a thin CLI11 front end.
#pragma once

#include "transport/server_options.h"

namespace dp {

// How often the status line is logged, in seconds.
constexpr int kStatusPeriodS = 10;

// Returns the process exit code: 0 after a clean shutdown, 1 when start-up fails (a port in
// use, an unreadable state file).
int run_server_process(const ServerSetup& setup);

}  // namespace dp
