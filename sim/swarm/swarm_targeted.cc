#include "sim/swarm/swarm_targeted.h"

#include <algorithm>

#include "core/common/rng.h"

namespace dp::sim {
namespace {

TimeUs ms(std::int64_t v) { return v * kUsPerMs; }

int pong_players(const Scenario& s) {
  int n = 0;
  for (const ClientSpec& c : s.clients) n += c.game == Game::kPong && !c.spectate ? 1 : 0;
  return n;
}

}  // namespace

void add_swarm_targeted(std::uint64_t seed, Scenario& s, TimeUs safety_us) {
  Rng rng(seed ^ 0x7a46e7edfa17ull);
  if (pong_players(s) < 2 || rng.uniform(3) != 0) return;
  const int count = static_cast<int>(rng.range(1, 2));
  for (int i = 0; i < count; ++i) {
    ScenarioAction a;
    // Once the bots have sat down, and early: a trap waits for its moment (a point is rare
    // with the swarm's bots) and any heal before it comes disarms it.
    a.at_us = ms(rng.range(1000, std::max<std::int64_t>(1000, safety_us / kUsPerMs / 3)));
    switch (rng.uniform(4)) {
      case 0:
        a.kind = ActionKind::kCrashLeaderAfterShown;
        a.delay_us = ms(rng.range(0, 2000));
        break;
      case 1:
        a.kind = ActionKind::kIsolateLeaderBeforePoint;
        a.for_us = ms(rng.range(100, 3000));
        break;
      case 2:
        a.kind = ActionKind::kCrashLeaderDuringSnapshot;
        break;
      default:
        a.kind = ActionKind::kCrashOnlyCopy;
        a.restart_after_us = rng.uniform(2) == 0 ? -1 : ms(rng.range(0, 3000));
        break;
    }
    s.actions.push_back(a);
  }
  sort_actions_by_time(s.actions);
}

}  // namespace dp::sim
