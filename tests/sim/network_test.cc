// Link fates: loss, duplication, reordering and latency follow their parameters; the
// connectivity matrix expresses symmetric, one-way and non-transitive partitions.
#include "sim/network.h"

#include <gtest/gtest.h>

namespace dp::sim {
namespace {

constexpr int kSamples = 200000;

TEST(Network, LossRateMatchesParameter) {
  Network net;
  LinkParams p;
  p.loss_ppm = 100000;  // 10 %.
  net.set_all_links(p);
  Rng rng(1);
  int lost = 0;
  for (int i = 0; i < kSamples; ++i) lost += net.roll(0, 1, rng).lost ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(lost) / kSamples, 0.10, 0.005);
}

TEST(Network, DuplicationRateMatchesParameter) {
  Network net;
  LinkParams p;
  p.duplicate_ppm = 50000;  // 5 %.
  net.set_all_links(p);
  Rng rng(2);
  int duplicated = 0;
  for (int i = 0; i < kSamples; ++i) {
    const LinkFate f = net.roll(0, 1, rng);
    ASSERT_FALSE(f.lost);
    duplicated += f.copies == 2 ? 1 : 0;
  }
  EXPECT_NEAR(static_cast<double>(duplicated) / kSamples, 0.05, 0.003);
}

TEST(Network, LatencyStaysInRangeAndReorderedCopiesAreLater) {
  Network net;
  LinkParams p;
  p.latency_min_us = 100;
  p.latency_max_us = 300;
  p.jitter_us = 50;
  p.reorder_ppm = 200000;  // 20 %.
  net.set_all_links(p);
  Rng rng(3);
  int reordered = 0;
  for (int i = 0; i < kSamples; ++i) {
    const LinkFate f = net.roll(0, 1, rng);
    ASSERT_EQ(f.copies, 1);
    if (f.reordered[0]) {
      ++reordered;
      // Held back past the slowest ordinary copy, so a later datagram overtakes it.
      EXPECT_GT(f.delay_us[0], p.latency_max_us + p.jitter_us);
    } else {
      EXPECT_GE(f.delay_us[0], 100);
      EXPECT_LE(f.delay_us[0], 350);
    }
  }
  EXPECT_NEAR(static_cast<double>(reordered) / kSamples, 0.20, 0.01);
}

TEST(Network, SameSeedSameFates) {
  Network net;
  LinkParams p;
  p.loss_ppm = 300000;
  p.duplicate_ppm = 300000;
  p.reorder_ppm = 300000;
  net.set_all_links(p);
  Rng a(77), b(77);
  for (int i = 0; i < 1000; ++i) {
    const LinkFate fa = net.roll(0, 1, a);
    const LinkFate fb = net.roll(0, 1, b);
    ASSERT_EQ(fa.lost, fb.lost);
    ASSERT_EQ(fa.copies, fb.copies);
    ASSERT_EQ(fa.delay_us, fb.delay_us);
  }
}

TEST(Network, SymmetricPartitionSeparatesGroupsAndIsolatesTheUnlisted) {
  Network net;
  net.partition({{0, 1}, {2}}, 4);
  EXPECT_TRUE(net.connected(0, 1));
  EXPECT_TRUE(net.connected(1, 0));
  EXPECT_FALSE(net.connected(0, 2));
  EXPECT_FALSE(net.connected(2, 1));
  EXPECT_FALSE(net.connected(3, 0));  // Host 3 is in no group.
  EXPECT_FALSE(net.connected(0, 3));
  net.heal();
  EXPECT_TRUE(net.connected(0, 2));
  EXPECT_TRUE(net.connected(3, 0));
}

TEST(Network, OneWayCutAndNonTransitiveConnectivity) {
  Network net;
  net.cut(0, 1);
  EXPECT_FALSE(net.connected(0, 1));
  EXPECT_TRUE(net.connected(1, 0));
  net.connect(0, 1);
  // A-B and B-C up, A-C cut both ways.
  net.cut(0, 2);
  net.cut(2, 0);
  EXPECT_TRUE(net.connected(0, 1));
  EXPECT_TRUE(net.connected(1, 2));
  EXPECT_FALSE(net.connected(0, 2));
  EXPECT_FALSE(net.connected(2, 0));
}

TEST(Network, PerLinkOverrideAppliesToOneDirectionOnly) {
  Network net;
  LinkParams lossy;
  lossy.loss_ppm = 1000000;
  net.set_link(0, 1, lossy);
  Rng rng(5);
  EXPECT_TRUE(net.roll(0, 1, rng).lost);
  EXPECT_FALSE(net.roll(1, 0, rng).lost);
}

}  // namespace
}  // namespace dp::sim
