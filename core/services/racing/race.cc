#include "core/services/racing/race.h"
#include "core/common/rng.h"

#include <algorithm>

namespace dp::racing {
namespace {

// splitmix64: one word of state, so the generator travels in the replicated state as is.
std::uint64_t next_random(std::uint64_t& state) { return Rng::splitmix64(state); }

std::uint64_t fold(std::uint64_t digest, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) {
    digest ^= (value >> (8 * i)) & 0xffu;
    digest *= 0x100000001b3ull;
  }
  return digest;
}

constexpr std::uint64_t kDigestStart = 0xcbf29ce484222325ull;

bool overlaps(std::int32_t ax, std::int32_t ay, std::int32_t bx, std::int32_t by) {
  return ax < bx + kCarWidth && bx < ax + kCarWidth && ay < by + kCarHeight && by < ay + kCarHeight;
}

// Moves the traffic one tick and spawns; returns how many cars left the road at the bottom.
int advance_traffic(RaceState& race) {
  const std::int32_t speed = traffic_speed(race.tick);
  int passed = 0;
  for (TrafficCar& car : race.traffic) {
    if (!car.active) continue;
    car.y += speed;
    if (car.y >= kFieldHeight) {
      car = TrafficCar{};
      ++passed;
    }
  }
  if (race.tick % spawn_interval(race.tick) == 0) {
    const std::uint64_t draw = next_random(race.rng);
    const auto span = static_cast<std::uint64_t>((kCarMaxX - kRoadLeft) / kFixedOne + 1);
    const std::int32_t x = kRoadLeft + static_cast<std::int32_t>(draw % span) * kFixedOne;
    auto free = std::find_if(race.traffic.begin(), race.traffic.end(),
                             [](const TrafficCar& c) { return !c.active; });
    if (free != race.traffic.end()) {
      *free = TrafficCar{true, x, -kCarHeight};
      race.traffic_digest =
          fold(fold(race.traffic_digest, race.tick), static_cast<std::uint32_t>(x));
    }
  }
  ++race.tick;
  return passed;
}

void decide_winner(RaceState& race) {
  int best = -1;
  std::uint8_t winner = kNoSlot;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    const Racer& r = race.racers[slot];
    if (!r.racing) continue;
    if (r.score > best) {
      best = r.score;
      winner = slot;
    } else if (r.score == best) {
      winner = kDraw;
    }
  }
  race.winner = winner == kNoSlot ? kDraw : winner;
}

}  // namespace

RaceState new_race(std::uint64_t seed) {
  RaceState race;
  race.seed = seed;
  race.rng = seed;
  race.traffic_digest = kDigestStart;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) race.racers[slot].x = start_x(slot);
  return race;
}

std::int32_t start_x(std::uint8_t slot) {
  const std::int32_t lane = (kCarMaxX - kRoadLeft) / (2 * kMaxRacers);
  return kRoadLeft + lane * (2 * slot + 1) / kFixedOne * kFixedOne;
}

void seat_racer(RaceState& race, std::uint8_t slot) {
  Racer& r = race.racers[slot];
  r = Racer{};
  r.racing = true;
  r.alive = true;
  r.x = start_x(slot);
}

void unseat_racer(RaceState& race, std::uint8_t slot) {
  race.racers[slot] = Racer{};
  race.racers[slot].x = start_x(slot);
}

void start_countdown(RaceState& race) {
  race.phase = Phase::kCountdown;
  race.countdown_ticks = kCountdownTicks;
}

std::uint32_t spawn_interval(std::uint32_t tick) {
  const std::uint32_t steps = tick / kRampTicks;
  const std::uint32_t cut = std::min<std::uint32_t>(steps, 64) * kSpawnIntervalStep;
  return std::max(kSpawnIntervalMin, kSpawnIntervalStart > cut ? kSpawnIntervalStart - cut : 0);
}

