// The racing rules' symmetries, as properties (RapidCheck):
//
// 1. Slots are names, not places: racers are ghosts to each other and every rule applies to
//    each racer alone, so permuting the racers (position, input, score, state) and stepping
//    gives the permuted outcome for every racer, and the winner is the permuted slot (a draw
//    stays a draw). Only where a racer starts depends on its slot (start_x), and seating
//    is outside this property.
// 2. The road is mirror-symmetric about its centre line: mirroring every car's x (x ->
//    kRoadLeft + kCarMaxX - x), reversing every racer's steering and stepping gives the mirror
//    of the original's step, crashes and scores included. The one thing that is not mirrored
//    is where a new car enters: the traffic's generator draws it from the seed alone (the same
//    x on both roads, and the same digest). So after each step the mirrored run's new car, if
//    any, is put at the mirror of the original's, and the runs go on as mirrors.
//
// Start positions are mirrors too: slot s starts where the mirror of slot 3 - s starts.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <ostream>

#include "core/common/rng.h"
#include "core/services/racing/race.h"
#include "tests/support/rc_cases.h"

namespace dp::racing {

// Lets RapidCheck print a counterexample.
void showValue(const RaceState& r, std::ostream& os) {
  os << "{phase " << int(r.phase) << ", tick " << r.tick << ", racers [";
  for (const Racer& c : r.racers) {
    os << " (" << (c.racing ? "in" : "out") << (c.alive ? " alive" : "") << " x " << c.x << " dir "
       << int(c.dir) << " score " << c.score << ")";
  }
  os << " ], traffic [";
  for (const TrafficCar& c : r.traffic) {
    if (c.active) os << " (" << c.x << ", " << c.y << ")";
  }
  os << " ], winner " << int(r.winner) << "}";
}

namespace {

constexpr std::uint64_t kSeed = 0x5eed'0017;
using Permutation = std::array<std::uint8_t, kMaxRacers>;

constexpr std::int32_t mirror_x(std::int32_t x) { return kRoadLeft + kCarMaxX - x; }

RaceState mirror_road(RaceState race) {
  for (Racer& r : race.racers) {
    r.x = mirror_x(r.x);
    r.dir = static_cast<std::int8_t>(-r.dir);
  }
  for (TrafficCar& car : race.traffic) {
    if (car.active) car.x = mirror_x(car.x);
  }
  return race;
}

// Racer `slot` of `race` becomes racer `to[slot]`.
RaceState permute(const RaceState& race, const Permutation& to) {
  RaceState out = race;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) out.racers[to[slot]] = race.racers[slot];
  if (race.winner < kMaxRacers) out.winner = to[race.winner];
  return out;
}

bool same(const StepResult& a, const StepResult& b) {
  return a.scores_changed == b.scores_changed && a.race_over == b.race_over;
}

// splitmix64, for the inputs of the warm-up (drawn from one generated seed, so a
// counterexample is one number rather than thousands of inputs).
std::uint64_t next_random(std::uint64_t& state) { return Rng::splitmix64(state); }

// Random steering for every racer: mostly keep going, sometimes turn or straighten.
void steer_randomly(RaceState& race, std::uint64_t& inputs) {
  for (Racer& r : race.racers) {
    if (!r.alive) continue;
    const std::uint64_t draw = next_random(inputs) % 16;
    if (draw < 3) r.dir = static_cast<std::int8_t>(static_cast<int>(draw) - 1);
  }
}

// A race as the rules produce it: two to four racers in any slots, the countdown run out, then
// a random number of ticks of random steering, stopped before a tick that would end the race
// (so the state is still racing, with at least one racer alive).
rc::Gen<RaceState> gen_race() {
  return rc::gen::exec([] {
    RaceState race = new_race(*rc::gen::arbitrary<std::uint64_t>());
    // Every set of at least two slots.
    const auto seated =
        *rc::gen::element<unsigned>(0x3, 0x5, 0x6, 0x7, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf);
    for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
      if ((seated >> slot) & 1u) seat_racer(race, slot);
    }
    start_countdown(race);
    while (race.phase == Phase::kCountdown) step(race);
    std::uint64_t inputs = *rc::gen::arbitrary<std::uint64_t>();
    const auto warm_up = *rc::gen::inRange<std::uint32_t>(0, 3000);
    for (std::uint32_t i = 0; i < warm_up && race.phase == Phase::kRacing; ++i) {
      RaceState next = race;
      steer_randomly(next, inputs);
      step(next);
      if (next.phase != Phase::kRacing) break;
      race = next;
    }
    return race;
  });
}

