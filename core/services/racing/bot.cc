#include "core/services/racing/bot.h"

#include <algorithm>

#include "core/services/racing/race.h"

namespace dp::racing {

std::int8_t bot_steering(const wire::RaceState& seen, std::uint8_t my_slot, int skill_percent,
                         Rng& rng) {
  const int skill = std::clamp(skill_percent, 0, 100);
  const bool hesitates = rng.uniform(100) >= static_cast<std::uint64_t>(40 + skill * 6 / 10);
  if (my_slot >= seen.racers.size()) return 0;
  const std::int32_t me = seen.racers[my_slot].x;
  // How far up the road the bot looks: 120 px at skill 0, 420 px at 100.
  const std::int32_t horizon = px(120 + 3 * skill);
  const std::int32_t margin = px(6);
  const wire::RaceCar* threat = nullptr;
  bool traffic_ahead = false;
  for (const wire::RaceCar& car : seen.traffic) {
    const bool in_lane = car.x < me + kCarWidth + margin && me < car.x + kCarWidth + margin;
    const bool ahead = car.y + kCarHeight > kRacerY - horizon && car.y < kRacerY + kCarHeight;
    traffic_ahead = traffic_ahead || ahead;
    if (in_lane && ahead && (threat == nullptr || car.y > threat->y)) threat = &car;
  }
  if (hesitates) return 0;
  if (threat == nullptr) {
    // Back towards its own lane only on an empty stretch: drifting could steer into a car.
    if (traffic_ahead) return 0;
    const std::int32_t lane = start_x(my_slot);
    if (me < lane - px(10)) return 1;
    if (me > lane + px(10)) return -1;
    return 0;
  }
  // Out of its lane by the shorter way the road allows and no other car blocks.
  const std::int32_t left_x = threat->x - kCarWidth - margin;
  const std::int32_t right_x = threat->x + kCarWidth + margin;
  auto clear = [&](std::int32_t x) {
    if (x < kRoadLeft || x > kCarMaxX) return false;
    const std::int32_t lo = std::min(x, me);
    const std::int32_t hi = std::max(x, me) + kCarWidth;
    for (const wire::RaceCar& car : seen.traffic) {
      if (&car == threat) continue;
      const bool crosses = car.x < hi + margin && lo < car.x + kCarWidth + margin;
      const bool near = car.y + kCarHeight > kRacerY - horizon && car.y < kRacerY + kCarHeight;
      if (crosses && near) return false;
    }
    return true;
  };
  const bool left_ok = clear(left_x);
  const bool right_ok = clear(right_x);
  if (left_ok != right_ok) return left_ok ? -1 : 1;
  if (left_x < kRoadLeft) return 1;
  if (right_x > kCarMaxX) return -1;
  return me - left_x <= right_x - me ? -1 : 1;
}

}  // namespace dp::racing
