#include "sim/swarm/swarm_attack.h"

#include <algorithm>
#include <array>
#include <limits>

#include "core/common/rng.h"
#include "core/wire/header.h"

namespace dp::sim {
namespace {

TimeUs ms(std::int64_t v) { return v * kUsPerMs; }

enum Attack : int {
  kForge,
  kReplay,
  kSpoofInput,
  kSpoofLeave,
  kFlood,
  kAttackCount,
};

}  // namespace

void add_swarm_attacks(std::uint64_t seed, Scenario& s, TimeUs safety_us) {
  Rng rng(seed ^ 0x5a77ac4e5eedull);
  if (rng.uniform(8) != 0) return;
  s.cluster_key = true;
  const int players = s.players();
  const int events = static_cast<int>(rng.range(1, 4));
  for (int i = 0; i < events; ++i) {
    ScenarioAction a;
    // Within the safety phase, after the bots had a chance to sit down.
    a.at_us = ms(rng.range(1000, std::max<std::int64_t>(1000, safety_us / kUsPerMs - 1)));
    int kind = static_cast<int>(rng.uniform(kAttackCount));
    if ((kind == kSpoofInput || kind == kSpoofLeave) && players < 2) kind = kForge;
    AttackSpec& k = a.attack;
    switch (kind) {
      case kForge: {
        a.kind = ActionKind::kForgeCoordinator;
        switch (rng.uniform(4)) {
          case 0:
            k.term = std::numeric_limits<std::uint64_t>::max();
            break;
          case 1:
            k.term = wire::kMaxTerm;
            break;
          case 2:
            k.term_ahead = std::uint64_t{1} << 21;  // Beyond ServerNode::kMaxTermJump.
            break;
          default:
            k.term_ahead = static_cast<std::uint64_t>(rng.range(0, 3));
            break;
        }
        k.signing = std::array<ForgeSigning, 4>{ForgeSigning::kNone, ForgeSigning::kWrongKey,
                                                ForgeSigning::kOtherMode,
                                                ForgeSigning::kKeyless}[rng.uniform(4)];
        break;
      }
      case kReplay:
        a.kind = ActionKind::kReplay;
        k.window_us = ms(rng.range(50, 3000));
        k.copies = static_cast<int>(rng.range(1, 3));
        break;
      case kSpoofInput:
      case kSpoofLeave:
        a.kind = kind == kSpoofInput ? ActionKind::kSpoofInput : ActionKind::kSpoofLeave;
        k.count = rng.range(1, kind == kSpoofInput ? 60 : 3);
        k.every_us = ms(rng.range(0, 100));
        if (rng.uniform(2) == 0) {
          // A player (the bots that play come first in every swarm scenario).
          k.client = static_cast<int>(rng.range(1, players));
        }
        break;
      default:
        a.kind = ActionKind::kFloodDiscovery;
        k.count = rng.range(50, 3000);
        k.every_us = ms(rng.range(0, 3));
        if (!s.clients.empty() && rng.uniform(2) == 0) {
          k.client = static_cast<int>(rng.range(1, static_cast<std::int64_t>(s.clients.size())));
        }
        break;
    }
    s.actions.push_back(a);
  }
  sort_actions_by_time(s.actions);
}

}  // namespace dp::sim
