// Deterministic Pong rules: one match, advanced one tick at a time.
//
// Everything is integer arithmetic on fixed-point positions (1/256 px), so every replica that
// applies the same inputs computes bit-identical states. Screen coordinates: x grows to the
// right, y grows downwards; ball_x/ball_y is the ball's top-left corner and paddle_y a paddle's
// top edge. Slot 0 plays on the left, slot 1 on the right.
//
// Collision against paddles is swept: the ball's leading edge is tested where it crosses the
// paddle's face during the tick, so no speed can carry it through a paddle.
#pragma once

#include <cstdint>

#include "core/services/pong/score.h"
#include "core/services/rooms/room_table.h"

namespace dp::pong {

constexpr std::int32_t kFixedOne = 256;  // Fixed-point units per pixel.
constexpr std::int32_t px(std::int32_t pixels) { return pixels * kFixedOne; }

constexpr std::int32_t kFieldWidth = px(800);
constexpr std::int32_t kFieldHeight = px(400);
constexpr std::int32_t kPaddleWidth = px(10);
constexpr std::int32_t kPaddleHeight = px(80);
constexpr std::int32_t kPaddleInset = px(30);  // Gap between a side wall and its paddle.
constexpr std::int32_t kBallSize = px(10);
constexpr std::int32_t kTicksPerSecond = 60;

// The x of each paddle's left edge, and of the face the ball bounces off.
constexpr std::int32_t kLeftPaddleX = kPaddleInset;
constexpr std::int32_t kRightPaddleX = kFieldWidth - kPaddleInset - kPaddleWidth;
constexpr std::int32_t kLeftFaceX = kLeftPaddleX + kPaddleWidth;
constexpr std::int32_t kRightFaceX = kRightPaddleX;

constexpr std::int32_t kBallMaxY = kFieldHeight - kBallSize;
constexpr std::int32_t kPaddleMaxY = kFieldHeight - kPaddleHeight;

constexpr std::int32_t kPaddleSpeedPerTick = px(6);
// Horizontal ball speed: served at kServeSpeed, +kSpeedUp per paddle hit, at most kSpeedMax.
constexpr std::int32_t kServeSpeedPerTick = px(5);
constexpr std::int32_t kSpeedUpPerHit = px(1) / 2;
constexpr std::int32_t kSpeedMaxPerTick = px(16);
// The vertical speed after a hit is at most 3/4 of the horizontal one (edge of the paddle).
constexpr std::int32_t kMaxSlopeNum = 3;
constexpr std::int32_t kMaxSlopeDen = 4;
constexpr std::int32_t kVerticalSpeedMax = kSpeedMaxPerTick * kMaxSlopeNum / kMaxSlopeDen;

// The pause before a serve, the ball at rest in the centre. A match's first serve waits three
// seconds, long enough for the players to read 3-2-1; each later serve waits one second.
constexpr std::uint16_t kFirstServeCountdownTicks = 3 * kTicksPerSecond;
constexpr std::uint16_t kServeCountdownTicks = 1 * kTicksPerSecond;
constexpr std::uint16_t kCountdownTicksMax = kFirstServeCountdownTicks;
static_assert(kServeCountdownTicks <= kCountdownTicksMax);
constexpr std::uint8_t kDefaultTargetScore = 5;
constexpr std::uint8_t kMaxTargetScore = 99;  // Scores travel as one byte each.
constexpr std::uint8_t kNoSlot = rooms::kNoSlot;

// Numbering is part of the client protocol (wire::RoomState::phase).
enum class Phase : std::uint8_t {
  kWaiting = 0,    // Fewer than two players.
  kCountdown = 1,  // Ball at rest in the centre; serve when countdown_ticks reaches zero.
  kPlaying = 2,
  kGameOver = 3,  // winner and the final score are set; the room lingers, then closes.
  kClosed = 4,    // The room is gone (only ever shown to clients, never stored).
};
constexpr std::uint8_t kMaxPhaseValue = 4;

struct MatchState {
  Phase phase = Phase::kWaiting;
  std::uint16_t countdown_ticks = 0;
  std::uint32_t tick = 0;          // Physics steps taken (wraps after ~2 years at 60 Hz).
  std::uint32_t linger_ticks = 0;  // Steps taken since game over.
  std::int32_t ball_x = 0;
  std::int32_t ball_y = 0;
  std::int32_t ball_vx = 0;
  std::int32_t ball_vy = 0;
  std::int32_t paddle_y[2] = {kPaddleMaxY / 2, kPaddleMaxY / 2};
  std::int8_t paddle_dir[2] = {0, 0};  // -1 up, 0 still, +1 down.
  std::uint8_t score[2] = {0, 0};
  std::uint8_t target_score = kDefaultTargetScore;
  std::uint8_t winner = kNoSlot;
  std::uint8_t serve_toward = 0;  // The slot the next serve flies towards.

  bool operator==(const MatchState&) const = default;
};

struct StepResult {
  std::uint8_t point_scored_by = kNoSlot;
  bool match_over = false;
  bool paddle_hit = false;  // The ball bounced off a paddle this tick.
};

// A fresh match waiting for players. target_score is clamped to [1, kMaxTargetScore].
MatchState new_match(std::uint8_t target_score);

// Both players are present: reset scores and start the first countdown.
void start_match(MatchState& match);

// True when a countdown at physics step `tick` (MatchState::tick, wire::RoomState::tick) is
// the one before the match's first serve: the clock restarts at 0 with the match, and the
// first serve comes at step kFirstServeCountdownTicks. Clients show 3-2-1 for it only.
constexpr bool first_serve_countdown(std::uint32_t tick) {
  return tick < kFirstServeCountdownTicks;
}

// Advances one tick. Paddles move first, then the ball. No-op outside Countdown, Playing and
// GameOver (GameOver only counts linger_ticks).
StepResult step(MatchState& match);

// The player in `leaving_slot` forfeits: the other player wins with the score as it stands.
// Only meaningful in Countdown or Playing; returns false (and changes nothing) otherwise.
bool forfeit(MatchState& match, std::uint8_t leaving_slot);

// The score as it stands.
Score score_of(const MatchState& match);

// Folds an unbounded ball y back into [0, kBallMaxY] as if it had bounced off the walls.
// Sets *flipped when an odd number of bounces happened (the vertical velocity reverses).
std::int32_t fold_ball_y(std::int64_t unfolded_y, bool* flipped);

// True when every field is in the range the rules can produce (used on untrusted snapshots).
bool valid_match_state(const MatchState& match);

}  // namespace dp::pong
