#include "sim/run/race_matches.h"

#include <algorithm>

namespace dp::sim {
namespace {

std::string scores_str(const wire::RaceState& st) {
  std::string out;
  for (const wire::RaceRacer& r : st.racers) {
    if ((r.flags & wire::RaceRacer::kRacing) == 0) continue;
    if (!out.empty()) out += "-";
    out += std::to_string(r.score);
  }
  return out;
}

}  // namespace

RaceMatches::RaceMatches(RunContext& run, InvariantObserver& invariants)
    : run_(run),
      invariants_(invariants),
      detailed_(run.scenario.players() <= kMaxDetailedClients),
      clients_(run.scenario.clients.size()) {}

void RaceMatches::client_step(TimeUs now, HostIndex h) {
  const ClientNode* c = run_.client(h);
  if (c == nullptr || c->config().game != Game::kRacing || c->shown_race() == nullptr) return;
  const int n = run_.client_number(h);
  ClientTrack& t = clients_[static_cast<std::size_t>(n - 1)];
  if (c->states_accepted() == t.states_seen) return;
  t.states_seen = c->states_accepted();
  const wire::RaceState& st = *c->shown_race();
  check_traffic(now, h, st);
  const RoomKey key{c->stats().clusters_changed, st.room};
  RaceTrack& race = races_[key];
  race.summary.room = st.room;
  race.summary.cluster = key.first;
  const bool racer = st.your_slot < wire::kRaceSlots;
  if (racer && t.room != key) {
    t.room = key;
    if (std::find(race.summary.racers.begin(), race.summary.racers.end(), n) ==
        race.summary.racers.end()) {
      race.summary.racers.push_back(n);
      race.summary.slots.push_back(st.your_slot);
      if (detailed_) {
        run_.match_note(now, run_.client_name(h) + " (skill " +
                                 std::to_string(run_.result.hosts[h].skill_percent) +
                                 ") sits in race room " + std::to_string(st.room) + " as racer " +
                                 std::to_string(st.your_slot + 1));
      }
    }
  }
  if (!race.go_reported && st.phase == static_cast<std::uint8_t>(racing::Phase::kRacing)) {
    race.go_reported = true;
    if (detailed_) {
      run_.match_note(now, "race room " + std::to_string(st.room) + ": GO at race tick " +
                               std::to_string(st.tick) + " (as " + run_.client_name(h) +
                               " saw it)");
    }
  }
  const bool over = st.phase == static_cast<std::uint8_t>(racing::Phase::kGameOver) ||
                    st.phase == static_cast<std::uint8_t>(racing::Phase::kClosed);
  if (racer && over && st.winner != 0 && race.results.count(n) == 0) {
    race.results.emplace(n, st);
    report_result(now, race, st);
  }
}

void RaceMatches::check_traffic(TimeUs now, HostIndex h, const wire::RaceState& st) {
  if (st.phase != static_cast<std::uint8_t>(racing::Phase::kRacing) &&
      st.phase != static_cast<std::uint8_t>(racing::Phase::kGameOver)) {
    return;
  }
  auto it = traffic_.try_emplace(st.seed, st.seed).first;
  const std::uint64_t expected = it->second.digest_at(st.tick);
  if (expected != st.traffic_digest) {
    invariants_.violate(Invariant::kRaceTraffic,
                        run_.client_name(h) + " was shown other traffic in race room " +
                            std::to_string(st.room) + " at race tick " + std::to_string(st.tick) +
                            " (at " + RunContext::seconds_str(now) + ")");
  }
}

void RaceMatches::report_result(TimeUs now, RaceTrack& race, const wire::RaceState& st) {
  if (race.over_reported) return;
  race.over_reported = true;
  std::string text =
      "race room " + std::to_string(st.room) + ": RACE OVER " + scores_str(st) + ", ";
  if (st.winner == wire::RaceState::kDrawWinner) {
    text += "a draw";
  } else {
    text += "racer " + std::to_string(st.winner) + " (" +
            std::string(st.racers[st.winner - 1u].name.view()) + ") wins";
  }
  if (detailed_) run_.match_note(now, text);
}

void RaceMatches::finish() {
  Figures& f = run_.result.figures;
  for (auto& [key, race] : races_) {
    RaceSummary s = race.summary;
    // Finished when every racer seen in the room accepted the same committed result.
    const wire::RaceState* first = nullptr;
    bool same = !race.results.empty() && race.results.size() == s.racers.size();
    for (const auto& [client, st] : race.results) {
      if (first == nullptr) {
        first = &st;
        continue;
      }
      same = same && st.winner == first->winner && scores_str(st) == scores_str(*first);
    }
    if (same && first != nullptr) {
      s.finished = true;
      s.winner = first->winner;
      for (const wire::RaceRacer& r : first->racers) s.scores.push_back(r.score);
      ++f.races_finished;
    }
    f.races.push_back(s);
  }
}

}  // namespace dp::sim
