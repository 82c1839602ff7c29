#include "sim/run/rules_checks.h"

#include "core/services/pong/mirror.h"
#include "core/services/pong/service.h"

namespace dp::sim {
namespace {

// Steps `m` and its mirror; true when the outcomes mirror each other exactly.
bool mirrors(const pong::MatchState& m, pong::StepResult* result = nullptr) {
  pong::MatchState as_is = m;
  pong::MatchState mirror = pong::mirrored(m);
  const pong::StepResult r = pong::step(as_is);
  const pong::StepResult rm = pong::step(mirror);
  if (result != nullptr) *result = r;
  return mirror == pong::mirrored(as_is) &&
         rm.point_scored_by == pong::mirrored(r).point_scored_by && rm.match_over == r.match_over &&
         rm.paddle_hit == r.paddle_hit;
}

// The slot whose paddle face the ball reaches during the next step, if any.
int approached_slot(const pong::MatchState& m) {
  if (m.phase != pong::Phase::kPlaying) return -1;
  const std::int64_t x = m.ball_x;
  if (m.ball_vx < 0 && x >= pong::kLeftFaceX && x + m.ball_vx < pong::kLeftFaceX) return 0;
  if (m.ball_vx > 0 && x + pong::kBallSize <= pong::kRightFaceX &&
      x + pong::kBallSize + m.ball_vx > pong::kRightFaceX) {
    return 1;
  }
  return -1;
}

}  // namespace

RulesChecks::RulesChecks(RunContext& run, InvariantObserver& invariants)
    : run_(run), invariants_(invariants) {
  for (const ClientSpec& c : run.scenario.clients) {
    enabled_ = enabled_ || (c.game == Game::kPong && !c.spectate);
  }
}

void RulesChecks::after_step(TimeUs now, HostIndex h) {
  if (!enabled_ || !run_.is_game_server(h) || !run_.live(h)) return;
  const LogReplica& replica = run_.server(h).replica();
  if (!replica.hosting()) return;
  const auto* pong = replica.services().find<pong::PongService>();
  if (pong == nullptr) return;
  for (const auto& [id, room] : pong->book().rooms()) {
    const pong::MatchState& m = room.match;
    if (m.phase != pong::Phase::kCountdown && m.phase != pong::Phase::kPlaying) continue;
    auto [it, inserted] = last_tick_.try_emplace(id, m.tick);
    if (!inserted && it->second == m.tick) continue;
    it->second = m.tick;
    ++checked_;
    // The state as the match reached it; and when the ball is about to reach a paddle, the
    // same state with that paddle moved, half a pixel at a time, from well above the ball to
    // well below it, so both edges of both paddles are tried wherever the rallies go.
    pong::MatchState bad = m;
    bool ok = mirrors(m);
    const int slot = approached_slot(m);
    constexpr std::int32_t kSweep = pong::kPaddleHeight + pong::kBallSize + pong::px(32);
    for (std::int32_t d = -kSweep; ok && slot >= 0 && d <= kSweep; d += pong::kFixedOne / 2) {
      const std::int32_t top = m.ball_y - pong::kPaddleHeight / 2 + d;
      if (top < 0 || top > pong::kPaddleMaxY) continue;
      bad.paddle_y[slot] = top;
      ok = mirrors(bad);
    }
    if (ok) continue;
    pong::StepResult r;
    mirrors(bad, &r);
    const auto num = [](std::int32_t v) { return std::to_string(v); };
    invariants_.violate(Invariant::kRulesSymmetric,
                        "room " + std::to_string(id) + " at tick " + std::to_string(m.tick) + " (" +
                            run_.name(h) + ", " + RunContext::seconds_str(now) + "): ball at (" +
                            num(bad.ball_x) + ", " + num(bad.ball_y) + ") moving (" +
                            num(bad.ball_vx) + ", " + num(bad.ball_vy) + "), paddles at " +
                            num(bad.paddle_y[0]) + " and " + num(bad.paddle_y[1]) +
                            " (1/256 px): the mirrored match steps differently" +
                            (r.paddle_hit ? " (the ball hits the paddle on one side only)" : ""));
  }
}

}  // namespace dp::sim
