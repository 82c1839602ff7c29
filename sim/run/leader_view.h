// Who leads right now, as the expectations and the crash-leader actions see it.
//
// "Live" means a server host that is up. The top epoch is the highest epoch held (led or
// followed) by any live server. There is one leader when exactly one live server leads the
// top epoch and every other live server the leader can reach follows it.
#pragma once

#include <optional>
#include <string>

#include "sim/run/run_context.h"

namespace dp::sim {

struct LeaderView {
  bool ok = false;
  HostIndex leader = 0;
  Epoch epoch;
  std::string detail;
};

Epoch top_epoch(const RunContext& run);
LeaderView leader_now(const RunContext& run);
// The game server a crash-leader strikes: the leader of leader_now() or, when there is no
// single one, the live leader of the highest epoch; none when no live server leads.
std::optional<HostIndex> live_leader(const RunContext& run);

}  // namespace dp::sim
