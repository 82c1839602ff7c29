#include "apps/pong-client/race_view.h"

#include <algorithm>
#include <cmath>

#include "core/services/racing/race.h"

namespace dp::client {
namespace {

constexpr std::uint8_t kRacing = static_cast<std::uint8_t>(racing::Phase::kRacing);
constexpr std::uint32_t kGoTicks = racing::kTicksPerSecond / 2;

float to_px(std::int32_t fixed) {
  return static_cast<float>(fixed) / static_cast<float>(racing::kFixedOne);
}

float lerp(float a, float b, float f) { return a + (b - a) * f; }

// The race as it stands in `s`, its traffic moved on by `ahead` ticks (may be 0).
DrawnRace drawn_from(const wire::RaceState& s, double ahead) {
  DrawnRace d;
  const float dy = to_px(s.traffic_speed) * static_cast<float>(ahead);
  for (const wire::RaceCar& car : s.traffic) d.traffic.push_back({to_px(car.x), to_px(car.y) + dy});
  for (std::size_t i = 0; i < s.racers.size() && i < d.racer_x.size(); ++i) {
    d.racer_x[i] = to_px(s.racers[i].x);
  }
  d.road_px = static_cast<float>(road_distance_px(static_cast<double>(s.tick) + ahead));
  return d;
}

}  // namespace

double road_distance_px(double tick) {
  if (tick <= 0) return 0;
  const double one = racing::kFixedOne;
  double distance = 0;
  double start = 0;
  // One ramp step at a time: the speed is constant within a step and stops growing at the max.
  for (std::uint32_t step = 0;; ++step) {
    const double end = static_cast<double>(step + 1) * racing::kRampTicks;
    const double speed = racing::traffic_speed(step * racing::kRampTicks) / one;
    if (tick <= end || speed >= racing::kTrafficSpeedMax / one) {
      return distance + (tick - start) * speed;
    }
    distance += (end - start) * speed;
    start = end;
  }
}

void RaceInterpolator::clear() {
  states_.clear();
  offset_us_.reset();
  drawn_tick_.reset();
}

void RaceInterpolator::add(const TimedState& timed) {
  if (!timed.race) return;
  const wire::RaceState& race = *timed.race;
  if (!states_.empty() && race.room != states_.back().race.room) clear();
  if (!states_.empty() && race.tick < states_.back().race.tick) {
    const wire::RaceState& back = states_.back().race;
    if (back.phase == kRacing && back.tick - race.tick <= kReplayTicksMax) {
      return;  // A new leader replays ticks already drawn: hold until its stream passes.
    }
    clear();
  }
  if (!states_.empty() && race.tick == states_.back().race.tick) {
    // The race did not step (waiting, countdown, game over, or a repeat): show the newest.
    states_.back() = Entry{race, timed.arrived_mono_us};
    return;
  }
  states_.push_back(Entry{race, timed.arrived_mono_us});
  if (states_.size() > kStatesMax) states_.pop_front();

  const double sample = static_cast<double>(timed.arrived_mono_us) -
                        static_cast<double>(race.tick) * static_cast<double>(kTickUs);
  if (!offset_us_ || std::abs(sample - *offset_us_) > static_cast<double>(kResyncUs)) {
    offset_us_ = sample;
  } else if (sample < *offset_us_) {
    offset_us_ = sample;
  } else {
    *offset_us_ += (sample - *offset_us_) / 32;
  }
}

std::optional<DrawnRace> RaceInterpolator::at(TimeUs now_mono_us) {
  if (states_.empty()) return std::nullopt;
  const wire::RaceState& newest = states_.back().race;
  if (newest.phase != kRacing || !offset_us_) {
    drawn_tick_.reset();
    return drawn_from(newest, 0);
  }
  double render_tick =
      (static_cast<double>(now_mono_us) - *offset_us_) / static_cast<double>(kTickUs) - kDelayTicks;
  if (drawn_tick_ && render_tick < *drawn_tick_) render_tick = *drawn_tick_;
  const double newest_tick = static_cast<double>(newest.tick);
  if (render_tick >= newest_tick) {
    const double ahead = std::min(render_tick - newest_tick, kExtrapolateTicksMax);
    drawn_tick_ = newest_tick + ahead;
    return drawn_from(newest, ahead);
  }
  drawn_tick_ = render_tick;
  if (render_tick <= static_cast<double>(states_.front().race.tick)) {
    return drawn_from(states_.front().race, 0);
  }
  std::size_t i = states_.size() - 1;
  while (i > 0 && static_cast<double>(states_[i].race.tick) > render_tick) --i;
  const wire::RaceState& a = states_[i].race;
  const wire::RaceState& b = states_[i + 1].race;
  const double ahead = render_tick - static_cast<double>(a.tick);
  DrawnRace d = drawn_from(a, ahead);
  if (a.phase == kRacing && b.phase == kRacing) {
    const auto f = static_cast<float>(ahead / static_cast<double>(b.tick - a.tick));
    for (std::size_t r = 0; r < a.racers.size() && r < b.racers.size(); ++r) {
      d.racer_x[r] = lerp(to_px(a.racers[r].x), to_px(b.racers[r].x), f);
    }
  }
  return d;
}

std::string race_countdown_text(const wire::RoomState& state) {
  const int seconds =
      (state.countdown_ticks + racing::kTicksPerSecond - 1) / racing::kTicksPerSecond;
  return std::to_string(std::clamp(seconds, 1, 3));
}

std::string race_banner(const wire::RoomState& state) {
  return state.phase == kRacing && state.tick < kGoTicks ? "GO!" : "";
}

std::vector<Standing> race_standings(const wire::RaceState& race) {
  std::vector<Standing> rows;
  const bool started = race.phase >= kRacing;
  for (std::size_t i = 0; i < race.racers.size(); ++i) {
    const wire::RaceRacer& r = race.racers[i];
    const bool in = started
                        ? (r.flags & wire::RaceRacer::kRacing) != 0
                        : (r.flags & (wire::RaceRacer::kRacing | wire::RaceRacer::kPresent)) != 0;
    if (!in) continue;
    Standing s;
    s.slot = static_cast<std::uint8_t>(i);
    s.name = r.name.view().empty() ? "racer " + std::to_string(i + 1) : std::string(r.name.view());
    s.score = r.score;
    s.you = race.your_slot == i;
    s.alive = (r.flags & wire::RaceRacer::kAlive) != 0;
    rows.push_back(s);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Standing& a, const Standing& b) { return a.score > b.score; });
  return rows;
}

std::string race_headline(const wire::RaceState& race) {
  if (race.winner == wire::RaceState::kDrawWinner) return "Draw";
  if (race.winner == 0 || race.winner > wire::kRaceSlots) return "Race over";
  const std::size_t slot = race.winner - 1U;
  if (race.your_slot < wire::kRaceSlots) return slot == race.your_slot ? "You win!" : "You lose";
  if (slot < race.racers.size() && !race.racers[slot].name.view().empty()) {
    return std::string(race.racers[slot].name.view()) + " wins";
  }
  return "Racer " + std::to_string(slot + 1) + " wins";
}

std::string watching_banner(const wire::RoomState& state) {
  const std::string number = std::to_string(state.room);
  if (state.name.view().empty()) return "WATCHING room " + number;
  return "WATCHING room " + std::string(state.name.view()) + " (" + number + ")";
}

}  // namespace dp::client
