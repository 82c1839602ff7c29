// The swarm on many machines (sim/swarm/shard.h): the shards of a range split it exactly, and
// fuzz-merge of their JSON lines prints the table of the unsharded run, failures included;
// broken or incomplete input is refused with the file and line.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/swarm/shard.h"
#include "sim/swarm/swarm.h"

namespace dp::sim {
namespace {

// The table minus wall time and the header (which says how it was run).
std::string totals(const SwarmReport& report) {
  std::ostringstream out;
  write_swarm_table(report, out);
  std::istringstream in(out.str());
  std::string line, kept;
  while (std::getline(in, line)) {
    if (line.rfind("swarm:", 0) != 0 && line.find("wall") == std::string::npos) {
      kept += line + "\n";
    }
  }
  return kept;
}

SwarmOptions small_swarm() {
  SwarmOptions options;
  options.runs = 7;
  options.seed = 1;
  options.jobs = 2;
  options.out_dir = "";
  options.progress = false;
  options.shrink = false;
  options.shape.clients_min = 2;
  // A planted bug, so failures travel through the lines too.
  options.adjust = [](Scenario& s) { s.inject_bug_skip_nack = true; };
  return options;
}

std::string shard_lines(SwarmOptions options, std::uint64_t k, std::uint64_t n) {
  options.shard = SwarmShard{k, n};
  options.keep_runs = true;
  std::ostringstream out;
  write_swarm_jsonl(run_swarm_report(options), options.shard, out);
  return out.str();
}

Result<SwarmReport, std::string> merge(const std::vector<std::string>& texts) {
  std::vector<std::istringstream> streams;
  streams.reserve(texts.size());
  std::vector<ShardInput> inputs;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    streams.emplace_back(texts[i]);
    inputs.push_back({"shard" + std::to_string(i + 1) + ".jsonl", &streams.back()});
  }
  return merge_swarm_jsonl(inputs);
}

TEST(SwarmShard, ParsesKOfNAndRefusesTheRest) {
  const auto s = parse_swarm_shard("3/8");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 8u);
  for (const char* bad : {"", "3", "0/4", "5/4", "1/0", "a/b", "1/2/3", "-1/4", "1 /4"}) {
    EXPECT_FALSE(parse_swarm_shard(bad).ok()) << bad;
  }
  EXPECT_NE(parse_swarm_shard("5/4").error().find("K must be 1 to N"), std::string::npos);
}

TEST(SwarmShard, TheShardsOfARangeHoldEveryRunOnce) {
  for (std::uint64_t n : {1u, 2u, 3u, 7u}) {
    for (std::uint64_t i = 0; i < 50; ++i) {
      int holders = 0;
      for (std::uint64_t k = 1; k <= n; ++k) holders += SwarmShard{k, n}.holds(i) ? 1 : 0;
      EXPECT_EQ(holders, 1) << "run " << i << " of " << n << " shards";
    }
  }
}

TEST(SwarmShard, MergedShardsGiveTheUnshardedTable) {
  const SwarmOptions options = small_swarm();
  const SwarmReport whole = run_swarm_report(options);
  ASSERT_FALSE(whole.ok()) << "the planted bug should fail some runs";
  const auto merged =
      merge({shard_lines(options, 2, 3), shard_lines(options, 1, 3), shard_lines(options, 3, 3)});
  ASSERT_TRUE(merged.ok()) << merged.error();
  EXPECT_EQ(merged->runs, whole.runs);
  EXPECT_EQ(merged->failed_runs, whole.failed_runs);
  EXPECT_EQ(merged->simulated_seconds, whole.simulated_seconds);  // Summed in seed order.
  EXPECT_EQ(totals(*merged), totals(whole));
  EXPECT_EQ(merged->shards_merged, 3u);
}

TEST(SwarmShard, MergeRefusesAMissingADuplicatedOrAForeignShard) {
  const SwarmOptions options = small_swarm();
  const std::string one = shard_lines(options, 1, 2);
  const std::string two = shard_lines(options, 2, 2);
  auto r = merge({one});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("shard 2/2 is missing"), std::string::npos) << r.error();
  r = merge({one, two, one});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("appears twice"), std::string::npos) << r.error();
  SwarmOptions other = options;
  other.seed = 100;
  r = merge({one, shard_lines(other, 2, 2)});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("not of the same swarm"), std::string::npos) << r.error();
}

TEST(SwarmShard, MergeNamesTheFileAndLineOfBrokenInput) {
  const SwarmOptions options = small_swarm();
  std::string two = shard_lines(options, 2, 2);
  two += "{\"kind\":\"run\",\"seed\":3}\n";  // Seed 3 is shard 1's, and its figures are missing.
  auto r = merge({shard_lines(options, 1, 2), two});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("shard2.jsonl, line 5: seed 3 is not in shard 2/2"), std::string::npos)
      << r.error();
  r = merge({shard_lines(options, 1, 2), "{\"kind\":\"shard\",\"shard\":2,\"of\":2}\n"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "shard2.jsonl, line 1: key 'first_seed' not found");
  r = merge({shard_lines(options, 1, 2), "not json\n"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "shard2.jsonl, line 1: not a JSON object");
  // A shard cut short (its last run lost) is noticed too.
  std::string cut = shard_lines(options, 2, 2);
  cut.erase(cut.rfind('\n', cut.size() - 2) + 1);
  r = merge({shard_lines(options, 1, 2), cut});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("a shard was cut short"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace dp::sim
