// pong-sim: run a scenario file through the deterministic network emulator.
//
//   pong-sim run FILE [--seed N] [--trace OUT.json] [--json] [--quiet] [--transcript]
//                     [--status] [--check-determinism]
//                     [--diagram OUT.svg [--from-ms A] [--to-ms B] [--servers-only]]
//                     [--pcap OUT.pcap]
//   pong-sim fuzz --runs N [--seed S] [--jobs J] [--out-dir DIR] [--no-shrink] [--shard K/N]
//   pong-sim fuzz-merge FILE...      (the shards' JSON lines; - reads standard input)
//
// Exit status: 0 when every expectation and invariant holds, 1 when one fails, 2 on bad
// input (unreadable file, bad TOML, unknown key, wrong type, bad flag). All logic lives in
// sim/ (runner.h, report.h); this file only parses flags and picks the output.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "apps/app_flags.h"
#include "sim/report.h"
#include "sim/report_diagram.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/swarm/determinism.h"
#include "sim/swarm/shard.h"
#include "sim/swarm/swarm.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitBadInput = 2;

struct RunFlags {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_path;
  bool json = false;
  bool quiet = false;
  bool check_determinism = false;
  bool transcript = false;
  bool status = false;
  std::string diagram_path;
  std::string pcap_path;
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;
  bool servers_only = false;
};

int run_command(const RunFlags& flags) {
  auto scenario = dp::sim::load_scenario_file(flags.file);
  if (!scenario) {
    std::cerr << "error: " << scenario.error().str() << "\n";
    return kExitBadInput;
  }
  dp::sim::RunOptions options;
  options.seed = flags.seed;
  if (flags.check_determinism) {
    // Runs the scenario twice and names the first trace record where the runs differ; then
    // the scenario's own verdict. Exits 0 only when the runs agree and the scenario passes.
    const dp::sim::DeterminismResult r = dp::sim::first_divergence(*scenario, options);
    dp::sim::write_determinism_report(r, std::cout);
    std::cout << r.verdict << "\n";
    return r.deterministic && r.scenario_passed ? kExitPass : kExitFail;
  }
  options.record_trace = !flags.trace_path.empty() || !flags.diagram_path.empty();
  options.status = flags.status;
  std::ofstream pcap;
  if (!flags.pcap_path.empty()) {
    pcap.open(flags.pcap_path, std::ios::binary | std::ios::trunc);
    if (!pcap) {
      std::cerr << "error: cannot write capture file " << flags.pcap_path << "\n";
      return kExitBadInput;
    }
    options.pcap = &pcap;
  }
  const dp::sim::RunResult result = dp::sim::run_scenario(*scenario, options);

  if (!flags.trace_path.empty()) {
    std::ofstream trace(flags.trace_path, std::ios::binary | std::ios::trunc);
    if (trace) dp::sim::write_chrome_trace(result, trace);
    if (!trace) {
      std::cerr << "error: cannot write trace file " << flags.trace_path << "\n";
      return kExitBadInput;
    }
  }
  if (!flags.diagram_path.empty()) {
    dp::sim::DiagramOptions d;
    if (flags.from_ms) d.from_us = *flags.from_ms * dp::kUsPerMs;
    if (flags.to_ms) d.to_us = *flags.to_ms * dp::kUsPerMs;
    d.servers_only = flags.servers_only;
    const dp::sim::DiagramWindow w = dp::sim::diagram_window(*scenario, d);
    if (w.to_us <= w.from_us) {
      std::cerr << "error: --from-ms must be before --to-ms and the end of the run\n";
      return kExitBadInput;
    }
    std::ofstream svg(flags.diagram_path, std::ios::binary | std::ios::trunc);
    const dp::sim::DiagramStats stats =
        svg ? dp::sim::write_svg_diagram(result, *scenario, d, svg) : dp::sim::DiagramStats{};
    if (!svg) {
      std::cerr << "error: cannot write diagram file " << flags.diagram_path << "\n";
      return kExitBadInput;
    }
    std::cerr << "diagram: " << flags.diagram_path << ", " << stats.arrows << " messages and "
              << stats.drops << " drops from " << w.from_us / dp::kUsPerMs << " ms to "
              << w.to_us / dp::kUsPerMs << " ms\n";
  }
  if (flags.json) {
    dp::sim::write_json_report(result, std::cout);
  } else if (flags.quiet) {
    std::cout << dp::sim::format_verdict(result) << "\n";
  } else {
    dp::sim::write_text_report(result, std::cout, flags.transcript);
  }
  return result.passed ? kExitPass : kExitFail;
}

int fuzz_command(dp::sim::SwarmOptions swarm, const std::string& shard_text) {
  if (shard_text.empty()) return dp::sim::run_swarm(swarm, std::cout);
  const auto shard = dp::sim::parse_swarm_shard(shard_text);
  if (!shard) {
    std::cerr << "error: " << shard.error() << "\n";
    return kExitBadInput;
  }
  swarm.shard = *shard;
  swarm.keep_runs = true;
  const dp::sim::SwarmReport report = dp::sim::run_swarm_report(swarm);
  dp::sim::write_swarm_jsonl(report, *shard, std::cout);
  return report.ok() ? kExitPass : kExitFail;
}