// A racing state with one traffic car placed right next to a live racer, level with it or a
// few pixels off, just above or beside it: the next tick decides a crash at a car's very edge.
rc::Gen<RaceState> gen_near_miss() {
  return rc::gen::exec([] {
    RaceState race = *gen_race();
    int nth_alive = *rc::gen::inRange(0, alive_count(race));
    std::uint8_t slot = 0;
    while (!race.racers[slot].alive || nth_alive-- > 0) ++slot;
    const std::int32_t speed = traffic_speed(race.tick);
    TrafficCar& car = race.traffic[*rc::gen::inRange<std::size_t>(0, kMaxTraffic)];
    car.active = true;
    const std::int32_t side = *rc::gen::element(-1, 1) * kCarWidth;
    car.x = std::clamp(race.racers[slot].x + side + *rc::gen::inRange(-px(6), px(6) + 1), kRoadLeft,
                       kCarMaxX);
    car.y = kRacerY - kCarHeight - speed + *rc::gen::inRange(-px(2), kCarHeight + px(2));
    return race;
  });
}

TEST(RaceSymmetry, StartPositionsAreMirrorsOfEachOther) {
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    EXPECT_EQ(mirror_x(start_x(slot)), start_x(static_cast<std::uint8_t>(kMaxRacers - 1 - slot)));
  }
}

// Steps `race` and `mirrored` (its mirror) up to `steps` times with the same random steering,
// mirrored, re-mirroring each new car of the mirrored run; asserts they stay mirrors.
void check_mirrored_run(RaceState race, int steps, std::uint64_t inputs) {
  RaceState mirrored = mirror_road(race);
  for (int i = 0; i < steps && race.phase != Phase::kGameOver; ++i) {
    steer_randomly(race, inputs);
    for (std::size_t slot = 0; slot < kMaxRacers; ++slot) {
      mirrored.racers[slot].dir = static_cast<std::int8_t>(-race.racers[slot].dir);
    }
    const StepResult r = step(race);
    const StepResult rm = step(mirrored);
    for (std::size_t c = 0; c < kMaxTraffic; ++c) {
      if (race.traffic[c].active && race.traffic[c].y == -kCarHeight) {
        RC_ASSERT(mirrored.traffic[c] == race.traffic[c]);  // Drawn from the seed alone.
        mirrored.traffic[c].x = mirror_x(race.traffic[c].x);
      }
    }
    RC_ASSERT(same(r, rm));
    RC_ASSERT(mirror_road(race) == mirrored);
  }
}

TEST(RaceSymmetry, MirroringTheRoadMirrorsEveryStep) {
  DP_CHECK_PROPERTY(300, kSeed, [] {
    check_mirrored_run(*gen_race(), *rc::gen::inRange(1, 1000),
                       *rc::gen::arbitrary<std::uint64_t>());
  });
}

TEST(RaceSymmetry, MirroringTheRoadMirrorsACrashAtACarsEdge) {
  DP_CHECK_PROPERTY(2000, kSeed, [] {
    check_mirrored_run(*gen_near_miss(), 3, *rc::gen::arbitrary<std::uint64_t>());
  });
}

TEST(RaceSymmetry, PermutingTheRacersPermutesEveryOutcome) {
  DP_CHECK_PROPERTY(300, kSeed, [] {
    RaceState race = *rc::gen::oneOf(gen_race(), gen_near_miss());
    Permutation to{};
    std::iota(to.begin(), to.end(), std::uint8_t{0});
    const auto shuffle = *rc::gen::arbitrary<std::uint64_t>();
    std::uint64_t state = shuffle;
    for (std::size_t i = kMaxRacers - 1; i > 0; --i) {
      std::swap(to[i], to[next_random(state) % (i + 1)]);
    }
    // A racer may also retire mid-race: the same racer, under its new slot.
    const auto retiring = *rc::gen::inRange<int>(-1, kMaxRacers);
    const int steps = *rc::gen::inRange(1, 1000);
    std::uint64_t inputs = *rc::gen::arbitrary<std::uint64_t>();
    RaceState permuted = permute(race, to);
    for (int i = 0; i < steps && race.phase != Phase::kGameOver; ++i) {
      steer_randomly(race, inputs);
      for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
        permuted.racers[to[slot]].dir = race.racers[slot].dir;
      }
      if (retiring >= 0 && i == steps / 2) {
        const auto slot = static_cast<std::uint8_t>(retiring);
        RC_ASSERT(same(retire(race, slot), retire(permuted, to[slot])));
      }
      RC_ASSERT(same(step(race), step(permuted)));
      RC_ASSERT(permute(race, to) == permuted);
    }
  });
}

}  // namespace
}  // namespace dp::racing
