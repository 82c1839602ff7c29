// Runs one pong-client's network side: binds the client socket, drives a ClientNode with a
// NodeDriver on an asio::io_context, logs what the player sees (client_log.h), and ends
// after a match (--quit-after-match), on --timeout-s, or when asked.
//
// Threads: the node, driver, transport and logger live on the io_context's thread only.
// A headless client runs that loop on the caller's thread (run()); the SDL client runs it on
// a background thread (start_background()) and talks to it only through the thread-safe
// calls below: view() copies the shown state under a mutex, set_direction() is an atomic,
// and play_again()/quit() post work to the loop. That keeps the protocol code
// single-threaded, exactly as the simulator runs it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/client/client_node.h"
#include "core/common/result.h"
#include "transport/client_options.h"

namespace dp {

// One accepted state and when it arrived (CLOCK_MONOTONIC), for the renderer's interpolation.
// A racing client's state is the race's common part; `race` holds the whole race it came from.
struct TimedState {
  wire::RoomState state;
  StatePosition position;
  TimeUs arrived_mono_us = 0;
  std::optional<wire::RaceState> race;  // Racing only.
};

// What the client shows, copied out for another thread.
struct ClientView {
  std::uint64_t version = 0;  // Increases whenever anything below changes.
  Game game = Game::kPong;
  bool spectating = false;  // Watching a room: nothing the player does is sent.
  ClientPhase phase = ClientPhase::kDiscovering;
  Epoch leader_epoch;
  Endpoint leader_client;
  std::optional<FinalResult> result;
  std::optional<wire::LeaderboardState> leaderboard;  // Sent when our match ended.
  std::optional<wire::RaceBoardState> race_board;     // Sent when our race ended.
  // The newest accepted states, oldest first; at most kRecentStatesMax.
  std::vector<TimedState> recent;
  std::uint64_t rehomes = 0;
  bool ended = false;  // The session is over; the loop has stopped.
};

// Enough history to interpolate 1-2 ticks behind even when the renderer polls late.
constexpr std::size_t kRecentStatesMax = 16;
// How long a headless bot waits after game over before it asks for the next match.
constexpr TimeUs kPlayAgainDelayUs = 3 * kUsPerSecond;
// How long --quit-after-match lingers after game over, so the leader hears our Leave.
constexpr TimeUs kQuitLingerUs = 200 * kUsPerMs;
// How often the view and log are refreshed without a datagram (phase changes on timeouts).
constexpr TimeUs kRefreshIntervalUs = 50 * kUsPerMs;

// Exit codes of run() / exit_code().
constexpr int kClientExitOk = 0;
constexpr int kClientExitFailed = 1;   // Sockets could not be opened, or the loop failed.
constexpr int kClientExitTimeout = 3;  // --timeout-s elapsed before the session ended.

class ClientSession {
 public:
  // Opens the log file and binds the socket. Fails with a readable message.
  static Result<std::unique_ptr<ClientSession>, std::string> open(const ClientSetup& setup);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  // Runs the event loop on this thread until the session ends; returns the exit code.
  // Also ends on SIGINT/SIGTERM (exit 0).
  int run();
  // Runs the event loop on a background thread. Call once, instead of run().
  void start_background();

  // Thread-safe.
  ClientView view() const;
  // The player's paddle direction (-1 up, 0 still, +1 down); ignored with --bot.
  void set_direction(std::int8_t direction);
  void play_again();
  // Leaves the room, stops the loop and (for a background loop) joins its thread. Idempotent.
  void quit();
  int exit_code() const;
  // The broadcast address and port discovery goes to, e.g. "127.255.255.255:50000".
  std::string discovery_str() const;

 private:
  struct Impl;
  explicit ClientSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace dp
