#include "sim/swarm/shrink.h"

#include <algorithm>

#include "sim/runner.h"
#include "sim/swarm/violation.h"

namespace dp::sim {
namespace {

class Shrinker {
 public:
  Shrinker(const std::string& name, const ShrinkOptions& options)
      : name_(name), options_(options) {}

  bool fails(const Scenario& s) {
    if (runs_ >= options_.max_runs) return false;
    if (options_.valid && !options_.valid(s)) return false;
    ++runs_;
    return has_violation(s, run_scenario(s), name_);
  }
  std::size_t runs() const { return runs_; }

  // Drops events one at a time, from the last to the first, keeping each drop that still fails.
  void drop_events(Scenario& s) {
    for (std::size_t i = s.actions.size(); i-- > 0;) {
      if (s.actions[i].at_us >= options_.keep_from_us) continue;
      Scenario candidate = s;
      candidate.actions.erase(candidate.actions.begin() + static_cast<long>(i));
      if (fails(candidate)) s = std::move(candidate);
    }
  }

  void drop_servers(Scenario& s) {
    while (s.servers > 1) {
      Scenario candidate = without_servers_above(s, s.servers - 1);
      if (!fails(candidate)) break;
      s = std::move(candidate);
    }
  }

  void drop_expectations(Scenario& s) {
    for (std::size_t i = s.expectations.size(); i-- > 0;) {
      Scenario candidate = s;
      candidate.expectations.erase(candidate.expectations.begin() + static_cast<long>(i));
      if (fails(candidate)) s = std::move(candidate);
    }
  }

  void calm_network(Scenario& s) {
    Scenario candidate = s;
    candidate.network.loss_ppm = 0;
    candidate.network.duplicate_ppm = 0;
    candidate.network.reorder_ppm = 0;
    if (candidate.network != s.network && fails(candidate)) s = std::move(candidate);
  }

 private:
  std::string name_;
  ShrinkOptions options_;
  std::size_t runs_ = 0;
};

bool names_server_above(const ScenarioAction& a, int servers) {
  if (a.chat) return false;  // The chat cluster's nodes: its size is not shrunk.
  switch (a.kind) {
    case ActionKind::kCrash:
    case ActionKind::kRestart:
    case ActionKind::kCutInbound:
    case ActionKind::kWipeDisk:
    case ActionKind::kDrain:
      return a.node > servers;
    case ActionKind::kMoveLeader:
      return a.to > servers;
    case ActionKind::kCut:
    case ActionKind::kConnect:
      return a.from > servers || a.to > servers;
    case ActionKind::kFlap:
      return a.node > servers || a.from > servers || a.to > servers;
    default:
      return false;
  }
}

}  // namespace

Scenario without_servers_above(const Scenario& scenario, int servers) {
  Scenario s = scenario;
  s.servers = servers;
  std::erase_if(s.actions, [&](const ScenarioAction& a) { return names_server_above(a, servers); });
  for (ScenarioAction& a : s.actions) {
    if (a.kind != ActionKind::kPartition || a.chat) continue;
    for (auto& group : a.groups) std::erase_if(group, [&](int n) { return n > servers; });
    std::erase_if(a.groups, [](const std::vector<int>& g) { return g.empty(); });
  }
  std::erase_if(s.expectations, [&](const Expectation& e) {
    return (e.kind == ExpectKind::kLeaderIs || e.kind == ExpectKind::kSnapshotInstalled ||
            e.kind == ExpectKind::kResultsOnDisk || e.kind == ExpectKind::kServingLeaderIs) &&
           e.node > servers;
  });
  return s;
}

ShrinkResult shrink_scenario(const Scenario& failing, const std::string& name,
                             const ShrinkOptions& options) {
  Shrinker shrinker(name, options);
  ShrinkResult result;
  result.events_before = failing.actions.size();
  result.servers_before = failing.servers;
  Scenario s = failing;
  shrinker.drop_events(s);
  shrinker.drop_servers(s);
  shrinker.drop_expectations(s);
  shrinker.calm_network(s);
  shrinker.drop_events(s);
  result.scenario = std::move(s);
  result.runs = shrinker.runs();
  return result;
}

}  // namespace dp::sim
