// pong-ctl's subcommands: each talks to the cluster through CtlClient (transport/ctl_client.h)
// and returns the process's exit status.
#pragma once

#include <cstdint>
#include <string>

#include "transport/ctl_client.h"

namespace dp::ctl {

constexpr int kExitOk = 0;
constexpr int kExitUnhealthy = 1;  // status: no leader, a lag beyond the bound, a silent server.
constexpr int kExitFailed = 1;     // The cluster could not be reached, or a request failed.

struct StatusFlags {
  bool json = false;
  std::uint64_t max_lag = 1000;  // Entries a follower may be behind before status fails.
  int expect_servers = 0;        // 0: as many as answer discovery.
};

int status(CtlClient& ctl, const StatusFlags& flags);
int rooms(const CtlOptions& options, bool json);
// Waits up to wait_ms for `target` to lead (move-leader) or for `target` to lead no more while
// another server does (drain).
int move_leader(CtlClient& ctl, const std::string& target, std::int64_t wait_ms);
int drain(CtlClient& ctl, const std::string& target, std::int64_t wait_ms);

}  // namespace dp::ctl
