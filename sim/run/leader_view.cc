#include "sim/run/leader_view.h"

#include <algorithm>
#include <vector>

namespace dp::sim {

Epoch top_epoch(const RunContext& run) {
  Epoch top;
  for (HostIndex h = 0; h < run.servers(); ++h) {
    if (run.live(h)) top = std::max(top, run.server(h).epoch());
  }
  return top;
}

LeaderView leader_now(const RunContext& run) {
  LeaderView v;
  const Epoch top = top_epoch(run);
  bool any_live = false;
  for (HostIndex h = 0; h < run.servers(); ++h) any_live |= run.live(h);
  if (!any_live) {
    v.detail = "no server is up";
    return v;
  }
  if (top.is_none()) {
    v.detail = "no live server has a leader";
    return v;
  }
  std::vector<HostIndex> leaders;
  for (HostIndex h = 0; h < run.servers(); ++h) {
    if (run.live(h) && run.server(h).is_leader() && run.server(h).epoch() == top) {
      leaders.push_back(h);
    }
  }
  if (leaders.size() != 1) {
    v.detail = std::to_string(leaders.size()) + " live servers lead the highest epoch " +
               run.epoch_name(top);
    return v;
  }
  const HostIndex leader = leaders[0];
  for (HostIndex h = 0; h < run.servers(); ++h) {
    if (h == leader || !run.live(h) || !run.sim.network().connected(leader, h)) continue;
    const ServerNode& s = run.server(h);
    if (s.is_leader() || s.epoch() != top) {
      v.detail = run.name(h) + " can hear " + run.name(leader) + " but " +
                 (s.is_leader() ? "leads" : "follows") + " epoch " + run.epoch_name(s.epoch()) +
                 " instead of " + run.epoch_name(top);
      return v;
    }
  }
  v.ok = true;
  v.leader = leader;
  v.epoch = top;
  v.detail = run.name(leader) + " leads epoch " + run.epoch_name(top);
  return v;
}

std::optional<HostIndex> live_leader(const RunContext& run) {
  const LeaderView v = leader_now(run);
  if (v.ok) return v.leader;
  std::optional<HostIndex> target;
  for (HostIndex h = 0; h < run.servers(); ++h) {
    if (run.live(h) && run.server(h).is_leader() &&
        (!target || run.server(h).epoch() > run.server(*target).epoch())) {
      target = h;
    }
  }
  return target;
}

}  // namespace dp::sim
