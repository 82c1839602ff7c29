// Smooth motion from a jittery stream of room states.
//
// The leader sends one state per 60 Hz room tick, and each carries its tick number, so the
// client can put states on the server's timeline instead of on their arrival times. It
// estimates the offset between the two clocks (arrival time minus tick time; the smallest
// recent sample is the least-delayed, so the estimate follows new minima at once and creeps
// up slowly), then draws the moment kDelayTicks behind the newest tick the offset predicts,
// interpolating between the two states around it. Jitter up to that delay is invisible; a
// later state is extrapolated along the ball's velocity for at most kExtrapolateTicksMax,
// then held. A failover (ticks stop while time goes on) moves the offset by more than
// kResyncUs, which resets the estimate instead of freezing on the old one.
//
// Within one rally the drawn moment never goes back: after a failover the new leader may
// resend ticks already drawn (it had not received the old leader's last few), and the resync
// puts the drawn moment kDelayTicks behind the new stream, which is behind what the
// extrapolation showed. Either would pull the ball back some 25 px, so replayed ticks are
// dropped and the drawn moment is held until the stream passes it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "transport/client_process.h"

namespace dp::client {

// Positions in logical pixels (the field is 800x400).
struct DrawnPositions {
  float ball_x = 0;
  float ball_y = 0;
  float paddle_left_y = 0;
  float paddle_right_y = 0;
};

class Interpolator {
 public:
  static constexpr TimeUs kTickUs = 16'667;  // The room's 60 Hz tick.
  static constexpr double kDelayTicks = 2.0;
  static constexpr double kExtrapolateTicksMax = 4.0;
  static constexpr TimeUs kResyncUs = 100'000;
  static constexpr std::size_t kStatesMax = 32;
  // A state this many ticks or fewer behind the newest, in the same rally, is a replay after
  // a failover and is dropped; further back it starts the timeline afresh.
  static constexpr std::uint32_t kReplayTicksMax = 30;

  // Feeds one accepted state (in the order accepted).
  void add(const TimedState& state);
  // Where to draw things at `now_mono_us`; nothing before the first state. Not const: it
  // remembers the moment drawn, so the next call never draws an earlier one.
  std::optional<DrawnPositions> at(TimeUs now_mono_us);
  void clear();

 private:
  std::deque<TimedState> states_;  // Strictly increasing ticks; at most kStatesMax.
  std::optional<double> offset_us_;
  // The server tick last drawn while playing; reset when the rally or the room changes.
  std::optional<double> drawn_tick_;
};

}  // namespace dp::client
