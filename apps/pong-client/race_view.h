// What the racing window shows for a view of the session, kept apart from SDL so that tests
// can check it without a display: where the traffic and the racers are drawn between states,
// how far the road has scrolled, the countdown's words, and the standings.
//
// Racers get one state per 60 Hz race tick, spectators one per three ticks (20 Hz). Each state
// carries its race tick, so the client puts states on the server's timeline (the same clock
// estimate as Pong's Interpolator: arrival time minus tick time, following new minima at once
// and creeping up slowly) and draws the moment kDelayTicks behind the newest tick it predicts.
// Traffic falls in a straight line at traffic_speed per tick, so a car is drawn from the last
// state at or before that moment, moved on by the speed (cars spawn and leave between states,
// so two states' cars are never paired up). Racers' cars are interpolated between the states
// around the moment. Past the newest state everything is extrapolated for at most
// kExtrapolateTicksMax ticks, then held. Within one race the drawn moment never goes back
// (a new leader may replay ticks already drawn after a failover).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "transport/client_process.h"

namespace dp::client {

// Positions in logical pixels (the road's field is 800x600, as in racing/race.h).
struct DrawnCar {
  float x = 0;
  float y = 0;
};
struct DrawnRace {
  std::vector<DrawnCar> traffic;
  std::array<float, wire::kRaceSlots> racer_x{};
  // How far the road has moved since GO, in pixels: the lane marks scroll by it.
  float road_px = 0;
};

// The distance the traffic (and so the road) has moved after `tick` race ticks, in pixels,
// with the speed ramp of racing/race.h; fractional ticks move at that tick's speed.
double road_distance_px(double tick);

class RaceInterpolator {
 public:
  static constexpr TimeUs kTickUs = 16'667;  // The race's 60 Hz tick.
  // Behind the newest tick: covers a spectator's three ticks between states plus jitter.
  static constexpr double kDelayTicks = 4.0;
  static constexpr double kExtrapolateTicksMax = 6.0;
  static constexpr TimeUs kResyncUs = 150'000;
  static constexpr std::size_t kStatesMax = 32;
  static constexpr std::uint32_t kReplayTicksMax = 30;

  // Feeds one accepted state (in the order accepted); states without a race are ignored.
  void add(const TimedState& state);
  // Where to draw things at `now_mono_us`; nothing before the first race state.
  std::optional<DrawnRace> at(TimeUs now_mono_us);
  void clear();

 private:
  struct Entry {
    wire::RaceState race;
    TimeUs arrived_mono_us = 0;
  };
  std::deque<Entry> states_;  // Strictly increasing ticks within one room; at most kStatesMax.
  std::optional<double> offset_us_;
  std::optional<double> drawn_tick_;
};

// "3", "2", "1" from a race's countdown_ticks.
std::string race_countdown_text(const wire::RoomState& state);
// "GO!" for the first half second of a race; empty otherwise.
std::string race_banner(const wire::RoomState& state);

// One racer's row in the side panel and on the game-over screen.
struct Standing {
  std::uint8_t slot = 0;
  std::string name;
  std::uint16_t score = 0;
  bool you = false;
  bool alive = false;  // Still driving.
};
// The racers who take part (or are seated, before GO), best score first, then by slot.
std::vector<Standing> race_standings(const wire::RaceState& race);
// The game-over headline: "You win!", "You lose", "Draw", or "NAME wins" for a spectator.
std::string race_headline(const wire::RaceState& race);

// The spectator's banner: "WATCHING room 3", or "WATCHING room lan-party (3)".
std::string watching_banner(const wire::RoomState& state);

}  // namespace dp::client
