// The scenario's actions, one handler each, applied at their simulated times: crashes and
// restarts (of a named node, the leader, a follower, or the leader just after its rooms score),
// partitions and cuts, healing, network changes, the attacker's attacks, and the faults aimed
// at dangerous moments (targeted_faults.h).
#pragma once

#include <map>
#include <optional>

#include "sim/attacker.h"
#include "sim/run/cluster_figures.h"
#include "sim/run/flaps.h"
#include "sim/run/pong_matches.h"
#include "sim/run/run_context.h"
#include "sim/run/targeted_faults.h"

namespace dp::sim {

class ScenarioActions final : public SimObserver {
 public:
  ScenarioActions(RunContext& run, ClusterFigures& figures, PongMatches& matches)
      : run_(run),
        figures_(figures),
        matches_(matches),
        targeted_(run, figures, matches),
        flaps_(run) {}

  void apply(const ScenarioAction& a);
  // The attacker that carries out the attacker's actions (none: the scenario has none).
  void set_attacker(Attacker* attacker) { attacker_ = attacker; }
  // crash-leader-after-point: the armed leader's rooms are watched after each of its steps.
  void after_step(TimeUs now, HostIndex h) override {
    if (armed_ && armed_->host == h) check_armed_point(now);
    targeted_.after_step(now, h);
  }
  // The targeted faults watch what clients are shown, points ordered and snapshots sent.
  void on_node_event(HostIndex h, const NodeEvent& e) override { targeted_.on_node_event(h, e); }
  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t>) override {
    targeted_.on_deliver(now, t);
  }

 private:
  struct Armed {  // crash-leader-after-point, waiting for the point.
    HostIndex host = 0;
    TimeUs delay_us = 0;
    std::map<std::uint32_t, int> points;  // Room -> points scored when armed.
  };

  void crash_leader(TimeUs now);
  void crash_chat_leader(TimeUs now);
  void crash_follower(TimeUs now, bool chat);
  void arm_crash_after_point(TimeUs now, const ScenarioAction& a);
  void check_armed_point(TimeUs now);
  void crash(TimeUs now, HostIndex h);
  void restart(TimeUs now, HostIndex h);
  void partition(TimeUs now, const ScenarioAction& a);
  void partition_chat(TimeUs now, const ScenarioAction& a);
  void cut(TimeUs now, const ScenarioAction& a);
  void connect(TimeUs now, const ScenarioAction& a);
  void cut_inbound(TimeUs now, HostIndex target);
  void move_leader(TimeUs now, int to);
  void drain(TimeUs now, int node);
  void heal(TimeUs now);
  void set_network(TimeUs now, const NetworkSpec& spec);
  void crash_all(TimeUs now, bool chat);
  void restart_all(TimeUs now, bool chat);
  void wipe_disk(TimeUs now, int node);
  void attack(TimeUs now, const ScenarioAction& a);

  RunContext& run_;
  ClusterFigures& figures_;
  PongMatches& matches_;
  std::optional<Armed> armed_;
  TargetedFaults targeted_;
  Flaps flaps_;
  Attacker* attacker_ = nullptr;
  std::uint64_t heals_ = 0;  // Heals so far: a trap's crash scheduled before the last one is off.
};

}  // namespace dp::sim
