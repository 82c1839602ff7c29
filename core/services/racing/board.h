// The racing leaderboard, part of the replicated (and durable) state: the last results and
// every racer's record (races, wins, best score), built from the race-over entries every
// replica applies.
//
// Bounded: the last kMaxResults results and kMaxPlayers players (the one who raced least
// recently goes first).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "core/common/byte_io.h"
#include "core/services/racing/race.h"
#include "core/wire/room_name.h"

namespace dp::racing {

struct RaceResult {
  std::uint64_t number = 0;  // 1, 2, ... in the order races ended, on every replica.
  std::uint32_t room = 0;
  std::array<wire::PlayerName, kMaxRacers> racers{};  // Empty where no one raced.
  std::array<std::uint16_t, kMaxRacers> scores{};
  std::uint8_t winner = kDraw;  // A slot or kDraw.
  bool operator==(const RaceResult&) const = default;
};

struct RacerStats {
  wire::PlayerName name;
  std::uint32_t races = 0;
  std::uint32_t wins = 0;
  std::uint16_t best = 0;  // Highest score in one race.
  std::uint64_t last_result = 0;
  bool operator==(const RacerStats&) const = default;
};

class RaceBoard {
 public:
  static constexpr std::size_t kMaxResults = 256;
  static constexpr std::size_t kMaxPlayers = 4096;

  struct Change {
    std::uint64_t result = 0;
    std::optional<std::uint64_t> evicted_result;
    std::vector<wire::PlayerName> evicted_players;
  };
  Change record(const RaceResult& result);

  const std::deque<RaceResult>& results() const { return results_; }
  const std::map<wire::PlayerName, RacerStats>& players() const { return players_; }
  const RacerStats* find(const wire::PlayerName& name) const;
  // The best n racers: highest best score, then most wins, then name.
  std::vector<RacerStats> top(std::size_t n) const;
  std::uint64_t results_recorded() const { return recorded_; }

  void save(ByteWriter& w) const;
  bool load(ByteReader& r);
  static void put_result(ByteWriter& w, const RaceResult& result);
  static bool get_result(ByteReader& r, RaceResult& result);
  static void put_player(ByteWriter& w, const RacerStats& player);
  static bool get_player(ByteReader& r, RacerStats& player);
  // Replaces everything (records read back from disk); false, and nothing changed, when they
  // are inconsistent.
  bool restore(std::vector<RaceResult> results, std::vector<RacerStats> players,
               std::uint64_t recorded);

  bool operator==(const RaceBoard&) const = default;

 private:
  std::deque<RaceResult> results_;
  std::map<wire::PlayerName, RacerStats> players_;
  std::uint64_t recorded_ = 0;
};

}  // namespace dp::racing
