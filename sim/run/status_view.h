// `pong-sim run --status`: a VOPR-style status view. Whenever a game server changes role,
// epoch or synced epoch, crashes or restarts, one line shows every game server at that instant:
// its role, the epoch it leads or follows, how far it applied, its commit point (leaders) and
// its entry ring's use, so the lead-up to a violation reads top to bottom. The server that
// changed is starred.
//
//    11.308s  n1  F 2/n2    1468 -        |*n2  L 2/n2    1468 0       1% | n3  X
//
// Roles: L leads (and serves), R leads but still recovers, F follows, C is a candidate, B
// backs off after a failed election, - has no leader, X is down.
#pragma once

#include <string>
#include <vector>

#include "sim/run/run_context.h"

namespace dp::sim {

// At most this many lines are kept (the rest are counted).
constexpr std::size_t kMaxStatusLines = 200'000;

class StatusView final : public SimObserver {
 public:
  explicit StatusView(RunContext& run);

  void after_step(TimeUs now, HostIndex h) override;
  void on_host_started(TimeUs now, HostIndex h, bool restart) override;
  void on_host_crashed(TimeUs now, HostIndex h) override;

 private:
  struct Seen {
    bool up = false;
    char role = 'X';
    Epoch epoch;
    Epoch synced;
    bool operator==(const Seen&) const = default;
  };
  Seen seen_now(HostIndex h) const;
  void check(TimeUs now, HostIndex h);
  std::string column(HostIndex h, bool changed) const;
  std::string short_epoch(const Epoch& e) const;

  RunContext& run_;
  std::vector<Seen> seen_;
};

}  // namespace dp::sim
