// The scenario's expectations: those about a moment (one-leader, leader-is, the start and end
// of no-leader-change) are checked when the simulation reaches it; the rest at the end, from
// the run's figures. See runner.h for what each kind means.
#pragma once

#include <map>
#include <set>

#include "sim/run/chat_checks.h"
#include "sim/run/cluster_figures.h"
#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class Expectations final : public SimObserver {
 public:
  // serving-leader-is: how recent a player's newest state must be to count as served.
  static constexpr TimeUs kServingWindowUs = 1000 * kUsPerMs;

  Expectations(RunContext& run, const ClusterFigures& cluster, const InvariantObserver& invariants,
               const ChatChecks& chat);

  // Schedules the checks that happen at a moment of the run.
  void schedule();
  // Evaluates the rest (after every figure is final).
  void finish();
  // Counts datagrams for message-count (observing only when counts_messages()).
  bool counts_messages() const { return !counted_.empty(); }
  void on_send(TimeUs now, HostIndex from, const OutDatagram& d) override;

 private:
  void check_leader(std::size_t i, const Expectation& e);
  void check_no_change(std::size_t i, const Expectation& e);
  void check_max_failover(const Expectation& e, ExpectationResult& r) const;
  void check_every_match_finishes(const Expectation& e, ExpectationResult& r) const;
  void check_every_race_finishes(const Expectation& e, ExpectationResult& r) const;
  void check_client_failover(const Expectation& e, ExpectationResult& r) const;
  void check_snapshot_installed(const Expectation& e, ExpectationResult& r) const;
  void check_leader_changes(const Expectation& e, ExpectationResult& r) const;
  void check_results_on_disk(std::size_t i, const Expectation& e);
  void check_stall(const Expectation& e, ExpectationResult& r) const;
  void check_message_count(std::size_t i, const Expectation& e, ExpectationResult& r) const;
  void check_match_result(const Expectation& e, ExpectationResult& r) const;
  void check_serving_leader(std::size_t i, const Expectation& e);

  RunContext& run_;
  const ClusterFigures& cluster_;
  const InvariantObserver& invariants_;
  const ChatChecks& chat_;
  std::map<std::size_t, Epoch> no_change_start_;
  std::set<std::size_t> evaluated_;
  std::vector<std::size_t> counted_;              // The message-count expectations.
  std::map<std::size_t, std::int64_t> messages_;  // Their counts so far.
};

}  // namespace dp::sim
