#include "transport/leaderboard_command.h"

#include <algorithm>
#include <filesystem>

#include "core/services/racing/book.h"
#include "core/wire/message_types.h"
#include "transport/storage/data_dir.h"
#include "transport/storage/sqlite_store.h"

namespace dp {
namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The racing leaderboard as the server's durable racing records hold it (the replicated
// RaceBoard: every racer's record and the last results).
Result<racing::RaceBook, std::string> racing_book(const storage::Store& store) {
  using R = Result<racing::RaceBook, std::string>;
  const auto durable = store.durable_state();
  if (!durable) return R::failure(durable.error());
  std::vector<StoredRecord> mine;
  for (const StoredRecord& r : durable->records) {
    if (r.key.service == wire::kRacingService) mine.push_back(r);
  }
  racing::RaceBook book;
  if (!book.load_records(mine)) return R::failure("the racing records do not decode");
  return book;
}

std::string race_scores(const racing::RaceResult& r) {
  std::string out;
  for (std::size_t i = 0; i < r.racers.size(); ++i) {
    if (r.racers[i].empty()) continue;
    out += (out.empty() ? "" : ", ") + std::string(r.racers[i].view()) + " " +
           std::to_string(r.scores[i]);
  }
  return out;
}

}  // namespace

int print_leaderboard(const LeaderboardOptions& options, std::ostream& out, std::ostream& err) {
  const std::string dir = options.data_dir.empty()
                              ? storage::DataDir::default_base() + "/server-50010"
                              : options.data_dir;
  if (!std::filesystem::exists(dir + "/" + storage::Store::kFileName)) {
    err << "pong-server leaderboard: no database in " << dir << " (give the server's --data-dir)\n";
    return 1;
  }
  const auto store = storage::Store::open(dir, /*read_only=*/true);
  if (!store) {
    err << "pong-server leaderboard: " << store.error() << "\n";
    return 1;
  }
  const auto players = (*store)->top_players(options.top);
  const auto results = (*store)->last_results(options.results);
  const auto cluster = (*store)->cluster_identity();
  if (!players || !results || !cluster) {
    err << "pong-server leaderboard: "
        << (!players ? players.error() : (!results ? results.error() : cluster.error())) << "\n";
    return 1;
  }
  const auto races = racing_book(**store);
  if (!races) {
    err << "pong-server leaderboard: " << races.error() << "\n";
    return 1;
  }
  const auto racers = races->board().top(static_cast<std::size_t>(std::max(options.top, 0)));
  const auto& race_results = races->board().results();
  const std::string identity = cluster->value_or("");
  if (options.json) {
    out << "{\"database\":" << json_string((*store)->path())
        << ",\"cluster\":" << (identity.empty() ? "null" : json_string(identity))
        << ",\"players\":[";
    for (std::size_t i = 0; i < players->size(); ++i) {
      const storage::PlayerRow& p = (*players)[i];
      out << (i ? "," : "") << "{\"name\":" << json_string(p.name) << ",\"matches\":" << p.matches
          << ",\"wins\":" << p.wins << ",\"points\":" << p.points << ",\"best\":" << p.best << "}";
    }
    out << "],\"results\":[";
    for (std::size_t i = 0; i < results->size(); ++i) {
      const storage::ResultRow& r = (*results)[i];
      out << (i ? "," : "") << "{\"number\":" << r.number << ",\"game\":" << json_string(r.game)
          << ",\"room\":" << r.room << ",\"room_name\":" << json_string(r.room_name)
          << ",\"players\":[" << json_string(r.player_left) << "," << json_string(r.player_right)
          << "],\"score\":[" << r.score_left << "," << r.score_right
          << "],\"winner\":" << json_string(r.winner)
          << ",\"recorded_at\":" << json_string(r.recorded_at) << "}";
    }
    out << "],\"racers\":[";
    for (std::size_t i = 0; i < racers.size(); ++i) {
      const racing::RacerStats& p = racers[i];
      out << (i ? "," : "") << "{\"name\":" << json_string(std::string(p.name.view()))
          << ",\"races\":" << p.races << ",\"wins\":" << p.wins << ",\"best\":" << p.best << "}";
    }
    out << "],\"race_results\":[";
    const std::size_t shown =
        std::min(race_results.size(), static_cast<std::size_t>(std::max(options.results, 0)));
    for (std::size_t i = 0; i < shown; ++i) {
      const racing::RaceResult& r = race_results[race_results.size() - 1 - i];
      out << (i ? "," : "") << "{\"number\":" << r.number << ",\"room\":" << r.room
          << ",\"scores\":" << json_string(race_scores(r)) << ",\"winner\":"
          << json_string(r.winner == racing::kDraw ? std::string("draw")
                                                   : std::string(r.racers[r.winner].view()))
          << "}";
    }
    out << "]}\n";
    return 0;
  }
  out << "Leaderboard (" << (*store)->path() << ")\n";
  if (!identity.empty()) out << "cluster " << identity << "\n";
  if (players->empty()) out << "  no player has finished a match yet\n";
  int rank = 0;
  for (const storage::PlayerRow& p : *players) {
    out << "  " << ++rank << ". " << p.name << ": " << p.wins << " wins in " << p.matches
        << " matches, " << p.points << " points, best " << p.best << "\n";
  }
  if (options.results > 0) {
    out << "\nLast results\n";
    if (results->empty()) out << "  none yet\n";
    for (const storage::ResultRow& r : *results) {
      out << "  #" << r.number << " " << r.recorded_at << "  " << r.game << " room " << r.room;
      if (!r.room_name.empty()) out << " (" << r.room_name << ")";
      out << ": " << r.player_left << " " << r.score_left << "-" << r.score_right << " "
          << r.player_right << ", " << (r.winner == "left" ? r.player_left : r.player_right)
          << " wins\n";
    }
  }
  out << "\nRacing: best scores\n";
  if (racers.empty()) out << "  no racer has finished a race yet\n";
  rank = 0;
  for (const racing::RacerStats& p : racers) {
    out << "  " << ++rank << ". " << std::string(p.name.view()) << ": best " << p.best << ", "
        << p.wins << " wins in " << p.races << " races\n";
  }
  if (options.results > 0 && !race_results.empty()) {
    out << "\nLast races\n";
    const std::size_t shown =
        std::min(race_results.size(), static_cast<std::size_t>(options.results));
    for (std::size_t i = 0; i < shown; ++i) {
      const racing::RaceResult& r = race_results[race_results.size() - 1 - i];
      out << "  race #" << r.number << " room " << r.room << ": " << race_scores(r) << ", "
          << (r.winner == racing::kDraw ? std::string("a draw")
                                        : std::string(r.racers[r.winner].view()) + " wins")
          << "\n";
    }
  }
  return 0;
}

}  // namespace dp
