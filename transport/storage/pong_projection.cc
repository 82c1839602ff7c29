// The tables people and tools read (results, players), kept in step with Pong's durable
// records: a result record stored is a result row; a player record stored updates that
// player's row. Other services' records have no projection.
#include <sqlite3.h>

#include "core/services/pong/book.h"
#include "core/services/pong/leaderboard.h"
#include "core/wire/message_types.h"
#include "transport/storage/sql.h"
#include "transport/storage/sqlite_store.h"
#include "transport/storage/statement.h"

namespace dp::storage {

std::string Store::project(const OutRecord& r, std::span<const std::uint8_t> value) {
  if (r.erase || r.key.service != wire::kPongService) return {};
  ByteReader reader(value);
  if (r.key.table == pong::RoomBook::kResultTable) {
    pong::MatchResult result;
    if (!pong::Leaderboard::get_result(reader, result)) return {};  // Not ours to judge here.
    Statement s(db_, sql::kPutResult);
    if (!s.ok()) return error("prepare a result row");
    s.bind(1, static_cast<std::int64_t>(result.number))
        .bind(2, std::string_view("pong"))
        .bind(3, std::int64_t{result.room})
        .bind(4, result.room_name.view())
        .bind(5, result.players[0].view())
        .bind(6, result.players[1].view())
        .bind(7, std::int64_t{result.score.left})
        .bind(8, std::int64_t{result.score.right})
        .bind(9, std::string_view(result.winner == 0 ? "left" : "right"));
    return s.step() == SQLITE_DONE ? std::string() : error("write a result row");
  }
  if (r.key.table == pong::RoomBook::kMetaTable && r.key.key == 1) {
    // The cluster's identity: the epoch that founded its state (RoomBook::identity).
    Epoch founding;
    founding.term = reader.get<std::uint64_t>();
    founding.leader.hi = reader.get<std::uint64_t>();
    founding.leader.lo = reader.get<std::uint64_t>();
    if (reader.failed() || founding.is_none()) return {};
    return put_meta("cluster_identity", cluster_identity_text(founding));
  }
  if (r.key.table == pong::RoomBook::kPlayerTable) {
    pong::PlayerStats player;
    if (!pong::Leaderboard::get_player(reader, player)) return {};
    Statement s(db_, sql::kPutPlayer);
    if (!s.ok()) return error("prepare a player row");
    s.bind(1, player.name.view())
        .bind(2, std::int64_t{player.matches})
        .bind(3, std::int64_t{player.wins})
        .bind(4, std::int64_t{player.points})
        .bind(5, std::int64_t{player.best});
    return s.step() == SQLITE_DONE ? std::string() : error("write a player row");
  }
  return {};
}

}  // namespace dp::storage
