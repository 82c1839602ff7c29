// Pong's leaderboard, part of the replicated (and durable) state: the last results and every
// player's record, built from the match-over entries every replica applies.
//
// Bounded: the last kMaxResults results (the oldest goes first) and kMaxPlayers players (the
// one who played least recently goes first). The disk keeps the same; a server's SQLite
// history of results (transport/storage) is the long record.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/common/byte_io.h"
#include "core/services/pong/score.h"
#include "core/wire/room_name.h"

namespace dp::pong {

struct MatchResult {
  std::uint64_t number = 0;  // 1, 2, ... in the order matches ended, on every replica.
  std::uint32_t room = 0;
  wire::RoomName room_name;
  wire::PlayerName players[2];  // Left, right.
  Score score;
  std::uint8_t winner = 0;  // Slot.
  bool operator==(const MatchResult&) const = default;
};

struct PlayerStats {
  wire::PlayerName name;
  std::uint32_t matches = 0;
  std::uint32_t wins = 0;
  std::uint32_t points = 0;
  std::uint8_t best = 0;          // Most points in one match.
  std::uint64_t last_result = 0;  // The number of the player's latest result.
  bool operator==(const PlayerStats&) const = default;
};

class Leaderboard {
 public:
  static constexpr std::size_t kMaxResults = 256;
  static constexpr std::size_t kMaxPlayers = 4096;

  // What one recorded result changed, for the durable records.
  struct Change {
    std::uint64_t result = 0;
    std::optional<std::uint64_t> evicted_result;
    std::vector<wire::PlayerName> evicted_players;
  };

  // Records a finished match; returns what changed.
  Change record(std::uint32_t room, const wire::RoomName& room_name,
                const wire::PlayerName players[2], Score score, std::uint8_t winner);

  const std::deque<MatchResult>& results() const { return results_; }  // Oldest first.
  const std::map<wire::PlayerName, PlayerStats>& players() const { return players_; }
  const PlayerStats* find(const wire::PlayerName& name) const;
  // The best n players: most wins, then most points, then name.
  std::vector<PlayerStats> top(std::size_t n) const;
  std::uint64_t results_recorded() const { return recorded_; }

  // Canonical encodings (snapshots and durable records).
  void save(ByteWriter& w) const;
  bool load(ByteReader& r);
  static void put_result(ByteWriter& w, const MatchResult& result);
  static bool get_result(ByteReader& r, MatchResult& result);
  static void put_player(ByteWriter& w, const PlayerStats& player);
  static bool get_player(ByteReader& r, PlayerStats& player);
  // Replaces everything (records read back from disk); false, and nothing changed, when they
  // are inconsistent (too many, results not in number order or players not in name order,
  // numbers past `recorded`).
  bool restore(std::vector<MatchResult> results, std::vector<PlayerStats> players,
               std::uint64_t recorded);

  bool operator==(const Leaderboard&) const = default;

 private:
  std::deque<MatchResult> results_;
  std::map<wire::PlayerName, PlayerStats> players_;
  std::uint64_t recorded_ = 0;
};

}  // namespace dp::pong
