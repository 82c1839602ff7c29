// The agenda orders by time, and by insertion order among equal times: the property that
// makes every simulated run reproducible.
#include "sim/event_queue.h"

#include <gtest/gtest.h>

#include "core/common/rng.h"

namespace dp::sim {
namespace {

TEST(EventQueue, PopsInTimeOrderThenInsertionOrder) {
  EventQueue q;
  ASSERT_TRUE(q.push(30, EventType::kCall, 0, 1));
  ASSERT_TRUE(q.push(10, EventType::kCall, 0, 2));
  ASSERT_TRUE(q.push(30, EventType::kCall, 0, 3));
  ASSERT_TRUE(q.push(10, EventType::kCall, 0, 4));
  ASSERT_TRUE(q.push(20, EventType::kCall, 0, 5));
  std::vector<std::uint64_t> order;
  while (!q.empty()) order.push_back(q.pop().arg);
  EXPECT_EQ(order, (std::vector<std::uint64_t>{2, 4, 5, 1, 3}));
}

TEST(EventQueue, ManyEqualTimesKeepInsertionOrder) {
  EventQueue q;
  for (std::uint64_t i = 0; i < 1000; ++i) ASSERT_TRUE(q.push(7, EventType::kTick, 0, i));
  for (std::uint64_t i = 0; i < 1000; ++i) EXPECT_EQ(q.pop().arg, i);
}

TEST(EventQueue, RefusesPushBeyondItsBound) {
  EventQueue q(2);
  EXPECT_TRUE(q.push(1, EventType::kCall, 0, 0));
  EXPECT_TRUE(q.push(2, EventType::kCall, 0, 0));
  EXPECT_FALSE(q.push(3, EventType::kCall, 0, 0));
  EXPECT_EQ(q.size(), 2u);
}

TEST(Rng, SameSeedSameStreamAndForksDiffer) {
  Rng a(42), b(42), c(43);
  std::vector<std::uint64_t> sa, sb, sc;
  for (int i = 0; i < 16; ++i) {
    sa.push_back(a.next_u64());
    sb.push_back(b.next_u64());
    sc.push_back(c.next_u64());
  }
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  Rng parent(42);
  Rng child1 = parent.fork();
  Rng child2 = parent.fork();
  EXPECT_NE(child1.next_u64(), child2.next_u64());
}

TEST(Rng, RangeStaysInsideClosedBounds) {
  Rng rng(9);
  bool saw_lo = false, saw_hi = false;
  for (int i = 0; i < 10000; ++i) {
    const auto v = rng.range(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    saw_lo |= v == -3;
    saw_hi |= v == 3;
  }
  EXPECT_TRUE(saw_lo);
  EXPECT_TRUE(saw_hi);
}

}  // namespace
}  // namespace dp::sim
