// Spectators as they saw their rooms, and what serving them cost: the longest gap each saw
// between two states (a move to another follower included), the bytes into each, and the
// leader's bytes out per second (spectators are served by followers, so it must not grow).
#pragma once

#include <vector>

#include <optional>
#include <utility>

#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class SpectatorWatch final : public SimObserver {
 public:
  SpectatorWatch(RunContext& run, InvariantObserver& invariants);

  void on_send(TimeUs now, HostIndex from, const OutDatagram& d) override;
  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  void after_step(TimeUs now, HostIndex h) override;
  // Fills the spectator figures.
  void finish();

 private:
  struct Track {
    std::uint64_t states_seen = 0;
    TimeUs first_state_us = -1;
    TimeUs last_state_us = -1;
    TimeUs longest_gap_us = 0;
    std::uint64_t rx_bytes = 0;
    NodeId watched;  // The server it last watched from.
  };
  RunContext& run_;
  InvariantObserver& invariants_;
  std::vector<Track> clients_;
  // A server handling a spectator's request: its state's digest before (kSpectatorsReadOnly).
  std::optional<std::pair<HostIndex, std::uint64_t>> request_;  // By client number - 1.
  std::uint64_t leader_tx_bytes_ = 0;
  TimeUs first_leader_tx_us_ = -1;
  TimeUs last_leader_tx_us_ = -1;
};

}  // namespace dp::sim
