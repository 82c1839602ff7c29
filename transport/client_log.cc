#include "transport/client_log.h"

#include "core/services/pong/score.h"

#include <chrono>

namespace dp {
namespace {

std::string score_str(std::uint8_t left, std::uint8_t right) {
  return pong::Score{left, right}.str();
}

const char* slot_name(std::uint8_t slot) {
  return slot == 0 ? "left" : (slot == 1 ? "right" : "spectator");
}

}  // namespace

TimeUs monotonic_now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* room_phase_name(std::uint8_t phase) {
  switch (phase) {
    case room_phase::kWaiting:
      return "waiting";
    case room_phase::kCountdown:
      return "countdown";
    case room_phase::kPlaying:
      return "playing";
    case room_phase::kGameOver:
      return "game-over";
    case room_phase::kClosed:
      return "closed";
    default:
      return "?";
  }
}

void ClientLog::line(TimeUs mono_us, std::string_view event, std::string_view details) {
  std::string text = "mono_us=" + std::to_string(mono_us) + " event=";
  text += event;
  if (!details.empty()) {
    text += ' ';
    text += details;
  }
  logger_.info(text);
}

void ClientLog::observe(const ClientNode& node, TimeUs mono_us) {
  if (client_phase_ != node.phase()) {
    client_phase_ = node.phase();
    line(mono_us, "client-phase",
         std::string("phase=") + client_phase_name(node.phase()) +
             " leader=" + node.leader_epoch().str());
  }
  if (const auto& board = node.leaderboard(); board && board->result != board_logged_) {
    board_logged_ = board->result;
    std::string top;
    for (const wire::BoardEntry& e : board->top) {
      top += (top.empty() ? "" : ",") + std::string(e.name.view()) + ":" + std::to_string(e.wins);
    }
    line(mono_us, "leaderboard",
         "room=" + std::to_string(board->room) + " result=" + std::to_string(board->result) +
             " you=" + std::string(board->you.name.view()) + " matches=" +
             std::to_string(board->you.matches) + " wins=" + std::to_string(board->you.wins) +
             " best=" + std::to_string(board->you.best) + " top=" + top);
  }
  const wire::RoomState* shown = node.shown();
  if (shown == nullptr || node.shown_position() == position_) return;
  const Epoch previous_epoch = position_.epoch;
  position_ = node.shown_position();
  const std::string where = "room=" + std::to_string(shown->room) +
                            " epoch=" + position_.epoch.str() +
                            " seq=" + std::to_string(position_.seq);

  if (shown->room != room_) {
    room_ = shown->room;
    room_phase_.reset();
    score_left_ = shown->score_left;
    score_right_ = shown->score_right;
    result_logged_ = false;
    line(mono_us, "join",
         where + " name=" + std::string(shown->name.view()) + " slot=" +
             slot_name(shown->your_slot) + " leader_control=" + shown->leader_control.str() +
             " score=" + score_str(shown->score_left, shown->score_right));
  } else if (!previous_epoch.is_none() && position_.epoch != previous_epoch) {
    // The first state from a new leader: the end of a failover as this player sees it.
    line(mono_us, "rehome",
         where + " leader=" + position_.epoch.leader.short_str() +
             " leader_control=" + shown->leader_control.str() +
             " score=" + score_str(shown->score_left, shown->score_right));
  }
  if (room_phase_ != shown->phase) {
    room_phase_ = shown->phase;
    line(mono_us, "phase",
         where + " phase=" + room_phase_name(shown->phase) +
             " score=" + score_str(shown->score_left, shown->score_right));
  }
  if (shown->score_left != score_left_ || shown->score_right != score_right_) {
    score_left_ = shown->score_left;
    score_right_ = shown->score_right;
    line(mono_us, "score", where + " score=" + score_str(score_left_, score_right_));
  }
  if (const auto& result = node.result(); result && !result_logged_) {
    result_logged_ = true;
    line(mono_us, "game-over",
         where + " winner=" + slot_name(result->winner_slot) + " my_slot=" +
             slot_name(result->my_slot) + " result=" + (result->won() ? "won" : "lost") +
             " score=" + score_str(result->score_left, result->score_right));
  }
}

}  // namespace dp
