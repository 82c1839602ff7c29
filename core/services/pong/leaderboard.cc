#include "core/services/pong/leaderboard.h"

#include <algorithm>

namespace dp::pong {
namespace {

template <std::size_t N>
void put_name(ByteWriter& w, const wire::FixedString<N>& name) {
  w.put(static_cast<std::uint8_t>(name.size()));
  for (const char c : name.view()) w.put(static_cast<std::uint8_t>(c));
}

template <std::size_t N>
bool get_name(ByteReader& r, wire::FixedString<N>& name) {
  const auto size = r.get<std::uint8_t>();
  if (r.failed() || size > N) return false;
  const auto bytes = r.get_bytes(size);
  name = wire::FixedString<N>{};
  if (!bytes.empty()) name.assign({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  return !r.failed() && wire::valid_name(name.view());
}

}  // namespace

Leaderboard::Change Leaderboard::record(std::uint32_t room, const wire::RoomName& room_name,
                                        const wire::PlayerName players[2], Score score,
                                        std::uint8_t winner) {
  Change change;
  MatchResult result;
  result.number = ++recorded_;
  result.room = room;
  result.room_name = room_name;
  result.players[0] = players[0];
  result.players[1] = players[1];
  result.score = score;
  result.winner = winner;
  results_.push_back(result);
  change.result = result.number;
  if (results_.size() > kMaxResults) {
    change.evicted_result = results_.front().number;
    results_.pop_front();
  }
  const std::uint8_t points[2] = {score.left, score.right};
  for (int slot = 0; slot < 2; ++slot) {
    if (players[slot].empty()) continue;
    if (!players_.count(players[slot]) && players_.size() >= kMaxPlayers) {
      // The player who played least recently makes room (ties: by name).
      auto evicted = std::min_element(players_.begin(), players_.end(), [](auto& a, auto& b) {
        return a.second.last_result < b.second.last_result;
      });
      change.evicted_players.push_back(evicted->first);
      players_.erase(evicted);
    }
    PlayerStats& p = players_[players[slot]];
    p.name = players[slot];
    ++p.matches;
    if (winner == slot) ++p.wins;
    p.points += points[slot];
    p.best = std::max(p.best, points[slot]);
    p.last_result = result.number;
  }
  return change;
}

const PlayerStats* Leaderboard::find(const wire::PlayerName& name) const {
  auto it = players_.find(name);
  return it == players_.end() ? nullptr : &it->second;
}

std::vector<PlayerStats> Leaderboard::top(std::size_t n) const {
  std::vector<PlayerStats> all;
  all.reserve(players_.size());
  for (const auto& [name, p] : players_) all.push_back(p);
  const std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<long>(k), all.end(),
                    [](const PlayerStats& a, const PlayerStats& b) {
                      if (a.wins != b.wins) return a.wins > b.wins;
                      if (a.points != b.points) return a.points > b.points;
                      return a.name < b.name;
                    });
  all.resize(k);
  return all;
}

void Leaderboard::put_result(ByteWriter& w, const MatchResult& result) {
  w.put(result.number);
  w.put(result.room);
  put_name(w, result.room_name);
  put_name(w, result.players[0]);
  put_name(w, result.players[1]);
  w.put(result.score.left);
  w.put(result.score.right);
  w.put(result.winner);
}

bool Leaderboard::get_result(ByteReader& r, MatchResult& result) {
  result.number = r.get<std::uint64_t>();
  result.room = r.get<std::uint32_t>();
  if (!get_name(r, result.room_name) || !get_name(r, result.players[0]) ||
      !get_name(r, result.players[1])) {
    return false;
  }
  result.score.left = r.get<std::uint8_t>();
  result.score.right = r.get<std::uint8_t>();
  result.winner = r.get<std::uint8_t>();
  return !r.failed() && result.number != 0 && result.winner <= 1;
}

void Leaderboard::put_player(ByteWriter& w, const PlayerStats& player) {
  put_name(w, player.name);
  w.put(player.matches);
  w.put(player.wins);
  w.put(player.points);
  w.put(player.best);
  w.put(player.last_result);
}

bool Leaderboard::get_player(ByteReader& r, PlayerStats& player) {
  if (!get_name(r, player.name)) return false;
  player.matches = r.get<std::uint32_t>();
  player.wins = r.get<std::uint32_t>();
  player.points = r.get<std::uint32_t>();
  player.best = r.get<std::uint8_t>();
  player.last_result = r.get<std::uint64_t>();
  return !r.failed() && !player.name.empty() && player.wins <= player.matches &&
         player.matches > 0 && player.last_result != 0;
}

void Leaderboard::save(ByteWriter& w) const {
  w.put(recorded_);
  w.put(static_cast<std::uint32_t>(results_.size()));
  for (const MatchResult& result : results_) put_result(w, result);
  w.put(static_cast<std::uint32_t>(players_.size()));
  for (const auto& [name, p] : players_) put_player(w, p);
}

bool Leaderboard::load(ByteReader& r) {
  const auto recorded = r.get<std::uint64_t>();
  const auto result_count = r.get<std::uint32_t>();
  if (r.failed() || result_count > kMaxResults) return false;
  std::vector<MatchResult> results(result_count);
  for (MatchResult& result : results) {
    if (!get_result(r, result)) return false;
  }
  const auto player_count = r.get<std::uint32_t>();
  // Each player takes at least 22 bytes: the count is checked before anything is built.
  if (r.failed() || player_count > kMaxPlayers || player_count > r.remaining() / 22) return false;
  std::vector<PlayerStats> players(player_count);
  for (PlayerStats& p : players) {
    if (!get_player(r, p)) return false;
  }
  return restore(std::move(results), std::move(players), recorded);
}

bool Leaderboard::restore(std::vector<MatchResult> results, std::vector<PlayerStats> players,
                          std::uint64_t recorded) {
  if (results.size() > kMaxResults || players.size() > kMaxPlayers) return false;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].number > recorded || (i > 0 && results[i].number <= results[i - 1].number)) {
      return false;
    }
  }
  std::map<wire::PlayerName, PlayerStats> by_name;
  for (std::size_t i = 0; i < players.size(); ++i) {
    // In name order, each once: one state, one encoding.
    if (players[i].last_result > recorded || (i > 0 && !(players[i - 1].name < players[i].name))) {
      return false;
    }
    by_name.emplace_hint(by_name.end(), players[i].name, players[i]);
  }
  results_.assign(results.begin(), results.end());
  players_ = std::move(by_name);
  recorded_ = recorded;
  return true;
}

}  // namespace dp::pong
