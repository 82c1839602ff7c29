// `pong-sim run --check-determinism`: runs one scenario twice and names the first trace
// record at which the two runs differ. The same scenario and seed must give the same run,
// always; when they do not, the first differing record points at the nondeterminism (an
// unordered container, an uninitialised field, a clock or a global generator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace dp::sim {

struct DeterminismResult {
  bool deterministic = true;
  std::uint64_t digest_first = 0;
  std::uint64_t digest_second = 0;
  std::size_t records_compared = 0;
  // Where the runs part: the index of the first differing trace record (or timeline entry),
  // and both versions of it in words. Empty when the runs agree.
  std::size_t index = 0;
  std::string where;  // "trace record 1234" or "timeline entry 56" or "digest only".
  std::string first;
  std::string second;
  // The scenario's own verdict, from the first run (first_divergence(scenario) only): its
  // expectations and invariants, as `pong-sim run --quiet` prints them.
  bool scenario_passed = true;
  std::string verdict;
};

// Runs `scenario` twice with a full trace (options.record_trace is forced on), and keeps the
// first run's verdict.
DeterminismResult first_divergence(const Scenario& scenario, const RunOptions& options = {});

// Compares two finished runs (both recorded with a trace).
DeterminismResult first_divergence(const RunResult& a, const RunResult& b);

// "deterministic: two runs, same digest ... (N records compared)" or the divergence.
void write_determinism_report(const DeterminismResult& result, std::ostream& out);

// A one-line description of a trace record, e.g. "message 0.012345 s node 1 -> node 2 type 3".
std::string describe_trace_record(const TraceRecord& record);

}  // namespace dp::sim
