// Faults aimed at dangerous moments strike at the moment they name: the leader is cut off in
// the step that orders a point (before that step's datagrams are routed), the leader crashes
// exactly the chosen delay after a client is first shown a new score, and a follower that
// takes in a snapshot chunk finds its leader gone at that instant.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/wire/message_types.h"
#include "sim/runner.h"
#include "tests/sim/repo_scenario.h"

namespace dp::sim {
namespace {

std::optional<TimeUs> note_at(const RunResult& r, const std::string& starts_with) {
  for (const TimelineEntry& t : r.timeline) {
    if (t.text.rfind(starts_with, 0) == 0) return t.at_us;
  }
  return std::nullopt;
}

std::optional<TimeUs> crash_at(const RunResult& r, int node, TimeUs from) {
  for (const TimelineEntry& t : r.timeline) {
    if (t.what == TimelineEntry::What::kCrashed && t.node == node && t.at_us >= from) {
      return t.at_us;
    }
  }
  return std::nullopt;
}

TEST(TargetedFaults, TheLeaderIsCutOffBeforeThePointsStepIsRouted) {
  RunOptions options;
  options.record_trace = true;
  const RunResult r =
      run_scenario(testing::load_repo_scenario("targeted-isolate-before-point.toml"), options);
  ASSERT_TRUE(r.passed);
  const auto cut = note_at(r, "isolate-leader-before-point: node 3 orders a point");
  ASSERT_TRUE(cut.has_value());
  const HostIndex leader = 2;  // Node 3.
  const auto replicate = static_cast<std::uint8_t>(wire::MsgType::kReplicate);
  int dropped_at_send = 0;
  for (const TraceRecord& t : r.trace) {
    if (t.from != leader) continue;
    if (t.what == TraceRecord::What::kDrop && t.at_us == *cut && t.kind == replicate) {
      EXPECT_EQ(t.name, "partition");
      ++dropped_at_send;
    }
    if (t.what == TraceRecord::What::kMessage) {
      EXPECT_NE(t.at_us, *cut) << "a datagram of the point's step left the leader";
      EXPECT_FALSE(t.arrive_us >= *cut && t.arrive_us < *cut + kUsPerSecond)
          << "a datagram from the isolated leader arrived at " << t.arrive_us;
    }
  }
  // The point's batch went out in that very step and met a link already cut (a cut after
  // routing would drop it on arrival, a little later).
  EXPECT_GT(dropped_at_send, 0);
}

TEST(TargetedFaults, TheLeaderCrashesTheChosenDelayAfterAScoreIsShown) {
  const RunResult r = run_scenario(testing::load_repo_scenario("targeted-crash-after-shown.toml"));
  ASSERT_TRUE(r.passed);
  const auto shown = note_at(r, "crash-leader-after-shown: client");
  ASSERT_TRUE(shown.has_value());
  EXPECT_GE(*shown, 5 * kUsPerSecond) << "armed at 5 s";
  EXPECT_EQ(crash_at(r, 3, *shown), *shown + 300 * kUsPerMs);
}

TEST(TargetedFaults, TheLeaderCrashesAsTheSnapshotsFirstChunkArrives) {
  const RunResult r =
      run_scenario(testing::load_repo_scenario("targeted-crash-during-snapshot.toml"));
  ASSERT_TRUE(r.passed);
  const auto chunk = note_at(r, "crash-leader-during-snapshot: node 1 takes in a snapshot chunk");
  ASSERT_TRUE(chunk.has_value());
  EXPECT_EQ(crash_at(r, 3, *chunk), *chunk);
  EXPECT_TRUE(note_at(r, "crash-leader-during-snapshot: node 1 holds a part").has_value())
      << "twelve rooms take more than one chunk";
}

}  // namespace
}  // namespace dp::sim
