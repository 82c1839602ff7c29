// Deterministic racing rules (the second seed's game): 2-4 racers drive up one road, dodge the
// same traffic and score a point for every car that passes them; a crash ends a racer's run.
//
// Integer arithmetic on fixed-point positions (1/256 px), so every replica that applies the
// same inputs computes bit-identical states. Screen coordinates: x to the right, y downwards;
// a car's x/y is its top-left corner. Racers are ghosts to each other: they share the road
// and the traffic, not collisions.
//
// The traffic depends on the race's seed and the tick only, never on what the racers do:
// every racer and spectator sees the same cars, and a failover changes nothing about the cars
// still to come (traffic_digest folds every spawn in, so two views can be compared).
#pragma once

#include <array>
#include <cstdint>

#include "core/services/rooms/room_table.h"

namespace dp::racing {

constexpr std::int32_t kFixedOne = 256;
constexpr std::int32_t px(std::int32_t pixels) { return pixels * kFixedOne; }

constexpr std::int32_t kFieldWidth = px(800);
constexpr std::int32_t kFieldHeight = px(600);
// The road (the seed's was 312 px wide, at x 178-490 of a 798 px window; ours is centred).
constexpr std::int32_t kRoadLeft = px(244);
constexpr std::int32_t kRoadRight = px(556);
constexpr std::int32_t kCarWidth = px(40);
constexpr std::int32_t kCarHeight = px(70);
constexpr std::int32_t kRacerY = kFieldHeight - kCarHeight - px(20);  // Racers' cars' top.
constexpr std::int32_t kCarMaxX = kRoadRight - kCarWidth;
constexpr std::int32_t kSteerPerTick = px(5);  // The seed's arrow keys: 5 px per frame.

constexpr std::int32_t kTicksPerSecond = 60;
// Traffic falls at 7 px per tick (the seed's), one more every ramp step, up to the maximum;
// a new car enters every spawn interval, which shortens every ramp step down to the minimum.
constexpr std::int32_t kTrafficSpeedStart = px(7);
constexpr std::int32_t kTrafficSpeedMax = px(14);
constexpr std::int32_t kTrafficSpeedStep = px(1);
constexpr std::uint32_t kSpawnIntervalStart = 40;
constexpr std::uint32_t kSpawnIntervalMin = 14;
constexpr std::uint32_t kSpawnIntervalStep = 4;
constexpr std::uint32_t kRampTicks = 10 * kTicksPerSecond;
constexpr std::size_t kMaxTraffic = 8;  // Cars on the road at once; a spawn beyond is skipped.

constexpr std::uint8_t kMaxRacers = 4;
constexpr std::uint8_t kMinRacers = 2;
constexpr std::uint16_t kCountdownTicks = 3 * kTicksPerSecond;        // 3-2-1, then GO.
constexpr std::uint32_t kRaceTimeLimitTicks = 120 * kTicksPerSecond;  // Ends every race.
constexpr std::uint16_t kMaxScore = 60000;                            // Far above any run.
constexpr std::uint8_t kNoSlot = rooms::kNoSlot;
constexpr std::uint8_t kDraw = 0xfe;  // winner of a race whose best score is shared.

// Numbering is part of the client protocol (wire::RaceState::phase).
enum class Phase : std::uint8_t {
  kWaiting = 0,    // Fewer than two racers.
  kCountdown = 1,  // Two or more: GO when countdown_ticks reaches zero; more may still join.
  kRacing = 2,
  kGameOver = 3,  // Every racer crashed (or time ran out); winner and scores are final.
  kClosed = 4,    // Only ever shown to clients.
};
constexpr std::uint8_t kMaxPhaseValue = 4;

struct TrafficCar {
  bool active = false;
  std::int32_t x = 0;
  std::int32_t y = 0;
  bool operator==(const TrafficCar&) const = default;
};

struct Racer {
  bool racing = false;  // Took part in this race (seated when it started).
  bool alive = false;   // Still driving.
  std::int32_t x = 0;
  std::int8_t dir = 0;  // -1 left, 0 straight, +1 right.
  std::uint16_t score = 0;
  bool operator==(const Racer&) const = default;
};

struct RaceState {
  Phase phase = Phase::kWaiting;
  std::uint16_t countdown_ticks = 0;
  std::uint32_t tick = 0;          // Race ticks since GO.
  std::uint32_t linger_ticks = 0;  // Ticks since game over.
  std::uint64_t seed = 0;          // The traffic's, chosen when the room opened.
  std::uint64_t rng = 0;           // The traffic generator's state.
  std::uint64_t traffic_digest = 0;
  std::array<TrafficCar, kMaxTraffic> traffic{};
  std::array<Racer, kMaxRacers> racers{};
  std::uint8_t winner = kNoSlot;  // A slot, kDraw, or kNoSlot while undecided.
  bool recorded = false;          // The result is on the leaderboard (kRaceOver applied).

  bool operator==(const RaceState&) const = default;
};

struct StepResult {
  bool scores_changed = false;  // A car passed a racer, or a racer crashed.
  bool race_over = false;
};

// A fresh race waiting for racers; its traffic is drawn from `seed`.
RaceState new_race(std::uint64_t seed);
// Where the racer of `slot` starts (spread across the road).
std::int32_t start_x(std::uint8_t slot);
// Racers seated: who takes part. Called when the countdown starts and on a join during it.
void seat_racer(RaceState& race, std::uint8_t slot);
// A racer left before GO: no longer in the race.
void unseat_racer(RaceState& race, std::uint8_t slot);
// The countdown starts (two racers are seated).
void start_countdown(RaceState& race);
// Advances one tick: countdown, or cars and traffic, collisions and passes, or lingering.
StepResult step(RaceState& race);
// The racer of `slot` stops driving (it left): as if it crashed, keeping its score.
StepResult retire(RaceState& race, std::uint8_t slot);

std::uint32_t spawn_interval(std::uint32_t tick);
std::int32_t traffic_speed(std::uint32_t tick);
// The traffic digest a race of `seed` has after `ticks` race ticks: what every view of it must
// show (traffic does not depend on the racers).
std::uint64_t expected_traffic_digest(std::uint64_t seed, std::uint32_t ticks);
// Replays a race's traffic alone, forwards, to check what a view of the race shows: the digest
// after `ticks` race ticks (going back starts over).
class TrafficReplay {
 public:
  explicit TrafficReplay(std::uint64_t seed);
  std::uint64_t digest_at(std::uint32_t ticks);

 private:
  std::uint64_t seed_;
  RaceState race_;
};

// Racers still driving.
int alive_count(const RaceState& race);
// True when every field is in the range the rules can produce (untrusted snapshots).
bool valid_race_state(const RaceState& race);

}  // namespace dp::racing
