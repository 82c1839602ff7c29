// Every SQL statement of a server's database, in one place: the schema with its migrations,
// and the statements the store runs. See sqlite_store.h for how they are used.
#pragma once

#include <array>
#include <string_view>

namespace dp::storage::sql {

// The schema, one migration per version: the database's user_version says how many ran.
// Never edit a shipped migration; append a new one.
inline constexpr std::array<std::string_view, 1> kMigrations = {
    // Version 1.
    R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- The services' durable state (core/common/durable.h): (service, table, key) -> value. A key
-- is the record's unsigned 64-bit key stored with the same bits as a signed integer.
CREATE TABLE records (
  service INTEGER NOT NULL,
  tbl     INTEGER NOT NULL,
  key     INTEGER NOT NULL,
  value   BLOB NOT NULL,
  PRIMARY KEY (service, tbl, key)
) WITHOUT ROWID;
-- Every match result this server stored, for people and tools (sqlite3, the leaderboard
-- command); never deleted. The replicated leaderboard keeps only the last results.
CREATE TABLE results (
  number       INTEGER PRIMARY KEY,
  game         TEXT NOT NULL,
  room         INTEGER NOT NULL,
  room_name    TEXT NOT NULL,
  player_left  TEXT NOT NULL,
  player_right TEXT NOT NULL,
  score_left   INTEGER NOT NULL,
  score_right  INTEGER NOT NULL,
  winner       TEXT NOT NULL,
  recorded_at  TEXT NOT NULL
);
-- Each player's record as the replicated leaderboard last held it.
CREATE TABLE players (
  name    TEXT PRIMARY KEY,
  matches INTEGER NOT NULL,
  wins    INTEGER NOT NULL,
  points  INTEGER NOT NULL,
  best    INTEGER NOT NULL
);
)sql",
};

// WAL: readers (the leaderboard command) never block the server. synchronous = FULL: a
// transaction is on the disk when COMMIT returns, which the server needs, since it
// acknowledges an entry right after storing it (NORMAL may lose the last transactions on a
// power cut). The busy timeout is set first, in Store::open.
inline constexpr std::string_view kOpenPragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

inline constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = ?1";
inline constexpr std::string_view kPutMeta =
    "INSERT INTO meta (key, value) VALUES (?1, ?2) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value";
inline constexpr std::string_view kAllRecords = "SELECT service, tbl, key, value FROM records";
inline constexpr std::string_view kPutRecord =
    "INSERT INTO records (service, tbl, key, value) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (service, tbl, key) DO UPDATE SET value = excluded.value";
inline constexpr std::string_view kEraseRecord =
    "DELETE FROM records WHERE service = ?1 AND tbl = ?2 AND key = ?3";
inline constexpr std::string_view kEraseAllRecords = "DELETE FROM records";
inline constexpr std::string_view kPutResult =
    "INSERT OR IGNORE INTO results (number, game, room, room_name, player_left, player_right, "
    "score_left, score_right, winner, recorded_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
inline constexpr std::string_view kPutPlayer =
    "INSERT INTO players (name, matches, wins, points, best) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (name) DO UPDATE SET matches = excluded.matches, wins = excluded.wins, "
    "points = excluded.points, best = excluded.best";
inline constexpr std::string_view kLastResults =
    "SELECT number, game, room, room_name, player_left, player_right, score_left, score_right, "
    "winner, recorded_at FROM results ORDER BY number DESC LIMIT ?1";
inline constexpr std::string_view kResultsAfter =
    "SELECT number, game, room, room_name, player_left, player_right, score_left, score_right, "
    "winner, recorded_at FROM results WHERE number > ?1 ORDER BY number ASC LIMIT ?2";
inline constexpr std::string_view kTopPlayers =
    "SELECT name, matches, wins, points, best FROM players "
    "ORDER BY wins DESC, points DESC, name ASC LIMIT ?1";

// ---------------------------------------------------------------------------------------------
// The shared leaderboard in PostgreSQL (postgres_export.h). One row per result of any cluster,
// keyed by (cluster identity, result number): however many servers export the same result,
// and however often they retry, it lands once. Each server's progress is kept beside it, in
// the same transaction as the rows it covers.

namespace pg {

// Taken while the schema is created: servers starting together would otherwise race on
// CREATE TABLE IF NOT EXISTS (a unique violation in the catalogue).
inline constexpr const char* kSchemaLockKey = "727465";
inline constexpr const char* kCreateSchema = R"sql(
CREATE TABLE IF NOT EXISTS pong_results (
  cluster      TEXT        NOT NULL,
  number       BIGINT      NOT NULL,
  game         TEXT        NOT NULL,
  room         BIGINT      NOT NULL,
  room_name    TEXT        NOT NULL,
  player_left  TEXT        NOT NULL,
  player_right TEXT        NOT NULL,
  score_left   INTEGER     NOT NULL,
  score_right  INTEGER     NOT NULL,
  winner       TEXT        NOT NULL,
  recorded_at  TEXT        NOT NULL,
  exported_by  TEXT        NOT NULL,
  exported_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster, number)
);
CREATE TABLE IF NOT EXISTS pong_export_progress (
  cluster TEXT   NOT NULL,
  server  TEXT   NOT NULL,
  upto    BIGINT NOT NULL,
  PRIMARY KEY (cluster, server)
);
)sql";
inline constexpr const char* kProgress =
    "SELECT upto FROM pong_export_progress WHERE cluster = $1 AND server = $2";
inline constexpr const char* kPutResult =
    "INSERT INTO pong_results (cluster, number, game, room, room_name, player_left, "
    "player_right, score_left, score_right, winner, recorded_at, exported_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
    "ON CONFLICT (cluster, number) DO NOTHING";
inline constexpr const char* kPutProgress =
    "INSERT INTO pong_export_progress (cluster, server, upto) VALUES ($1, $2, $3) "
    "ON CONFLICT (cluster, server) DO UPDATE "
    "SET upto = GREATEST(pong_export_progress.upto, excluded.upto)";

}  // namespace pg

}  // namespace dp::storage::sql
