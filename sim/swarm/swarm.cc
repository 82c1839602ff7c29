#include "sim/swarm/swarm.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "sim/runner.h"
#include "sim/swarm/scenario_writer.h"

namespace dp::sim {
namespace {

// What one run contributes to the report; kept small (no timeline, no trace).
struct RunOutcome {
  double simulated_seconds = 0;
  std::uint64_t events_processed = 0;
  bool failed = false;
  SwarmFailure failure;
};

std::string repro_path(const std::string& dir, std::uint64_t seed) {
  return (std::filesystem::path(dir) / ("swarm-seed-" + std::to_string(seed) + ".toml")).string();
}

// Writes the reproduction and checks that the file, read back, shows the same violation.
void write_reproduction(const SwarmOptions& options, SwarmFailure& f) {
  f.shrunk.title =
      std::string(kSwarmTitlePrefix) + std::to_string(f.seed) + " (shrunk): " + f.shrunk_for;
  auto text = write_scenario_toml(f.shrunk);
  if (!text.ok()) {
    f.replay_error = "cannot write the scenario: " + text.error();
    return;
  }
  const std::string path = options.out_dir.empty() ? "" : repro_path(options.out_dir, f.seed);
  auto parsed = parse_scenario_text(text.value(), path.empty() ? "(memory)" : path);
  if (!parsed.ok()) {
    f.replay_error = "the written scenario does not parse: " + parsed.error().str();
    return;
  }
  f.replayed = has_violation(parsed.value(), run_scenario(parsed.value()), f.shrunk_for);
  if (!f.replayed) f.replay_error = "the written scenario does not show the violation";
  if (path.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text.value();
  if (!out) {
    f.replay_error = "cannot write " + path;
    return;
  }
  f.file = path;
}

RunOutcome run_one(const SwarmOptions& options, std::uint64_t seed) {
  Scenario s = generate_swarm_scenario(seed, options.shape);
  if (options.adjust) options.adjust(s);
  const RunResult result = run_scenario(s);
  RunOutcome out;
  out.simulated_seconds = result.figures.simulated_seconds;
  out.events_processed = result.figures.events_processed;
  std::vector<Violation> violations = violations_of(s, result);
  if (violations.empty()) return out;
  out.failed = true;
  SwarmFailure& f = out.failure;
  f.seed = seed;
  f.violations = std::move(violations);
  f.shrunk_for = f.violations.front().name;  // Invariants come first: they matter most.
  if (options.shrink) {
    ShrinkOptions shrink = options.shrink_options;
    // A liveness violation only means something after the heal: keep that phase whole.
    if (f.shrunk_for.rfind("liveness", 0) == 0) {
      shrink.keep_from_us = std::min(shrink.keep_from_us, swarm_heal_at(seed, options.shape));
      shrink.valid = swarm_within_guarantee;
    }
    if (f.shrunk_for == "liveness: every-match-finishes") {
      shrink.valid = swarm_matches_can_finish;
    }
    ShrinkResult shrunk = shrink_scenario(s, f.shrunk_for, shrink);
    f.shrunk = std::move(shrunk.scenario);
    f.shrink_runs = shrunk.runs;
  } else {
    f.shrunk = s;
  }
  f.shrunk_events = f.shrunk.actions.size();
  f.shrunk_servers = f.shrunk.servers;
  write_reproduction(options, f);
  return out;
}

class Progress {
 public:
  Progress(bool enabled, std::uint64_t total)
      : enabled_(enabled),
        total_(total),
        tty_(isatty(fileno(stderr)) != 0),
        start_(std::chrono::steady_clock::now()) {}

  void show(std::uint64_t done, std::uint64_t failed, bool final_update) {
    if (!enabled_ || total_ == 0) return;
    if (tty_) {
      constexpr int kWidth = 40;
      const int filled = static_cast<int>(done * kWidth / total_);
      std::fprintf(stderr, "\r[%s%s] %llu/%llu runs, %llu failed, %s ",
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(),
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                   static_cast<unsigned long long>(failed), eta(done, final_update).c_str());
      if (final_update) std::fprintf(stderr, "\n");
      std::fflush(stderr);
      return;
    }
    // Not a terminal (CI logs): a line per 10% of the runs.
    const std::uint64_t tenth = done * 10 / total_;
    if (tenth > last_tenth_ || (final_update && !printed_final_)) {
      last_tenth_ = tenth;
      printed_final_ = done == total_;
      std::fprintf(stderr, "swarm: %llu/%llu runs, %llu failed\n",
                   static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_),
                   static_cast<unsigned long long>(failed));
    }
  }

 private:
  // "ETA 3m12s" from the pace so far; "done in 4m02s" at the end.
  std::string eta(std::uint64_t done, bool final_update) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (!final_update && done == 0) return "ETA --";
    const double left =
        final_update ? elapsed
                     : elapsed * static_cast<double>(total_ - done) / static_cast<double>(done);
    const auto s = static_cast<long long>(left + 0.5);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s %lldm%02llds", final_update ? "done in" : "ETA", s / 60,
                  s % 60);
    return buf;
  }

  bool enabled_;
  std::uint64_t total_;
  bool tty_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t last_tenth_ = 0;
  bool printed_final_ = false;
};

std::string fmt_seconds(double s) {
  char buf[64];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%.1f s (%.2f h)", s, s / 3600);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%.1f s (%.1f min)", s, s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  }
  return buf;
}

}  // namespace

