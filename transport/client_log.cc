#include "transport/client_log.h"

#include "core/services/pong/score.h"

#include <chrono>

namespace dp {
namespace {

std::string score_str(std::uint8_t left, std::uint8_t right) {
  return pong::Score{left, right}.str();
}

// The score the player sees: Pong's left-right, or each racer's score in slot order.
std::string shown_score(const ClientNode& node) {
  if (const wire::RaceState* race = node.shown_race(); race != nullptr) {
    std::string out;
    for (const wire::RaceRacer& r : race->racers) {
      if ((r.flags & wire::RaceRacer::kRacing) == 0) continue;
      out += (out.empty() ? "" : "-") + std::to_string(r.score);
    }
    return out.empty() ? "0" : out;
  }
  const wire::RoomState* shown = node.shown();
  return shown == nullptr ? "0-0" : score_str(shown->score_left, shown->score_right);
}

// `winner`: the slot names a race's winner, where one past the racers means a draw (as
// FinalResult::winner_slot holds it); elsewhere that value is a spectator's.
std::string slot_name(const ClientNode& node, std::uint8_t slot, bool winner = false) {
  if (node.config().game == Game::kRacing) {
    if (winner && slot == wire::RaceState::kDrawWinner - 1) return "draw";
    return slot < wire::kRaceSlots ? "racer" + std::to_string(slot + 1) : "spectator";
  }
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
  if (node.config().spectate && node.watched() != watched_) {
    // A spectator's server: its first, or another after the one it watched fell silent.
    watched_ = node.watched();
    line(mono_us, "watch",
         "room=" + std::to_string(shown->room) + " server=" + watched_.short_str() +
             " server_control=" + shown->leader_control.str());
  }
  const Epoch previous_epoch = position_.epoch;
  position_ = node.shown_position();
  const std::string where = "room=" + std::to_string(shown->room) +
                            " epoch=" + position_.epoch.str() +
                            " seq=" + std::to_string(position_.seq);

  if (shown->room != room_) {
    room_ = shown->room;
    room_phase_.reset();
    score_ = shown_score(node);
    result_logged_ = false;
    line(mono_us, "join",
         where + " name=" + std::string(shown->name.view()) +
             " slot=" + slot_name(node, shown->your_slot) +
             " leader_control=" + shown->leader_control.str() + " score=" + shown_score(node));
  } else if (!previous_epoch.is_none() && position_.epoch != previous_epoch) {
    // The first state from a new leader: the end of a failover as this player sees it.
    line(mono_us, "rehome",
         where + " leader=" + position_.epoch.leader.short_str() +
             " leader_control=" + shown->leader_control.str() + " score=" + shown_score(node));
  }
  if (room_phase_ != shown->phase) {
    room_phase_ = shown->phase;
    line(mono_us, "phase",
         where + " phase=" + room_phase_name(shown->phase) + " score=" + shown_score(node));
  }
  if (const std::string score = shown_score(node); score != score_) {
    score_ = score;
    line(mono_us, "score", where + " score=" + score_);
  }
  if (const auto& result = node.result(); result && !result_logged_) {
    result_logged_ = true;
    line(mono_us, "game-over",
         where + " winner=" + slot_name(node, result->winner_slot, true) +
             " my_slot=" + slot_name(node, result->my_slot) +
             " result=" + (result->won() ? "won" : "lost") + " score=" +
             (node.config().game == Game::kRacing
                  ? shown_score(node)
                  : score_str(result->score_left, result->score_right)));
  }
}

}  // namespace dp
