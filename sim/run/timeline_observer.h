// The human timeline and the trace: hosts starting, restarting and crashing, the cluster's
// milestones (discoveries, suspicions, elections, leaders), snapshot installs, and, with
// --trace, every message as a flow arrow and every drop.
#pragma once

#include <map>

#include "sim/run/run_context.h"

namespace dp::sim {

class TimelineObserver final : public SimObserver {
 public:
  explicit TimelineObserver(RunContext& run) : run_(run) {}

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  void on_drop(TimeUs now, const Transit& t, DropReason why) override;
  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void on_host_started(TimeUs now, HostIndex h, bool restart) override;
  void on_host_crashing(TimeUs now, HostIndex h) override;

 private:
  RunContext& run_;
  std::map<HostIndex, TimeUs> last_snapshot_line_;
};

}  // namespace dp::sim
