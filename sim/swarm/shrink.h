// Shrinks a failing scenario to a small one that fails the same way: greedily drops events
// one at a time while the violation persists, then drops whole servers (and every event that
// names them), then expectations the violation does not need, then calms the base network,
// and drops events once more. Each step keeps a change only if a fresh run still shows a
// violation of the same name, so the result reproduces it by construction.
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <string>

#include "sim/scenario.h"

namespace dp::sim {

struct ShrinkOptions {
  // Upper bound on simulation runs spent shrinking one scenario.
  std::size_t max_runs = 400;
  // Events at or after this time are never dropped (the swarm's heal-and-restart phase, which
  // a liveness violation is only meaningful with). Default: every event may go.
  TimeUs keep_from_us = std::numeric_limits<TimeUs>::max();
  // Candidates this rejects are not tried (e.g. a scenario in which the violation would no
  // longer mean what it meant in the original). Empty: every candidate is tried.
  std::function<bool(const Scenario&)> valid;
};

struct ShrinkResult {
  Scenario scenario;  // The smallest failing scenario found.
  std::size_t runs = 0;
  std::size_t events_before = 0;
  int servers_before = 0;
};

// `failing` must show the violation `name` when run; the result still does.
ShrinkResult shrink_scenario(const Scenario& failing, const std::string& name,
                             const ShrinkOptions& options = {});

// `scenario` with servers above `servers` removed: events naming them are dropped and they
// leave partition groups (empty groups go).
Scenario without_servers_above(const Scenario& scenario, int servers);

}  // namespace dp::sim
