// Swarm fuzzing (after FoundationDB's simulator and TigerBeetle's VOPR): many short runs, each
// derived entirely from its seed by generate_swarm_scenario(), each judged by the runner's
// invariants and the swarm's liveness expectations. A failing run is shrunk to a small
// scenario and written as a TOML file that `pong-sim run FILE` replays to the same violation.
//
// Runs are independent and deterministic, so --jobs only changes the wall time: results are
// gathered per run and reported in seed order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "sim/scenario.h"
#include "sim/swarm/shrink.h"
#include "sim/swarm/swarm_scenario.h"
#include "sim/swarm/violation.h"

namespace dp::sim {

// Upper bounds on what one swarm may be asked for.
constexpr std::uint64_t kMaxSwarmRuns = 10'000'000;
constexpr int kMaxSwarmJobs = 64;
constexpr std::uint64_t kMaxSwarmShards = 100'000;

// A deterministic share of a seed range (see shard.h): shard `index` of `count`.
struct SwarmShard {
  std::uint64_t index = 1;  // K, 1-based.
  std::uint64_t count = 1;  // N.

  // Run i of the range (0-based) belongs to this shard.
  bool holds(std::uint64_t i) const { return i % count == index - 1; }
};

struct SwarmOptions {
  std::uint64_t runs = 100;
  std::uint64_t seed = 1;  // Run i (0-based) uses seed + i, so one failing seed replays alone.
  SwarmShard shard;        // Only this share of the range runs (all of it by default).
  bool keep_runs = false;  // Keep every run's figures in SwarmReport::records.
  int jobs = 1;            // Worker threads, 1 .. kMaxSwarmJobs.
  // Where shrunk reproductions are written (swarm-seed-<seed>.toml); empty: not written.
  std::string out_dir = ".";
  bool shrink = true;
  ShrinkOptions shrink_options;
  // A progress bar on stderr when it is a terminal (runs, failures, ETA), else a line every
  // 10% of the runs.
  bool progress = true;
  SwarmShape shape;
  // Applied to every generated scenario before it runs (tests use it, e.g. to inject a bug).
  std::function<void(Scenario&)> adjust;
};

struct SwarmFailure {
  std::uint64_t seed = 0;
  std::vector<Violation> violations;  // Of the original run.
  std::string shrunk_for;             // The violation the shrinking preserved.
  Scenario shrunk;                    // The reproduction (the original when not shrunk).
  std::size_t shrink_runs = 0;
  std::size_t shrunk_events = 0;  // The reproduction's scenario actions.
  int shrunk_servers = 0;         // And its servers.
  std::string file;               // The written reproduction; empty when none was written.
  bool replayed = false;          // The written TOML, parsed and run again, shows `shrunk_for`.
  std::string replay_error;       // Why writing or replaying failed, if it did.
};

// One run's figures (SwarmOptions::keep_runs).
struct SwarmRunRecord {
  std::uint64_t seed = 0;
  double simulated_seconds = 0;
  std::uint64_t events = 0;
  bool failed = false;
};

struct SwarmReport {
  std::uint64_t runs = 0;        // Runs made (this shard's share of the range).
  std::uint64_t first_seed = 0;  // The range: first_seed .. first_seed + range_runs - 1.
  std::uint64_t range_runs = 0;
  SwarmShard shard;
  std::uint64_t shards_merged = 0;  // Set by fuzz-merge: how many shards it combined.
  int jobs = 1;                     // Merged: the shards' jobs summed.
  std::uint64_t failed_runs = 0;
  std::map<std::string, std::uint64_t> violations_by_name;  // Runs showing each violation.
  double simulated_seconds = 0;  // Summed over the runs (not counting shrinking).
  double wall_seconds = 0;
  std::uint64_t events_processed = 0;
  std::vector<SwarmFailure> failures;   // In seed order.
  std::vector<SwarmRunRecord> records;  // In seed order, with keep_runs.

  bool ok() const { return failed_runs == 0; }
};

// Counts one run into a report's totals; a failing run's `failure` is moved to its failures.
void add_swarm_run(SwarmReport& report, const SwarmRunRecord& run, SwarmFailure* failure);

// Runs the swarm and returns what it found; progress (if enabled) goes to stderr.
SwarmReport run_swarm_report(const SwarmOptions& options);

// The closing table: runs, violations by name, simulated and wall time, and one line per
// failing seed with its reproduction file.
void write_swarm_table(const SwarmReport& report, std::ostream& out);

// run_swarm_report() then write_swarm_table() to `out`. Returns the exit code for pong-sim:
// 0 if no run violated anything, 1 otherwise.
int run_swarm(const SwarmOptions& options, std::ostream& out);

}  // namespace dp::sim
