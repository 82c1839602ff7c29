// What pong-client logs: one line per change a player or a test cares about (joined a room,
// phase, score, a new leader, game over), each stamped with CLOCK_MONOTONIC microseconds.
//
// The monotonic stamp is what lets an end-to-end test measure failover across processes:
// the test reads the same clock when it kills a leader, and the first "rehome" line after
// that moment is when this player saw the game resume. Lines look like
//   mono_us=123456789 event=score room=1 score=2-1 epoch=3/1a2b3c4d
// and are written by the client's event-loop thread only (Logger is single-threaded).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/client/client_node.h"
#include "transport/logger.h"

namespace dp {

// CLOCK_MONOTONIC in microseconds (std::chrono::steady_clock on Linux).
TimeUs monotonic_now_us();

class ClientLog {
 public:
  explicit ClientLog(Logger& logger) : logger_(logger) {}

  // Compares the node with what was last logged and logs each change, stamped `mono_us`.
  void observe(const ClientNode& node, TimeUs mono_us);
  // One free-form line: "mono_us=<mono_us> event=<event> <details>".
  void line(TimeUs mono_us, std::string_view event, std::string_view details);

 private:
  Logger& logger_;
  std::optional<ClientPhase> client_phase_;
  StatePosition position_;
  std::uint32_t room_ = 0;
  std::optional<std::uint8_t> room_phase_;
  std::string score_;  // As last logged: "2-1" (Pong), or every racer's score "12-9-0".
  bool result_logged_ = false;
  NodeId watched_;                  // A spectator's server, as last logged.
  std::uint64_t board_logged_ = 0;  // The result number of the last leaderboard logged.
};

// "waiting", "countdown", "playing", "game-over", "closed" or "?".
const char* room_phase_name(std::uint8_t phase);

}  // namespace dp
