// What a run got wrong, named so that violations of the same kind group together across runs
// (the swarm's table) and a shrunk scenario can be checked to still show the same one.
#pragma once

#include <string>
#include <vector>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace dp::sim {

struct Violation {
  // Stable across runs: "invariant: <name>", "liveness: <expectation kind>" or
  // "simulation bound".
  std::string name;
  std::string detail;  // The first instance, as the runner described it.
};

// Every violation in `result`, which must come from run_scenario(scenario, ...).
std::vector<Violation> violations_of(const Scenario& scenario, const RunResult& result);

// True if `result` shows a violation called `name`.
bool has_violation(const Scenario& scenario, const RunResult& result, const std::string& name);

// The file-format name of an expectation kind, e.g. "one-leader".
const char* expect_kind_name(ExpectKind kind);

}  // namespace dp::sim
