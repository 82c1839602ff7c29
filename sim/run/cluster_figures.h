// The cluster's figures: elections and leaders, failover after each leader crash (until
// every live server holds one newer epoch whose leader is live and leads it), snapshots,
// retransmissions, messages by type and bytes into the followers.
#pragma once

#include <map>
#include <set>
#include <vector>

#include "sim/run/run_context.h"

namespace dp::sim {

class ClusterFigures final : public SimObserver {
 public:
  struct Leadership {
    TimeUs at_us;
    HostIndex host;
    Epoch epoch;
  };

  explicit ClusterFigures(RunContext& run);

  // Completes every pending failover whose new leadership is settled now.
  void check_failovers(TimeUs now);
  // Every kSampleIntervalUs: follower time and retransmission counters.
  void sample(TimeUs interval);
  // Fills the figures that are totals of the run.
  void finish(double wall_seconds);

  const std::vector<Leadership>& leaderships() const { return became_leader_; }
  // Every epoch a game server led or followed that none had held before, in order: the run's
  // first, then each change (see max-leader-changes).
  const std::vector<Leadership>& new_epochs() const { return new_epochs_; }
  // (time, server number) of every snapshot installed.
  const std::vector<std::pair<TimeUs, int>>& snapshot_installs() const {
    return snapshot_installs_;
  }

  void on_send(TimeUs now, HostIndex from, const OutDatagram& d) override;
  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void on_host_crashing(TimeUs now, HostIndex h) override;
  void on_host_crashed(TimeUs now, HostIndex) override { check_failovers(now); }
  void after_step(TimeUs now, HostIndex h) override {
    if (!run_.is_client(h)) check_failovers(now);
  }

 private:
  struct Retransmits {
    std::uint64_t banked = 0;
    std::uint64_t last = 0;
  };
  void update_retransmits(HostIndex h);

  RunContext& run_;
  int pending_failovers_ = 0;
  std::vector<Leadership> became_leader_;
  std::vector<Leadership> new_epochs_;
  std::set<Epoch> epochs_held_;
  std::vector<std::pair<TimeUs, int>> snapshot_installs_;
  std::vector<Retransmits> retransmits_;  // By server.
  std::uint64_t follower_rx_bytes_ = 0;
  TimeUs follower_us_ = 0;  // Summed over live followers, in sample steps.
  std::map<std::uint8_t, std::uint64_t> sent_by_kind_;
};

}  // namespace dp::sim
