// RapidCheck generators for fault schedules and their translation into sim::Scenario values.
// A schedule is a plain vector of steps, so RapidCheck shrinks a failure by dropping steps and
// by moving each step's numbers toward zero (earlier, lower node numbers, milder kinds).
#pragma once

#include <rapidcheck.h>

#include <algorithm>
#include <ostream>
#include <vector>

#include "sim/scenario.h"
#include "sim/swarm/swarm_scenario.h"

namespace dp::sim::property {

// One fault. Node numbers are taken modulo the cluster size, so any step fits any cluster.
struct FaultStep {
  int at_ms = 0;
  int kind = 0;  // See to_scenario(): crash-leader, crash, restart, partition, cut, ...
  int a = 0;
  int b = 0;
  int level = 0;              // Network level for set-network (0 clean .. 3 stormy).
  std::vector<int> group_of;  // partition: group index per server (3 = isolated).
};

inline std::ostream& operator<<(std::ostream& os, const FaultStep& s) {
  return os << "{at " << s.at_ms << " ms, kind " << s.kind << ", a " << s.a << ", b " << s.b
            << ", level " << s.level << "}";
}

constexpr int kStepKinds = 10;
constexpr int kSafetyMsMax = 4000;

inline rc::Gen<FaultStep> gen_step() {
  return rc::gen::build<FaultStep>(
      rc::gen::set(&FaultStep::at_ms, rc::gen::inRange(0, kSafetyMsMax + 1)),
      rc::gen::set(&FaultStep::kind, rc::gen::inRange(0, kStepKinds)),
      rc::gen::set(&FaultStep::a, rc::gen::inRange(0, 7)),
      rc::gen::set(&FaultStep::b, rc::gen::inRange(0, 7)),
      rc::gen::set(&FaultStep::level, rc::gen::inRange(0, 4)),
      rc::gen::set(&FaultStep::group_of,
                   rc::gen::container<std::vector<int>>(7, rc::gen::inRange(0, 4))));
}

// At most this many steps per schedule; shrinking only removes steps.
constexpr std::size_t kMaxSteps = 12;

inline rc::Gen<std::vector<FaultStep>> gen_schedule() {
  // The container's length is drawn from [0, size]; fixing the size bounds it.
  return rc::gen::resize(static_cast<int>(kMaxSteps),
                         rc::gen::container<std::vector<FaultStep>>(gen_step()));
}

inline LinkParams network_level(int level) {
  LinkParams p;
  switch (level) {
    case 1:  // Lossy and duplicating.
      p.loss_ppm = 50'000;
      p.duplicate_ppm = 50'000;
      break;
    case 2:  // Reordering with jitter.
      p.reorder_ppm = 200'000;
      p.jitter_us = 3'000;
      break;
    case 3:  // Slow and lossy.
      p.latency_min_us = 5'000;
      p.latency_max_us = 20'000;
      p.loss_ppm = 100'000;
      break;
    default:
      break;
  }
  return p;
}

// Timing profiles: 0 the defaults, 1 fast heartbeats, 2 slow heartbeats with long timeouts.
inline ClusterTiming timing_profile(int profile) {
  ClusterTiming t;
  if (profile == 1) {
    t.heartbeat_interval_us = 20 * kUsPerMs;
    t.heartbeat_timeout_us = 80 * kUsPerMs;
    t.answer_timeout_us = 40 * kUsPerMs;
    t.election_backoff_max_us = 500 * kUsPerMs;
  } else if (profile == 2) {
    t.heartbeat_interval_us = 100 * kUsPerMs;
    t.heartbeat_timeout_us = 600 * kUsPerMs;
    t.answer_timeout_us = 100 * kUsPerMs;
    t.coordinator_timeout_us = 400 * kUsPerMs;
    t.discovery_interval_us = 500 * kUsPerMs;
  }
  return t;
}

struct ScheduleShape {
  int servers = 3;
  int timing = 0;   // timing_profile()
  int network = 0;  // network_level() of the base network
  bool classic = false;
  int clients = 0;  // Bot players (even); with clients every match must finish.
  std::uint64_t seed = 1;
  TimeUs settle_us = 8 * kUsPerSecond;
  TimeUs stable_us = 2 * kUsPerSecond;
};

constexpr std::uint32_t kAllNet = kNetLatencyMin | kNetLatencyMax | kNetJitter | kNetLoss |
                                  kNetDuplicate | kNetReorder | kNetReorderDelay;

// The safety phase runs the steps; then everything heals, the network calms down, every
// server restarts, and the cluster must settle on one leader (and finish its matches).
inline Scenario to_scenario(const std::vector<FaultStep>& steps, const ScheduleShape& shape) {
  Scenario s;
  s.title = "property schedule";
  s.seed = shape.seed;
  s.servers = shape.servers;
  s.target_score = 1;
  s.timing = timing_profile(shape.timing);
  s.network = network_level(shape.network);
  s.mode = shape.classic ? ElectionMode::kClassic : ElectionMode::kSticky;
  const int n = shape.servers;
  auto node = [n](int v) { return v % n + 1; };
  for (const FaultStep& st : steps) {
    ScenarioAction a;
    a.at_us = TimeUs{st.at_ms} * kUsPerMs;
    switch (st.kind) {
      case 0:
        a.kind = ActionKind::kCrashLeader;
        break;
      case 1:
        a.kind = ActionKind::kCrash;
        a.node = node(st.a);
        break;
      case 2:
        a.kind = ActionKind::kRestart;
        a.node = node(st.a);
        break;
      case 3: {
        a.kind = ActionKind::kPartition;
        a.groups.resize(3);
        for (int i = 0; i < n; ++i) {
          const int g = i < static_cast<int>(st.group_of.size()) ? st.group_of[i] : 0;
          if (g < 3) a.groups[g].push_back(i + 1);  // Group 3: isolated.
        }
        std::erase_if(a.groups, [](const std::vector<int>& g) { return g.empty(); });
        break;
      }
      case 4:
      case 5:  // 5: both directions, a non-transitive partition.
        a.kind = ActionKind::kCut;
        a.from = node(st.a);
        a.to = node(st.b);
        if (a.from == a.to) a.to = a.to % n + 1;
        if (a.from == a.to) continue;  // One server: nothing to cut.
        if (st.kind == 5) {
          ScenarioAction back = a;
          std::swap(back.from, back.to);
          s.actions.push_back(back);
        }
        break;
      case 6:
        a.kind = ActionKind::kCutInbound;
        a.node = node(st.a);
        break;
      case 7:
        a.kind = ActionKind::kHeal;
        break;
      case 8:
        a.kind = ActionKind::kSetNetwork;
        a.network.link = network_level(st.level);
        a.network.present = kAllNet;
        break;
      default:
        a.kind = ActionKind::kCrashFollower;
        break;
    }
    s.actions.push_back(a);
  }
  const TimeUs heal_at = TimeUs{kSafetyMsMax} * kUsPerMs + kUsPerSecond;
  ScenarioAction heal;
  heal.at_us = heal_at;
  heal.kind = ActionKind::kHeal;
  s.actions.push_back(heal);
  ScenarioAction calm;
  calm.at_us = heal_at;
  calm.kind = ActionKind::kSetNetwork;
  calm.network.link = LinkParams{};
  calm.network.present = kAllNet;
  s.actions.push_back(calm);
  for (int i = 1; i <= n; ++i) {
    ScenarioAction r;
    r.at_us = heal_at;
    r.kind = ActionKind::kRestart;
    r.node = i;
    s.actions.push_back(r);
  }
  std::stable_sort(
      s.actions.begin(), s.actions.end(),
      [](const ScenarioAction& x, const ScenarioAction& y) { return x.at_us < y.at_us; });
  for (int c = 0; c < shape.clients; ++c) {
    ClientSpec spec;
    spec.skill_min = spec.skill_max = 60 + 10 * (c % 3);
    spec.start_us = (500 + 100 * c) * kUsPerMs;
    s.clients.push_back(spec);
  }
  const TimeUs settled = heal_at + shape.settle_us;
  s.duration_us = settled + (shape.clients > 0 ? 40 * kUsPerSecond : shape.stable_us);
  s.forfeit_timeout_us = s.duration_us;
  add_liveness_expectations(s, settled, shape.clients / 2);
  return s;
}

}  // namespace dp::sim::property
