#include "sim/swarm/swarm_scenario.h"

#include <algorithm>
#include <array>
#include <vector>

#include "core/common/rng.h"
#include "sim/swarm/swarm_attack.h"
#include "sim/swarm/swarm_chat.h"
#include "sim/swarm/swarm_targeted.h"

namespace dp::sim {
namespace {

// Fault kinds a run may enable; each run enables a random subset (swarm testing: a run that
// never partitions explores crashes more deeply, and the other way round).
enum Fault : int {
  kFaultCrashLeader,
  kFaultCrash,
  kFaultRestart,
  kFaultPartition,
  kFaultOneWay,         // cut from -> to
  kFaultNonTransitive,  // a <-> b cut both ways while both still reach the others
  kFaultCutInbound,
  kFaultHeal,
  kFaultNetwork,  // set-network: loss, duplication, reordering, latency levels
  kFaultCrashFollower,
  kFaultCrashAll,         // every server at once, all restarted a little later (from their disks)
  kFaultWipeDisk,         // a replaced machine: within what the guarantee covers (a minority)
  kFaultCrashAfterPoint,  // crash the leader just around a point (only with clients)
  kFaultCount,
};

TimeUs ms(std::int64_t v) { return v * kUsPerMs; }

template <class T, std::size_t N>
T pick(Rng& rng, const std::array<T, N>& options) {
  return options[rng.uniform(N)];
}

// A network drawn from discrete levels, so runs cover calm and stormy networks alike.
LinkParams random_link(Rng& rng) {
  LinkParams p;
  p.latency_min_us = pick(rng, std::array<TimeUs, 4>{50, 200, 1000, 5000});
  p.latency_max_us = p.latency_min_us + pick(rng, std::array<TimeUs, 4>{0, 600, 3000, 20000});
  p.jitter_us = pick(rng, std::array<TimeUs, 3>{0, 500, 5000});
  p.loss_ppm = pick(rng, std::array<std::uint32_t, 5>{0, 0, 10000, 50000, 200000});
  p.duplicate_ppm = pick(rng, std::array<std::uint32_t, 4>{0, 0, 20000, 100000});
  p.reorder_ppm = pick(rng, std::array<std::uint32_t, 4>{0, 0, 50000, 200000});
  p.reorder_delay_us = pick(rng, std::array<TimeUs, 3>{0, 0, 30000});
  return p;
}

int random_node(Rng& rng, int servers) { return static_cast<int>(rng.range(1, servers)); }

ScenarioAction at(TimeUs t, ActionKind kind) {
  ScenarioAction a;
  a.at_us = t;
  a.kind = kind;
  return a;
}

// What the faults drawn so far have spent of the run's budgets.
struct FaultBudget {
  std::vector<int> wiped;  // Servers whose disks were wiped (at most a minority).

