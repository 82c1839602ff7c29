#include "core/services/racing/board.h"

#include <algorithm>

#include "core/services/racing/name_codec.h"

namespace dp::racing {

RaceBoard::Change RaceBoard::record(const RaceResult& in) {
  Change change;
  RaceResult result = in;
  result.number = ++recorded_;
  change.result = result.number;
  results_.push_back(result);
  if (results_.size() > kMaxResults) {
    change.evicted_result = results_.front().number;
    results_.pop_front();
  }
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    const wire::PlayerName& name = result.racers[slot];
    if (name.size() == 0) continue;
    RacerStats& p = players_[name];
    p.name = name;
    ++p.races;
    if (result.winner == slot) ++p.wins;
    p.best = std::max(p.best, result.scores[slot]);
    p.last_result = result.number;
  }
  while (players_.size() > kMaxPlayers) {
    auto oldest = std::min_element(
        players_.begin(), players_.end(),
        [](const auto& a, const auto& b) { return a.second.last_result < b.second.last_result; });
    change.evicted_players.push_back(oldest->first);
    players_.erase(oldest);
  }
  return change;
}

const RacerStats* RaceBoard::find(const wire::PlayerName& name) const {
  const auto it = players_.find(name);
  return it == players_.end() ? nullptr : &it->second;
}

std::vector<RacerStats> RaceBoard::top(std::size_t n) const {
  std::vector<RacerStats> all;
  all.reserve(players_.size());
  for (const auto& [name, p] : players_) all.push_back(p);
  const auto better = [](const RacerStats& a, const RacerStats& b) {
    if (a.best != b.best) return a.best > b.best;
    if (a.wins != b.wins) return a.wins > b.wins;
    return a.name < b.name;
  };
  const std::size_t k = std::min(n, all.size());
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(k), all.end(), better);
  all.resize(k);
  return all;
}

void RaceBoard::put_result(ByteWriter& w, const RaceResult& result) {
  w.put(result.number);
  w.put(result.room);
  for (const auto& name : result.racers) put_name(w, name.view());
  for (const std::uint16_t s : result.scores) w.put(s);
  w.put(result.winner);
}

bool RaceBoard::get_result(ByteReader& r, RaceResult& result) {
  result.number = r.get<std::uint64_t>();
  result.room = r.get<std::uint32_t>();
  for (auto& name : result.racers) {
    if (!get_name(r, wire::kPlayerNameMax, name)) return false;
  }
  for (std::uint16_t& s : result.scores) s = r.get<std::uint16_t>();
  result.winner = r.get<std::uint8_t>();
  if (r.failed() || result.number == 0) return false;
  for (const std::uint16_t s : result.scores) {
    if (s > kMaxScore) return false;
  }
  return result.winner == kDraw || result.winner < kMaxRacers;
}

void RaceBoard::put_player(ByteWriter& w, const RacerStats& p) {
  put_name(w, p.name.view());
  w.put(p.races);
  w.put(p.wins);
  w.put(p.best);
  w.put(p.last_result);
}

bool RaceBoard::get_player(ByteReader& r, RacerStats& p) {
  if (!get_name(r, wire::kPlayerNameMax, p.name)) return false;
  p.races = r.get<std::uint32_t>();
  p.wins = r.get<std::uint32_t>();
  p.best = r.get<std::uint16_t>();
  p.last_result = r.get<std::uint64_t>();
  return !r.failed() && p.name.size() > 0 && p.wins <= p.races && p.best <= kMaxScore;
}

void RaceBoard::save(ByteWriter& w) const {
  w.put(recorded_);
  w.put(static_cast<std::uint32_t>(results_.size()));
  for (const RaceResult& result : results_) put_result(w, result);
  w.put(static_cast<std::uint32_t>(players_.size()));
  for (const auto& [name, p] : players_) put_player(w, p);
}

bool RaceBoard::load(ByteReader& r) {
  const auto recorded = r.get<std::uint64_t>();
  const auto result_count = r.get<std::uint32_t>();
  if (r.failed() || result_count > kMaxResults) return false;
  std::vector<RaceResult> results(result_count);
  for (RaceResult& result : results) {
    if (!get_result(r, result)) return false;
  }
  const auto player_count = r.get<std::uint32_t>();
  if (r.failed() || player_count > kMaxPlayers || player_count > r.remaining()) return false;
  std::vector<RacerStats> players(player_count);
  for (RacerStats& p : players) {
    if (!get_player(r, p)) return false;
  }
  return restore(std::move(results), std::move(players), recorded);
}

bool RaceBoard::restore(std::vector<RaceResult> results, std::vector<RacerStats> players,
                        std::uint64_t recorded) {
  if (results.size() > kMaxResults || players.size() > kMaxPlayers) return false;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].number > recorded) return false;
    if (i > 0 && results[i].number <= results[i - 1].number) return false;
  }
  std::map<wire::PlayerName, RacerStats> by_name;
  for (RacerStats& p : players) {
    if (p.last_result > recorded) return false;
    if (!by_name.emplace(p.name, p).second) return false;
  }
  results_.assign(results.begin(), results.end());
  players_ = std::move(by_name);
  recorded_ = recorded;
  return true;
}

}  // namespace dp::racing