std::int32_t traffic_speed(std::uint32_t tick) {
  const auto steps = static_cast<std::int32_t>(std::min<std::uint32_t>(tick / kRampTicks, 64));
  return std::min(kTrafficSpeedMax, kTrafficSpeedStart + steps * kTrafficSpeedStep);
}

StepResult step(RaceState& race) {
  StepResult result;
  switch (race.phase) {
    case Phase::kWaiting:
    case Phase::kClosed:
      return result;
    case Phase::kGameOver:
      ++race.linger_ticks;
      return result;
    case Phase::kCountdown:
      if (race.countdown_ticks > 0) --race.countdown_ticks;
      if (race.countdown_ticks == 0) race.phase = Phase::kRacing;
      return result;
    case Phase::kRacing:
      break;
  }
  for (Racer& r : race.racers) {
    if (!r.alive) continue;
    r.x = std::clamp(r.x + r.dir * kSteerPerTick, kRoadLeft, kCarMaxX);
  }
  const int passed = advance_traffic(race);
  for (Racer& r : race.racers) {
    if (!r.alive) continue;
    if (passed > 0) {
      r.score = static_cast<std::uint16_t>(std::min<int>(kMaxScore, r.score + passed));
      result.scores_changed = true;
    }
    for (const TrafficCar& car : race.traffic) {
      if (car.active && overlaps(r.x, kRacerY, car.x, car.y)) {
        r.alive = false;
        r.dir = 0;
        result.scores_changed = true;
        break;
      }
    }
  }
  if (alive_count(race) == 0 || race.tick >= kRaceTimeLimitTicks) {
    for (Racer& r : race.racers) r.alive = false;
    race.phase = Phase::kGameOver;
    decide_winner(race);
    result.race_over = true;
  }
  return result;
}

StepResult retire(RaceState& race, std::uint8_t slot) {
  StepResult result;
  Racer& r = race.racers[slot];
  if (race.phase != Phase::kRacing || !r.alive) return result;
  r.alive = false;
  r.dir = 0;
  result.scores_changed = true;
  if (alive_count(race) == 0) {
    race.phase = Phase::kGameOver;
    decide_winner(race);
    result.race_over = true;
  }
  return result;
}

std::uint64_t expected_traffic_digest(std::uint64_t seed, std::uint32_t ticks) {
  return TrafficReplay(seed).digest_at(ticks);
}

TrafficReplay::TrafficReplay(std::uint64_t seed) : seed_(seed), race_(new_race(seed)) {}

std::uint64_t TrafficReplay::digest_at(std::uint32_t ticks) {
  if (ticks < race_.tick) race_ = new_race(seed_);
  while (race_.tick < ticks) advance_traffic(race_);
  return race_.traffic_digest;
}

int alive_count(const RaceState& race) {
  int n = 0;
  for (const Racer& r : race.racers) n += r.alive ? 1 : 0;
  return n;
}

bool valid_race_state(const RaceState& race) {
  if (static_cast<std::uint8_t>(race.phase) > kMaxPhaseValue || race.phase == Phase::kClosed) {
    return false;
  }
  if (race.countdown_ticks > kCountdownTicks || race.tick > kRaceTimeLimitTicks) return false;
  for (const TrafficCar& car : race.traffic) {
    if (!car.active && (car.x != 0 || car.y != 0)) return false;
    if (car.active &&
        (car.x < kRoadLeft || car.x > kCarMaxX || car.y < -kCarHeight || car.y >= kFieldHeight)) {
      return false;
    }
  }
  for (const Racer& r : race.racers) {
    if (r.x < kRoadLeft || r.x > kCarMaxX || r.dir < -1 || r.dir > 1 || r.score > kMaxScore) {
      return false;
    }
    if (r.alive && (!r.racing || race.phase == Phase::kGameOver)) return false;
  }
  const bool decided = race.winner == kDraw || race.winner < kMaxRacers;
  if (race.phase == Phase::kGameOver) return decided;
  return race.winner == kNoSlot && race.linger_ticks == 0 && !race.recorded;
}

}  // namespace dp::racing