int merge_command(const std::vector<std::string>& files) {
  std::vector<std::ifstream> streams;
  streams.reserve(files.size());
  std::vector<dp::sim::ShardInput> inputs;
  for (const std::string& f : files) {
    if (f == "-") {
      inputs.push_back({"standard input", &std::cin});
      continue;
    }
    streams.emplace_back(f, std::ios::binary);
    if (!streams.back()) {
      std::cerr << "error: cannot read " << f << "\n";
      return kExitBadInput;
    }
    inputs.push_back({f, &streams.back()});
  }
  const auto report = dp::sim::merge_swarm_jsonl(inputs);
  if (!report) {
    std::cerr << "error: " << report.error() << "\n";
    return kExitBadInput;
  }
  dp::sim::write_swarm_table(*report, std::cout);
  return report->ok() ? kExitPass : kExitFail;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pong-sim: deterministic simulation of the Distributed Pong cluster"};
  app.require_subcommand(1);
  RunFlags flags;
  CLI::App* run = app.add_subcommand("run", "Run a scenario file and check its expectations");
  run->add_option("file", flags.file, "Scenario file (TOML)")->required();
  run->add_option("--seed", flags.seed, "Override the scenario's seed");
  run->add_option("--trace", flags.trace_path,
                  "Write a Chrome Trace Event JSON file (open it in ui.perfetto.dev)");
  run->add_flag("--json", flags.json, "Print the summary as one JSON object");
  run->add_flag("--quiet", flags.quiet, "Print only the verdict line");
  run->add_flag("--transcript", flags.transcript,
                "Print the report without wall-clock figures (what the golden files hold)");
  run->add_flag("--status", flags.status,
                "Also print the status view: a line per change of a server's role or epoch, "
                "with every server's role, epoch, applied and commit seq and ring use");
  run->add_option("--diagram", flags.diagram_path,
                  "Write a space-time diagram (SVG) of a window of the run: a lane per host, an "
                  "arrow per message; by default from 200 ms before the first event, for 1 s");
  run->add_option("--from-ms", flags.from_ms, "The diagram's window starts here")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--to-ms", flags.to_ms, "The diagram's window ends here")
      ->check(CLI::NonNegativeNumber);
  run->add_flag("--servers-only", flags.servers_only, "The diagram leaves out the clients");
  run->add_option("--pcap", flags.pcap_path,
                  "Write every delivered datagram as a UDP/IPv4 packet (pcap, simulated "
                  "timestamps) for Wireshark; scripts/wireshark/pong.lua dissects it");
  run->add_flag("--check-determinism", flags.check_determinism,
                "Run twice, name the first event where the two runs differ, then print the "
                "scenario's verdict (exit 0 only if the runs agree and it passes)");

  dp::sim::SwarmOptions swarm;
  CLI::App* fuzz = app.add_subcommand(
      "fuzz",
      "Swarm testing: derive clusters, faults and rooms from each seed, check every "
      "invariant, shrink and write a reproducing scenario for every violation");
  fuzz->add_option("--runs", swarm.runs, "Number of runs")
      ->capture_default_str()
      ->check(CLI::Range(1, 100'000'000));
  fuzz->add_option("--seed", swarm.seed, "First seed (run i uses seed + i)")->capture_default_str();
  fuzz->add_option("--jobs", swarm.jobs, "Worker threads")
      ->capture_default_str()
      ->check(CLI::Range(1, dp::sim::kMaxSwarmJobs));
  fuzz->add_option("--out-dir", swarm.out_dir,
                   "Where shrunk reproductions are written (swarm-seed-<seed>.toml)")
      ->capture_default_str();
  bool no_shrink = false;
  fuzz->add_flag("--no-shrink", no_shrink,
                 "Do not shrink a violating run (its reproduction is the whole run): "
                 "mutation testing measures kill rates this way");
  std::string shard;
  fuzz->add_option("--shard", shard,
                   "Run only share K of N of the seed range (i % N == K - 1) and print JSON "
                   "lines for fuzz-merge instead of the table");
  std::vector<std::string> merge_files;
  CLI::App* merge = app.add_subcommand(
      "fuzz-merge", "Combine the JSON lines of every fuzz --shard K/N of one range into its table");
  merge->add_option("files", merge_files, "The shards' output files (- for standard input)")
      ->required();
  static_assert(dp::kExitBadFlags == kExitBadInput, "a wrong flag is bad input");
  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;
  if (run->parsed()) return run_command(flags);
  if (fuzz->parsed()) {
    swarm.shrink = !no_shrink;
    return fuzz_command(swarm, shard);
  }
  if (merge->parsed()) return merge_command(merge_files);
  return kExitBadInput;
}
