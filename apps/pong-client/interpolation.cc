#include "apps/pong-client/interpolation.h"

#include <algorithm>
#include <cmath>

#include "core/services/pong/rules.h"

namespace dp::client {
namespace {

float to_px(std::int32_t fixed) {
  return static_cast<float>(fixed) / static_cast<float>(pong::kFixedOne);
}

DrawnPositions positions_of(const wire::RoomState& s) {
  return {to_px(s.ball_x), to_px(s.ball_y), to_px(s.paddle_left_y), to_px(s.paddle_right_y)};
}

float lerp(float a, float b, float f) { return a + (b - a) * f; }

// The ball bounces off the top and bottom walls; fold an extrapolated y back into the field.
float fold_into_field(float y) {
  const float max_y = to_px(pong::kBallMaxY);
  if (y < 0) return -y;
  if (y > max_y) return 2 * max_y - y;
  return y;
}

// Both states belong to one rally: the ball flew from one to the other without a serve.
bool same_rally(const wire::RoomState& a, const wire::RoomState& b) {
  return a.phase == room_phase::kPlaying && b.phase == room_phase::kPlaying &&
         a.score_left == b.score_left && a.score_right == b.score_right;
}

}  // namespace

void Interpolator::clear() {
  states_.clear();
  offset_us_.reset();
  drawn_tick_.reset();
}

void Interpolator::add(const TimedState& timed) {
  if (!states_.empty() && timed.state.room != states_.back().state.room) clear();
  if (!states_.empty() && timed.state.tick < states_.back().state.tick) {
    const wire::RoomState& back = states_.back().state;
    if (same_rally(back, timed.state) && back.tick - timed.state.tick <= kReplayTicksMax) {
      // A new leader replays ticks already drawn: hold what is drawn until its stream passes.
      return;
    }
    clear();  // Another timeline altogether (a rebuilt cluster, or a long way back).
  }
  if (!states_.empty() && timed.state.tick == states_.back().state.tick) {
    // The room did not step (waiting, or a repeat): show the newest anyway.
    states_.back() = timed;
    return;
  }
  states_.push_back(timed);
  if (states_.size() > kStatesMax) states_.pop_front();

  const double sample = static_cast<double>(timed.arrived_mono_us) -
                        static_cast<double>(timed.state.tick) * static_cast<double>(kTickUs);
  if (!offset_us_ || std::abs(sample - *offset_us_) > static_cast<double>(kResyncUs)) {
    offset_us_ = sample;
  } else if (sample < *offset_us_) {
    offset_us_ = sample;
  } else {
    *offset_us_ += (sample - *offset_us_) / 32;
  }
}

std::optional<DrawnPositions> Interpolator::at(TimeUs now_mono_us) {
  if (states_.empty()) return std::nullopt;
  const wire::RoomState& newest = states_.back().state;
  if (newest.phase != room_phase::kPlaying || !offset_us_) {
    drawn_tick_.reset();  // A serve comes next: the ball starts again from the centre.
    return positions_of(newest);
  }

  double render_tick =
      (static_cast<double>(now_mono_us) - *offset_us_) / static_cast<double>(kTickUs) - kDelayTicks;
  // Never back in time within a rally: hold the last moment drawn until the stream passes it.
  if (drawn_tick_ && render_tick < *drawn_tick_) render_tick = *drawn_tick_;
  const double newest_tick = static_cast<double>(newest.tick);
  if (render_tick >= newest_tick) {
    const double ahead = std::min(render_tick - newest_tick, kExtrapolateTicksMax);
    drawn_tick_ = newest_tick + ahead;
    DrawnPositions p = positions_of(newest);
    p.ball_x += to_px(newest.ball_vx) * static_cast<float>(ahead);
    p.ball_y = fold_into_field(p.ball_y + to_px(newest.ball_vy) * static_cast<float>(ahead));
    return p;
  }
  drawn_tick_ = render_tick;
  if (render_tick <= static_cast<double>(states_.front().state.tick)) {
    return positions_of(states_.front().state);
  }
  // The last state at or before render_tick; the loop ends because the newest is after it.
  std::size_t i = states_.size() - 1;
  while (i > 0 && static_cast<double>(states_[i].state.tick) > render_tick) --i;
  const wire::RoomState& a = states_[i].state;
  const wire::RoomState& b = states_[i + 1].state;
  // A point was scored or the phase changed in between: the ball jumped, so do not slide it.
  if (a.phase != b.phase || a.score_left != b.score_left || a.score_right != b.score_right) {
    return positions_of(a);
  }
  const auto f = static_cast<float>((render_tick - static_cast<double>(a.tick)) /
                                    static_cast<double>(b.tick - a.tick));
  const DrawnPositions pa = positions_of(a);
  const DrawnPositions pb = positions_of(b);
  return DrawnPositions{lerp(pa.ball_x, pb.ball_x, f), lerp(pa.ball_y, pb.ball_y, f),
                        lerp(pa.paddle_left_y, pb.paddle_left_y, f),
                        lerp(pa.paddle_right_y, pb.paddle_right_y, f)};
}

}  // namespace dp::client
