// The swarm fuzzer: a short swarm passes on the real code, its output does not depend on the
// number of jobs, and a deliberately broken follower (ReplicaConfig::inject_bug_skip_nack)
// is caught and shrunk to a small scenario that replays to the same violation from its file.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "sim/runner.h"
#include "sim/swarm/scenario_writer.h"
#include "sim/swarm/swarm.h"

namespace dp::sim {
namespace {

std::string table_without_timing(const SwarmReport& report) {
  // The table minus the lines that measure wall time, which differ between runs.
  std::ostringstream out;
  write_swarm_table(report, out);
  std::istringstream in(out.str());
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.find("wall") == std::string::npos && line.find("jobs") == std::string::npos &&
        line.find(" job") == std::string::npos) {
      kept += line + "\n";
    }
  }
  return kept;
}

TEST(Swarm, ShortSwarmFindsNoViolation) {
  SwarmOptions options;
  options.runs = 12;
  options.seed = 1000;
  options.jobs = 2;
  options.out_dir = "";
  options.progress = false;
  const SwarmReport report = run_swarm_report(options);
  std::ostringstream table;
  write_swarm_table(report, table);
  EXPECT_TRUE(report.ok()) << table.str();
  EXPECT_EQ(report.runs, 12u);
  EXPECT_GT(report.simulated_seconds, 12 * 10.0);
}

TEST(Swarm, ResultsDoNotDependOnTheNumberOfJobs) {
  SwarmOptions options;
  options.runs = 6;
  options.seed = 77;
  options.out_dir = "";
  options.progress = false;
  options.jobs = 1;
  const SwarmReport one = run_swarm_report(options);
  options.jobs = 3;
  const SwarmReport three = run_swarm_report(options);
  EXPECT_EQ(table_without_timing(one), table_without_timing(three));
  EXPECT_EQ(one.events_processed, three.events_processed);
}

TEST(Swarm, ExitCodeIsZeroWhenEveryRunPasses) {
  SwarmOptions options;
  options.runs = 2;
  options.seed = 5;
  options.out_dir = "";
  options.progress = false;
  std::ostringstream out;
  EXPECT_EQ(run_swarm(options, out), 0) << out.str();
  EXPECT_NE(out.str().find("PASS swarm"), std::string::npos) << out.str();
}

TEST(Swarm, InjectedSkipNackBugIsCaughtAndShrunk) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "dp_swarm_inject_bug_test";
  std::filesystem::remove_all(dir);
  SwarmOptions options;
  options.runs = 8;
  options.seed = 1;
  options.jobs = 2;
  options.out_dir = dir.string();
  options.progress = false;
  options.shape.clients_min = 2;  // The bug needs replication traffic: matches.
  options.adjust = [](Scenario& s) { s.inject_bug_skip_nack = true; };
  const SwarmReport report = run_swarm_report(options);
  std::ostringstream table;
  write_swarm_table(report, table);
  ASSERT_FALSE(report.ok()) << "the swarm missed the injected bug\n" << table.str();
  bool gap_violation = false;
  for (const SwarmFailure& f : report.failures) {
    if (f.shrunk_for != "invariant: no replica applies with a gap or fails to apply an entry" &&
        f.shrunk_for != "invariant: replicas that applied the same prefix have identical state") {
      continue;
    }
    gap_violation = true;
    EXPECT_TRUE(f.replayed) << f.replay_error;
    EXPECT_LE(f.shrunk.actions.size(), 4u) << table.str();
    ASSERT_FALSE(f.file.empty());
    // The file on disk replays to the same violation.
    auto loaded = load_scenario_file(f.file);
    ASSERT_TRUE(loaded.ok()) << loaded.error().str();
    EXPECT_TRUE(has_violation(loaded.value(), run_scenario(loaded.value()), f.shrunk_for));
  }
  EXPECT_TRUE(gap_violation) << table.str();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dp::sim
