// The anti-replay window: each (boot, counter) is taken once; older boots never.
#include "core/security/replay_window.h"

#include <gtest/gtest.h>

namespace dp {
namespace {

void take(ReplayWindow& w, std::uint64_t boot, std::uint64_t counter) {
  ASSERT_TRUE(w.fresh(boot, counter)) << boot << "/" << counter;
  w.accept(boot, counter);
}

TEST(ReplayWindow, TakesEachCounterOnceInAnyOrderWithinTheWindow) {
  ReplayWindow w;
  take(w, 5, 10);
  take(w, 5, 8);
  take(w, 5, 12);
  take(w, 5, 9);
  EXPECT_FALSE(w.fresh(5, 10));
  EXPECT_FALSE(w.fresh(5, 8));
  EXPECT_FALSE(w.fresh(5, 12));
  EXPECT_TRUE(w.fresh(5, 11));
}

TEST(ReplayWindow, RefusesWhatFellBehindTheWindow) {
  ReplayWindow w;
  take(w, 1, 1);
  take(w, 1, 1 + ReplayWindow::kWidth);  // Counter 1 is now kWidth behind.
  EXPECT_FALSE(w.fresh(1, 1));
  EXPECT_TRUE(w.fresh(1, 2));  // Never seen and still inside.
  take(w, 1, 1000);
  EXPECT_FALSE(w.fresh(1, 2));
}

TEST(ReplayWindow, ANewBootStartsAgainAndAnOlderBootIsRefused) {
  ReplayWindow w;
  take(w, 7, 500);
  take(w, 9, 1);  // Restarted: its counter starts again.
  EXPECT_FALSE(w.fresh(9, 1));
  EXPECT_FALSE(w.fresh(7, 501));  // The old boot's traffic, replayed.
  EXPECT_TRUE(w.fresh(9, 2));
}

TEST(ReplayWindow, CounterZeroIsNeverValid) {
  ReplayWindow w;
  EXPECT_FALSE(w.fresh(1, 0));
}

}  // namespace
}  // namespace dp
