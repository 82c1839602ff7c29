// The swarm on many machines: `pong-sim fuzz --shard K/N` runs the share of a seed range whose
// run index i (0-based, seed = first + i) has i % N == K - 1, and writes JSON lines instead of
// the table; `pong-sim fuzz-merge FILE...` reads every shard's lines back and prints the table
// one unsharded run of the whole range would have printed (its wall time is the slowest
// shard's). The share depends on nothing but K, N and the range, so any machine may run any
// shard, in any order, and a lost shard is re-run alone.
//
// The lines (one JSON object each):
//   {"kind":"shard","shard":K,"of":N,"first_seed":S,"runs":R,"jobs":J,"wall_seconds":W}
//   {"kind":"run","seed":S,"simulated_seconds":X,"events":E}                  (a clean run)
//   {"kind":"run","seed":S,...,"violations":[{"name":..,"detail":..}],"shrunk_for":..,
//    "shrink_runs":..,"shrunk_events":..,"shrunk_servers":..,"file":..,"replayed":..,
//    "replay_error":..}                                                       (a failing run)
// R is the whole range's run count; a shard's own runs are its "run" lines.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/result.h"
#include "sim/swarm/swarm.h"

namespace dp::sim {

// "K/N" with 1 <= K <= N <= kMaxSwarmShards; the error says what is wrong.
Result<SwarmShard, std::string> parse_swarm_shard(const std::string& text);

// The shard's lines: its header, then one line per run in seed order. `report` must come from
// run_swarm_report() with SwarmOptions::shard set and keep_runs on.
void write_swarm_jsonl(const SwarmReport& report, const SwarmShard& shard, std::ostream& out);

// One input of fuzz-merge: its name (for errors) and its text.
struct ShardInput {
  std::string name;
  std::istream* in = nullptr;
};

// Every shard of one range, each exactly once, merged into the unsharded run's report (runs in
// seed order, so the sums are the same to the last bit). An error names the input and line.
Result<SwarmReport, std::string> merge_swarm_jsonl(const std::vector<ShardInput>& inputs);

}  // namespace dp::sim
