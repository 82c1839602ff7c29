// A server's database (SQLite, in its data directory): its identity and terms, the services'
// durable records, and, for people and tools, every match result it stored and each
// player's record. The SQL is in sql.h; this class runs it.
//
// write() stores one step of the node (its persisted state, durable records and position) in
// one transaction, committed to the disk before it returns: the driver calls it before it
// sends the step's datagrams, so an acknowledgement never leaves ahead of what it promises.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/durable.h"
#include "core/common/outbox.h"
#include "core/common/result.h"
#include "core/common/types.h"

struct sqlite3;

namespace dp::storage {

struct ResultRow {
  std::int64_t number = 0;
  std::string game;
  std::int64_t room = 0;
  std::string room_name;
  std::string player_left;
  std::string player_right;
  std::int64_t score_left = 0;
  std::int64_t score_right = 0;
  std::string winner;  // "left" or "right".
  std::string recorded_at;
};

struct PlayerRow {
  std::string name;
  std::int64_t matches = 0;
  std::int64_t wins = 0;
  std::int64_t points = 0;
  std::int64_t best = 0;
};

// How a cluster's identity (the epoch that founded its state) is written in the database and
// in exported results: "<leader id, 32 hex digits>-<term>".
std::string cluster_identity_text(const Epoch& founding);

class Store {
 public:
  static constexpr const char* kFileName = "server.db";
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens <dir>/server.db, creating it and running the migrations unless read_only. Errors
  // name the file.
  static Result<std::unique_ptr<Store>, std::string> open(const std::string& dir,
                                                          bool read_only = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  int schema_version() const { return version_; }

  // The server's id, generated once (nullopt before the first start).
  Result<std::optional<NodeId>, std::string> server_id() const;
  std::string set_server_id(const NodeId& id);
  Result<PersistentState, std::string> persistent_state() const;
  Result<DurableState, std::string> durable_state() const;
  // One step's durable writes, committed before it returns; an empty string on success.
  std::string write(const Outbox& outbox);
  // An older server's terms (its state file), taken once into a database that has none.
  std::string import_state(const PersistentState& state);
  // The operator says this server replaces one whose data was lost (pong-server --replace).
  std::string mark_replacement();

  Result<std::vector<ResultRow>, std::string> last_results(int count) const;
  // Results numbered above `number`, oldest first, at most `count`.
  Result<std::vector<ResultRow>, std::string> results_after(std::int64_t number, int count) const;
  // The cluster's identity (cluster_identity_text), once its first leader named it.
  Result<std::optional<std::string>, std::string> cluster_identity() const;
  Result<std::vector<PlayerRow>, std::string> top_players(int count) const;

 private:
  Store(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::string migrate();
  std::string error(const std::string& what) const;
  Result<std::optional<std::string>, std::string> meta(const char* key) const;
  std::string put_meta(const char* key, const std::string& value);
  std::string put_persistent_state(const PersistentState& state);
  std::string put_record(const OutRecord& r, std::span<const std::uint8_t> value);
  std::string project(const OutRecord& r, std::span<const std::uint8_t> value);
  Result<std::vector<ResultRow>, std::string> read_results(
      std::string_view query, std::initializer_list<std::int64_t> args) const;

  sqlite3* db_;
  std::string path_;
  int version_ = 0;
};

}  // namespace dp::storage