SwarmReport run_swarm_report(const SwarmOptions& options) {
  const std::uint64_t range_runs = std::min(options.runs, kMaxSwarmRuns);
  const SwarmShard shard = options.shard;
  std::vector<std::uint64_t> indices;  // This shard's runs of the range.
  for (std::uint64_t i = shard.index - 1; i < range_runs; i += shard.count) indices.push_back(i);
  const std::uint64_t runs = indices.size();
  const int jobs = std::clamp(options.jobs, 1, kMaxSwarmJobs);
  std::vector<RunOutcome> outcomes(runs);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> done{0};
  std::atomic<std::uint64_t> failed{0};

  const auto wall_start = std::chrono::steady_clock::now();
  auto worker = [&] {
    for (;;) {
      const std::uint64_t i = next.fetch_add(1);
      if (i >= runs) return;
      outcomes[i] = run_one(options, options.seed + indices[i]);
      if (outcomes[i].failed) failed.fetch_add(1);
      done.fetch_add(1);
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(jobs));
  for (int j = 0; j < jobs; ++j) threads.emplace_back(worker);
  Progress progress(options.progress, runs);
  while (done.load() < runs) {
    progress.show(done.load(), failed.load(), false);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (std::thread& t : threads) t.join();
  progress.show(done.load(), failed.load(), true);
  const auto wall_end = std::chrono::steady_clock::now();

  SwarmReport report;
  report.first_seed = options.seed;
  report.range_runs = range_runs;
  report.shard = shard;
  report.jobs = jobs;
  report.wall_seconds = std::chrono::duration<double>(wall_end - wall_start).count();
  for (std::uint64_t i = 0; i < runs; ++i) {
    RunOutcome& o = outcomes[i];
    const SwarmRunRecord record{options.seed + indices[i], o.simulated_seconds, o.events_processed,
                                o.failed};
    add_swarm_run(report, record, o.failed ? &o.failure : nullptr);
    if (options.keep_runs) report.records.push_back(record);
  }
  return report;
}

void add_swarm_run(SwarmReport& report, const SwarmRunRecord& run, SwarmFailure* failure) {
  ++report.runs;
  report.simulated_seconds += run.simulated_seconds;
  report.events_processed += run.events;
  if (!run.failed || failure == nullptr) return;
  ++report.failed_runs;
  std::vector<std::string> names;
  for (const Violation& v : failure->violations) names.push_back(v.name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const std::string& n : names) ++report.violations_by_name[n];
  report.failures.push_back(std::move(*failure));
}

void write_swarm_table(const SwarmReport& r, std::ostream& out) {
  char line[256];
  out << "swarm: " << r.runs << " runs, seeds " << r.first_seed << ".."
      << (r.range_runs == 0 ? r.first_seed : r.first_seed + r.range_runs - 1);
  if (r.shard.count > 1) out << " (shard " << r.shard.index << "/" << r.shard.count << ")";
  if (r.shards_merged > 0) {
    out << ", " << r.shards_merged << (r.shards_merged == 1 ? " shard" : " shards");
  }
  out << ", " << r.jobs << (r.jobs == 1 ? " job\n" : " jobs\n");
  std::snprintf(line, sizeof line, "  %-44s %llu\n", "runs",
                static_cast<unsigned long long>(r.runs));
  out << line;
  std::snprintf(line, sizeof line, "  %-44s %llu\n", "runs with a violation",
                static_cast<unsigned long long>(r.failed_runs));
  out << line;
  for (const auto& [name, count] : r.violations_by_name) {
    std::snprintf(line, sizeof line, "    %-42s %llu\n", name.c_str(),
                  static_cast<unsigned long long>(count));
    out << line;
  }
  std::snprintf(line, sizeof line, "  %-44s %s\n", "simulated time covered",
                fmt_seconds(r.simulated_seconds).c_str());
  out << line;
  std::snprintf(line, sizeof line, "  %-44s %llu\n", "simulation events",
                static_cast<unsigned long long>(r.events_processed));
  out << line;
  std::snprintf(line, sizeof line, "  %-44s %s\n", "wall time",
                fmt_seconds(r.wall_seconds).c_str());
  out << line;
  if (r.wall_seconds > 0) {
    std::snprintf(line, sizeof line, "  %-44s %.0fx\n", "simulated / wall",
                  r.simulated_seconds / r.wall_seconds);
    out << line;
  }
  for (const SwarmFailure& f : r.failures) {
    out << "FAIL seed " << f.seed << ":";
    for (const Violation& v : f.violations) out << "\n  " << v.name << ": " << v.detail;
    out << "\n  shrunk (" << f.shrink_runs << " runs) to " << f.shrunk_events << " events, "
        << f.shrunk_servers << " servers";
    if (!f.file.empty()) out << ": pong-sim run " << f.file;
    if (!f.replay_error.empty()) out << "\n  reproduction problem: " << f.replay_error;
    out << "\n";
  }
  out << (r.ok() ? "PASS" : "FAIL") << " swarm: " << r.failed_runs << " of " << r.runs
      << " runs violated an invariant or expectation\n";
}

int run_swarm(const SwarmOptions& options, std::ostream& out) {
  const SwarmReport report = run_swarm_report(options);
  write_swarm_table(report, out);
  return report.ok() ? 0 : 1;
}

}  // namespace dp::sim
