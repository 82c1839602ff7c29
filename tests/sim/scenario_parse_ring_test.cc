// [cluster] ring_capacity: the game leaders' retransmission ring, a power of two from 16 to
// 65536 (the default); every mistake named with the file, the key and the line.
#include <gtest/gtest.h>

#include "sim/scenario.h"
#include "sim/server_host.h"
#include "tests/support/scenario_text.h"

namespace dp::sim {
namespace {

using testing::kMinimal;

using testing::error_of;
using testing::parsed;

TEST(ScenarioParseRing, DefaultsToTheLargestRing) {
  EXPECT_EQ(parsed(kMinimal).ring_capacity, kMaxRingCapacity);
  EXPECT_EQ(parsed(std::string(kMinimal) + "ring_capacity = 16\n").ring_capacity, 16u);
  EXPECT_EQ(parsed(std::string(kMinimal) + "ring_capacity = 65536\n").ring_capacity, 65536u);
}

TEST(ScenarioParseRing, RefusesAnythingButAPowerOfTwoInRange) {
  for (const char* bad : {"24", "100", "65535"}) {
    const ScenarioError e = error_of(std::string(kMinimal) + "ring_capacity = " + bad + "\n");
    EXPECT_EQ(e.line, 6) << bad;
    EXPECT_EQ(e.key, "cluster.ring_capacity") << bad;
    EXPECT_NE(e.str().find("x.toml:6:"), std::string::npos) << e.str();
    EXPECT_NE(e.message.find("not a power of two"), std::string::npos) << e.str();
  }
  for (const char* out : {"8", "0", "131072"}) {
    const ScenarioError e = error_of(std::string(kMinimal) + "ring_capacity = " + out + "\n");
    EXPECT_EQ(e.key, "cluster.ring_capacity") << out;
    EXPECT_EQ(e.line, 6) << out;
  }
}

TEST(ScenarioParseRing, TheWindowsShrinkWithTheRing) {
  const SequencerConfig small = ring_sequencer_config(16);
  EXPECT_EQ(small.ring_capacity_log2, 4u);
  EXPECT_EQ(small.window_entries, 8u) << "half the ring";
  EXPECT_EQ(small.probe_window_entries, 4u) << "a quarter of it";
  const SequencerConfig mid = ring_sequencer_config(256);
  EXPECT_EQ(mid.window_entries, 128u);
  EXPECT_EQ(mid.probe_window_entries, 64u) << "never above the default";
  const SequencerConfig full = ring_sequencer_config(kMaxRingCapacity);
  const SequencerConfig standard;
  EXPECT_EQ(full.ring_capacity_log2, standard.ring_capacity_log2) << "the default ring";
  EXPECT_EQ(full.window_entries, standard.window_entries);
  EXPECT_EQ(full.probe_window_entries, standard.probe_window_entries);
}

}  // namespace
}  // namespace dp::sim
