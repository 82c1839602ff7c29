// Checkers for the match invariants and the client failover figure, kept apart from the
// runner so unit tests can feed them crafted histories (a violation must really be caught).
//
// Each checker keeps the first violation it sees, in words that name the server or client,
// the position and the simulated time, and never throws.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/client/client_node.h"
#include "core/common/types.h"
#include "core/services/pong/score.h"

namespace dp::sim {

// What one live server's rooms look like at one sampling instant.
struct ReplicaSample {
  int server = 0;  // Server number (1-based), for messages.
  Epoch synced_epoch;
  std::uint64_t applied_seq = 0;
  std::uint64_t digest = 0;
};

// "Replicas that applied the same prefix have identical state": any two samples (at the
// same instant or at different ones) with equal (synced epoch, applied seq) must have equal
// book digests. Remembers up to kMaxPositions positions, forgetting the oldest.
class ReplicaAgreementCheck {
 public:
  static constexpr std::size_t kMaxPositions = 1 << 16;

  // Returns false once a violation has been seen (now or earlier).
  bool add(TimeUs now, std::span<const ReplicaSample> samples);
  bool passed() const { return !violation_; }
  const std::string& detail() const;
  std::uint64_t positions_compared() const { return compared_; }

 private:
  struct Seen {
    std::uint64_t digest = 0;
    int server = 0;
    TimeUs at_us = 0;
  };
  std::map<std::pair<Epoch, std::uint64_t>, Seen> seen_;
  std::optional<std::string> violation_;
  std::uint64_t compared_ = 0;
};

// Everything one client has accepted, state by state: (epoch, seq) strictly increases, and
// within one room neither score ever decreases.
class ClientViewCheck {
 public:
  // `name` is used in messages, e.g. "client 3".
  explicit ClientViewCheck(std::string name = "client") : name_(std::move(name)) {}

  void on_state(TimeUs now, const StatePosition& position, std::uint32_t room, pong::Score score);
  // Enough servers have crashed since this client's score was first shown that every copy of
  // it (rooms are kept in memory only) may be gone, so a later state may legitimately show a
  // fresh room. Scores are compared anew from the first state that shows a different room or
  // score; states repeating the score a surviving copy still shows do not make it newer.
  void forget_scores() { forgotten_ = true; }
  // The client chose a cluster rebuilt from empty disks (another identity): its epochs and
  // room ids start again, so order and scores are checked afresh from its first state.
  void new_cluster() {
    any_ = false;
    room_ = 0;
  }
  // When the score now shown was first shown (or the room first seen).
  TimeUs score_shown_at() const { return score_at_; }
  // The room and score now shown.
  std::uint32_t room() const { return room_; }
  pong::Score score() const { return score_; }
  bool order_passed() const { return !order_violation_; }
  bool score_passed() const { return !score_violation_; }
  const std::optional<std::string>& order_violation() const { return order_violation_; }
  const std::optional<std::string>& score_violation() const { return score_violation_; }
  std::uint64_t states_checked() const { return states_; }

 private:
  std::string name_;
  bool any_ = false;
  StatePosition last_;
  std::uint32_t room_ = 0;
  pong::Score score_;
  bool forgotten_ = false;
  TimeUs score_at_ = 0;
  std::uint64_t states_ = 0;
  std::optional<std::string> order_violation_;
  std::optional<std::string> score_violation_;
};

// Failover as the players see it: from a leader fault until every client seated at that
// moment has accepted its first state from a newer epoch than the faulty leader's.
struct ClientFailover {
  TimeUs fault_at_us = 0;
  int server = 0;    // The faulty leader's number.
  std::string what;  // "crash" or "cut-inbound".
  Epoch old_epoch;
  int clients = 0;         // Seated clients at the fault.
  int rehomed = 0;         // Of those, how many have seen a newer leader.
  int finished_first = 0;  // Seated clients whose match ended before they re-homed.
  bool completed = false;  // Every seated client re-homed (or none was seated).
  TimeUs completed_at_us = 0;
  int last_client = 0;  // The client that re-homed last.
  TimeUs duration_us() const { return completed_at_us - fault_at_us; }
};

class ClientFailoverTracker {
 public:
  // At most this many faults are measured; later ones are counted in dropped().
  static constexpr std::size_t kMaxFaults = 1000;

  // A leader fault; `seated` lists the clients (1-based numbers) seated right now.
  void on_fault(TimeUs now, int server, std::string what, const Epoch& old_epoch,
                const std::vector<int>& seated);
  // Client `client` accepted a state from `epoch`.
  // `other_cluster`: the state is the first from a cluster rebuilt from empty disks, whose
  // epochs start again; it re-homes the client whatever its epoch.
  void on_state(TimeUs now, int client, const Epoch& epoch, bool other_cluster = false);
  // Client `client` finished its match (or was otherwise no longer seated).
  void on_unseated(TimeUs now, int client);

  const std::vector<ClientFailover>& failovers() const { return failovers_; }
  // The longest completed failover, if any.
  std::optional<TimeUs> max_us() const;
  std::uint64_t dropped() const { return dropped_; }

 private:
  void settle(std::size_t i, TimeUs now);
  std::vector<ClientFailover> failovers_;
  std::vector<std::map<int, bool>> waiting_;  // Per fault: client -> still waiting.
  std::uint64_t dropped_ = 0;
};

}  // namespace dp::sim