  bool lost(int node) const { return std::find(wiped.begin(), wiped.end(), node) != wiped.end(); }
  // The guarantee covers a minority losing its disks over the whole run.
  bool may_lose(int node, int servers) const {
    return lost(node) || static_cast<int>(wiped.size()) < (servers - 1) / 2;
  }
  void lose(int node) {
    if (!lost(node)) wiped.push_back(node);
  }
};

void add_fault(Rng& rng, int fault, TimeUs t, TimeUs safety_us, int servers,
               std::vector<ScenarioAction>& out, FaultBudget& budget) {
  switch (fault) {
    case kFaultCrashAll:
      out.push_back(at(t, ActionKind::kCrashAll));
      // Within the safety phase: the liveness phase decides who is up after the heal.
      out.push_back(at(std::min(t + ms(rng.range(50, 2000)), safety_us), ActionKind::kRestartAll));
      break;
    case kFaultWipeDisk: {
      const int node = random_node(rng, servers);
      if (!budget.may_lose(node, servers)) break;
      budget.lose(node);
      ScenarioAction a = at(t, ActionKind::kWipeDisk);
      a.node = node;
      out.push_back(a);
      break;
    }
    case kFaultCrashLeader:
      out.push_back(at(t, ActionKind::kCrashLeader));
      break;
    case kFaultCrash:
    case kFaultRestart:
    case kFaultCutInbound: {
      ScenarioAction a = at(t, fault == kFaultCrash     ? ActionKind::kCrash
                               : fault == kFaultRestart ? ActionKind::kRestart
                                                        : ActionKind::kCutInbound);
      a.node = random_node(rng, servers);
      out.push_back(a);
      break;
    }
    case kFaultPartition: {
      // Each server joins one of up to three groups or (1 in 8) none, which isolates it.
      ScenarioAction a = at(t, ActionKind::kPartition);
      const int group_count = static_cast<int>(rng.range(1, 3));
      a.groups.resize(static_cast<std::size_t>(group_count));
      for (int n = 1; n <= servers; ++n) {
        if (rng.uniform(8) == 0) continue;
        a.groups[rng.uniform(static_cast<std::uint64_t>(group_count))].push_back(n);
      }
      std::erase_if(a.groups, [](const std::vector<int>& g) { return g.empty(); });
      out.push_back(a);
      break;
    }
    case kFaultOneWay: {
      ScenarioAction a = at(t, rng.uniform(3) == 0 ? ActionKind::kConnect : ActionKind::kCut);
      a.from = random_node(rng, servers);
      do {
        a.to = random_node(rng, servers);
      } while (a.to == a.from);
      out.push_back(a);
      break;
    }
    case kFaultNonTransitive: {
      ScenarioAction a = at(t, ActionKind::kCut);
      a.from = random_node(rng, servers);
      do {
        a.to = random_node(rng, servers);
      } while (a.to == a.from);
      out.push_back(a);
      std::swap(a.from, a.to);
      out.push_back(a);
      break;
    }
    case kFaultHeal:
      out.push_back(at(t, ActionKind::kHeal));
      break;
    case kFaultCrashFollower:
      out.push_back(at(t, ActionKind::kCrashFollower));
      break;
    case kFaultCrashAfterPoint: {
      ScenarioAction a = at(t, ActionKind::kCrashLeaderAfterPoint);
      a.delay_us = ms(rng.range(0, kMaxCrashAfterPointDelayUs / kUsPerMs));
      out.push_back(a);
      break;
    }
    case kFaultNetwork: {
      ScenarioAction a = at(t, ActionKind::kSetNetwork);
      a.network.link = random_link(rng);
      a.network.present = kNetLatencyMin | kNetLatencyMax | kNetJitter | kNetLoss | kNetDuplicate |
                          kNetReorder | kNetReorderDelay;
      out.push_back(a);
      break;
    }
    default:
      break;
  }
}

}  // namespace

Scenario generate_swarm_scenario(std::uint64_t seed, const SwarmShape& shape) {
  Rng rng(seed);
  Scenario s;
  s.title = kSwarmTitlePrefix + std::to_string(seed);
  s.seed = seed;
  s.servers = static_cast<int>(rng.range(shape.servers_min, shape.servers_max));
  s.mode =
      shape.allow_classic && rng.uniform(4) == 0 ? ElectionMode::kClassic : ElectionMode::kSticky;
  ClusterTiming& t = s.timing;
  t.heartbeat_interval_us = ms(pick(rng, std::array<std::int64_t, 3>{20, 50, 100}));
  t.heartbeat_timeout_us = t.heartbeat_interval_us * rng.range(3, 6);
  t.answer_timeout_us = ms(rng.range(30, 120));
  t.coordinator_timeout_us = ms(rng.range(150, 400));
  t.discovery_interval_us = ms(pick(rng, std::array<std::int64_t, 3>{500, 1000, 2000}));
  t.discovery_window_us = ms(rng.range(100, 300));
  t.election_backoff_max_us = ms(pick(rng, std::array<std::int64_t, 3>{500, 1000, 2000}));
  s.start_spread_us = ms(rng.range(0, 500));
  s.network = random_link(rng);

  const TimeUs safety_us =
      ms(rng.range(shape.safety_min_us / kUsPerMs, shape.safety_max_us / kUsPerMs));
  const int client_pairs =
      static_cast<int>(rng.range((shape.clients_min + 1) / 2, shape.clients_max / 2));
  s.target_score = static_cast<std::uint8_t>(rng.range(1, std::max(1, shape.target_score_max)));
  for (int c = 0; c < 2 * client_pairs; ++c) {
    ClientSpec spec;
    // Strong bots rally long: one point between skills 78 and 80 took up to 55 s (30 seeds),
    // beyond match_us_per_point; at 75 it took at most 29 s. Stay below that.
    spec.skill_min = static_cast<int>(rng.range(40, 72));
    spec.skill_max = spec.skill_min;
    spec.start_us = ms(rng.range(300, 1500));
    s.clients.push_back(spec);
  }
  // Fault kinds that only make sense with rooms are left out of runs without clients.
  const int fault_kinds = client_pairs > 0 ? kFaultCount : kFaultCrashAfterPoint;
  std::vector<int> enabled;
  for (int f = 0; f < fault_kinds; ++f) {
    if (rng.uniform(2) == 0) enabled.push_back(f);
  }
  if (enabled.empty()) enabled.push_back(static_cast<int>(rng.uniform(fault_kinds)));
  const int event_count = static_cast<int>(rng.range(0, shape.events_max));
  FaultBudget budget;
  for (int i = 0; i < event_count; ++i) {
    const int fault = enabled[rng.uniform(enabled.size())];
    add_fault(rng, fault, ms(rng.range(0, safety_us / kUsPerMs)), safety_us, s.servers, s.actions,
              budget);
  }

  // Liveness phase: heal everything, calm the network, restart whoever is down; or, in half
  // the runs of three servers or more (TigerBeetle's VOPR), restart only a majority core and
  // leave the others down, some of them wiped, for good: the core alone must converge and
  // finish every match.
  s.actions.push_back(at(safety_us, ActionKind::kHeal));
  ScenarioAction calm = at(safety_us, ActionKind::kSetNetwork);
  calm.network.link = LinkParams{};
  calm.network.present = kNetLatencyMin | kNetLatencyMax | kNetJitter | kNetLoss | kNetDuplicate |
                         kNetReorder | kNetReorderDelay;
  s.actions.push_back(calm);
  // The core comes from the servers that kept their disks (a majority, by the budget): a
  // replaced machine may lack what the lost disk alone confirmed.
  std::vector<int> order;
  std::vector<int> replaced;
  for (int n = 1; n <= s.servers; ++n) (budget.lost(n) ? replaced : order).push_back(n);
  for (std::size_t i = order.size(); i-- > 1;) {  // A seeded shuffle picks the core.
    std::swap(order[i], order[rng.uniform(static_cast<std::uint64_t>(i) + 1)]);
  }
  order.insert(order.end(), replaced.begin(), replaced.end());
  const bool core_only = s.servers >= 3 && rng.uniform(2) == 0;
  const std::size_t core = core_only ? static_cast<std::size_t>(s.servers / 2 + 1) : order.size();
  std::sort(order.begin(), order.begin() + static_cast<long>(core));
  for (std::size_t i = 0; i < order.size(); ++i) {
    const int node = order[i];
    const bool wipe = i >= core && rng.uniform(2) == 0 && budget.may_lose(node, s.servers);
    if (wipe) budget.lose(node);
    ScenarioAction a =
        at(safety_us,
           i < core ? ActionKind::kRestart : (wipe ? ActionKind::kWipeDisk : ActionKind::kCrash));
    a.node = node;
    s.actions.push_back(a);
  }
  sort_actions_by_time(s.actions);

  // Racers and spectators, drawn after everything else so a seed's Pong part stays as it was:
  // in half the runs with clients, a race of two to four racing bots; in half, one to three
  // spectators. The invariants cover them (order, scores, the same traffic for every racer);
  // a race may outlast the run, so no expectation asks it to finish.
  if (client_pairs > 0 && rng.uniform(2) == 0) {
    const int racers = static_cast<int>(rng.range(2, 4));
    for (int c = 0; c < racers; ++c) {
      ClientSpec spec;
      spec.game = Game::kRacing;
      spec.skill_min = spec.skill_max = static_cast<int>(rng.range(30, 90));
      spec.start_us = ms(rng.range(300, 1500));
      s.clients.push_back(spec);
    }
  }
  if (client_pairs > 0 && rng.uniform(2) == 0) {
    const int spectators = static_cast<int>(rng.range(1, 3));
    for (int c = 0; c < spectators; ++c) {
      ClientSpec spec;
      spec.spectate = true;
      spec.game = rng.uniform(2) == 0 ? Game::kPong : Game::kRacing;
      spec.start_us = ms(rng.range(500, 3000));
      s.clients.push_back(spec);
    }
  }

  const TimeUs settled_at = safety_us + shape.settle_us;
  // First to N takes at most 2N - 1 points.
  const TimeUs match_us =
      client_pairs > 0 ? shape.match_us_per_point * (2 * s.target_score - 1) : 0;
  s.duration_us = settled_at + std::max(shape.stable_us, match_us);
  // A crash-leader-after-point stays armed until a point is scored, which may be after the
  // heal: then only the last stable_us must be free of leader changes, and the run is longer.
  bool armed_crash = false;
  for (const ScenarioAction& a : s.actions)
    armed_crash |= a.kind == ActionKind::kCrashLeaderAfterPoint;
  if (armed_crash) s.duration_us += shape.match_us_per_point;
  const TimeUs stable_from = armed_crash ? s.duration_us - shape.stable_us : settled_at;
  // Bots playing through the faults must not forfeit a match they could still finish.
  s.forfeit_timeout_us = s.duration_us;
  add_liveness_expectations(s, stable_from, swarm_matches_can_finish(s) ? client_pairs : 0);
  if (s.mode == ElectionMode::kClassic) {
    // Classic Bully: once settled, the highest live id leads (the core's highest).
    Expectation highest;
    highest.kind = ExpectKind::kLeaderIs;
    highest.at_us = s.duration_us;
    highest.node = *std::max_element(order.begin(), order.begin() + static_cast<long>(core));
    s.expectations.push_back(highest);
  }
  add_swarm_chat(rng, s, safety_us);
  add_swarm_attacks(seed, s, safety_us);
  // A small ring, drawn after every other draw so a seed keeps the rest of its scenario: in one
  // run in four the leaders keep 16, 32 or 256 entries, so followers that fall behind (lossy
  // links, cuts, restarts) cross the ring's boundary, by retransmission or by snapshot.
  if (rng.uniform(4) == 0) s.ring_capacity = pick(rng, std::array<std::uint32_t, 3>{16, 32, 256});
  add_swarm_targeted(seed, s, safety_us);
  return s;
}

void add_liveness_expectations(Scenario& s, TimeUs stable_from, int matches) {
  Expectation one;
  one.kind = ExpectKind::kOneLeader;
  one.at_us = s.duration_us;
  s.expectations.push_back(one);
  Expectation stable;
  stable.kind = ExpectKind::kNoLeaderChange;
  stable.from_us = stable_from;
  stable.to_us = s.duration_us;
  s.expectations.push_back(stable);
  if (matches > 0) {
    Expectation finish;
    finish.kind = ExpectKind::kEveryMatchFinishes;
    finish.count = matches;
    s.expectations.push_back(finish);
  }
}

bool swarm_within_guarantee(const Scenario& s) {
  std::vector<bool> up(static_cast<std::size_t>(s.servers) + 1, true);
  std::vector<bool> wiped(up.size(), false);
  auto valid = [&](int node) { return node >= 1 && node <= s.servers; };
  for (const ScenarioAction& a : s.actions) {
    const auto n = static_cast<std::size_t>(a.node);
    switch (a.kind) {
      case ActionKind::kCrash:
        if (valid(a.node)) up[n] = false;
        break;
      case ActionKind::kWipeDisk:
        if (valid(a.node)) up[n] = false, wiped[n] = true;
        break;
      case ActionKind::kRestart:
        if (valid(a.node)) up[n] = true;
        break;
      case ActionKind::kCrashAll:
        std::fill(up.begin(), up.end(), false);
        break;
      case ActionKind::kRestartAll:
        std::fill(up.begin(), up.end(), true);
        break;
      default:
        break;  // The crash kinds that pick their target at run time strike before the heal.
    }
  }
  int lost = 0;
  int holding = 0;
  for (int n = 1; n <= s.servers; ++n) {
    const auto i = static_cast<std::size_t>(n);
    lost += wiped[i] ? 1 : 0;
    holding += up[i] && !wiped[i] ? 1 : 0;
  }
  return lost <= (s.servers - 1) / 2 && holding >= s.servers / 2 + 1;
}

bool swarm_matches_can_finish(const Scenario& s) {
  // Rooms are on the servers' disks: crashes lose none, and within the guarantee a majority
  // that kept its disks is up at the end.
  return s.servers >= 2 && swarm_within_guarantee(s);
}

TimeUs swarm_heal_at(std::uint64_t seed, const SwarmShape& shape) {
  // The liveness phase opens with a heal and a restart of every server, all at one time.
  const Scenario s = generate_swarm_scenario(seed, shape);
  for (std::size_t i = 0; i + 1 < s.actions.size(); ++i) {
    const ScenarioAction& a = s.actions[i];
    const ScenarioAction& b = s.actions[i + 1];
    if (a.kind == ActionKind::kHeal && b.kind == ActionKind::kSetNetwork && a.at_us == b.at_us &&
        b.network.link == LinkParams{} && i + 2 < s.actions.size() &&
        s.actions[i + 2].kind == ActionKind::kRestart && s.actions[i + 2].at_us == a.at_us) {
      return a.at_us;
    }
  }
  return s.duration_us;
}

}  // namespace dp::sim
