#include "transport/storage/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>

#include "transport/storage/sql.h"
#include "transport/storage/statement.h"

namespace dp::storage {
namespace {

std::string id_hex(const NodeId& id) { return id.str(); }

std::optional<std::uint64_t> parse_u64(const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<NodeId> parse_id(const std::string& text) {
  if (text.size() != 32) return std::nullopt;
  NodeId id;
  for (std::size_t i = 0; i < 32; ++i) {
    const char c = text[i];
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (d < 0) return std::nullopt;
    std::uint64_t& word = i < 16 ? id.hi : id.lo;
    word = (word << 4) | static_cast<std::uint64_t>(d);
  }
  return id;
}

}  // namespace

Result<std::unique_ptr<Store>, std::string> Store::open(const std::string& dir, bool read_only) {
  using R = Result<std::unique_ptr<Store>, std::string>;
  const std::string path = dir + "/" + kFileName;
  sqlite3* db = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return R::failure("cannot open " + path + ": " + why);
  }
  // Before anything touches the file: another process (sqlite3, the leaderboard command, a
  // restart racing a reader) may hold it for a moment, e.g. while it recovers the WAL after a
  // crash. Wait for it rather than fail.
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  std::unique_ptr<Store> store(new Store(db, path));
  if (!read_only) {
    char* message = nullptr;
    if (sqlite3_exec(db, std::string(sql::kOpenPragmas).c_str(), nullptr, nullptr, &message) !=
        SQLITE_OK) {
      std::string why = message != nullptr ? message : "?";
      sqlite3_free(message);
      return R::failure(path + ": " + why);
    }
    if (std::string e = store->migrate(); !e.empty()) return R::failure(e);
  } else {
    Statement version(db, "PRAGMA user_version");
    if (!version.ok() || version.step() != SQLITE_ROW) return R::failure(store->error("read"));
    store->version_ = static_cast<int>(version.int64(0));
    if (store->version_ == 0) return R::failure(path + ": not a pong-server database");
  }
  return store;
}

Store::~Store() { sqlite3_close(db_); }

std::string Store::error(const std::string& what) const {
  return path_ + ": " + what + ": " + sqlite3_errmsg(db_);
}

std::string Store::migrate() {
  Statement version(db_, "PRAGMA user_version");
  if (!version.ok() || version.step() != SQLITE_ROW) return error("read the schema version");
  version_ = static_cast<int>(version.int64(0));
  if (version_ > static_cast<int>(sql::kMigrations.size())) {
    return path_ + ": schema version " + std::to_string(version_) +
           " is newer than this pong-server knows (" + std::to_string(sql::kMigrations.size()) +
           "); use a newer pong-server";
  }
  while (version_ < static_cast<int>(sql::kMigrations.size())) {
    // Each migration and its version bump commit together.
    const std::string step = "BEGIN; " + std::string(sql::kMigrations[version_]) +
                             "; PRAGMA user_version = " + std::to_string(version_ + 1) +
                             "; COMMIT;";
    char* message = nullptr;
    if (sqlite3_exec(db_, step.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      std::string why = message != nullptr ? message : "?";
      sqlite3_free(message);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return path_ + ": migration to schema version " + std::to_string(version_ + 1) +
             " failed: " + why;
    }
    ++version_;
  }
  return {};
}

Result<std::optional<std::string>, std::string> Store::meta(const char* key) const {
  using R = Result<std::optional<std::string>, std::string>;
  Statement get(db_, sql::kGetMeta);
  if (!get.ok()) return R::failure(error("read meta"));
  get.bind(1, std::string_view(key));
  const int rc = get.step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return R::failure(error(std::string("read meta ") + key));
  return std::optional<std::string>(get.text(0));
}

std::string Store::put_meta(const char* key, const std::string& value) {
  Statement put(db_, sql::kPutMeta);
  if (!put.ok()) return error("write meta");
  put.bind(1, std::string_view(key)).bind(2, std::string_view(value));
  return put.step() == SQLITE_DONE ? std::string() : error(std::string("write meta ") + key);
}

Result<std::optional<NodeId>, std::string> Store::server_id() const {
  using R = Result<std::optional<NodeId>, std::string>;
  const auto text = meta("server_id");
  if (!text) return R::failure(text.error());
  if (!*text) return std::optional<NodeId>();
  const auto id = parse_id(**text);
  if (!id || id->is_nil()) return R::failure(path_ + ": meta server_id is not a 32-digit hex id");
  return std::optional<NodeId>(*id);
}

std::string Store::set_server_id(const NodeId& id) { return put_meta("server_id", id_hex(id)); }

Result<PersistentState, std::string> Store::persistent_state() const {
  using R = Result<PersistentState, std::string>;
  PersistentState state;
  auto number = [&](const char* key, std::uint64_t& out) -> std::string {
    const auto text = meta(key);
    if (!text) return text.error();
    if (!*text) return {};
    const auto v = parse_u64(**text);
    if (!v) return path_ + ": meta " + key + " is not a number: '" + **text + "'";
    out = *v;
    return {};
  };
  std::uint64_t peers = 0;
  std::uint64_t replacement = 0;
  for (auto [key, out] :
       {std::pair{"highest_term", &state.highest_term},
        std::pair{"last_epoch_term", &state.last_epoch.term}, std::pair{"peers_known", &peers},
        std::pair{"replacement", &replacement}}) {
    if (std::string e = number(key, *out); !e.empty()) return R::failure(e);
  }
  state.peers_known = static_cast<std::uint32_t>(std::min<std::uint64_t>(peers, 1u << 20));
  if (replacement > 1) {
    return R::failure(path_ + ": meta replacement is " + std::to_string(replacement) +
                      ", not 0 or 1");
  }
  state.replacement = replacement == 1;
  const auto leader = meta("last_epoch_leader");
  if (!leader) return R::failure(leader.error());
  if (*leader) {
    const auto id = parse_id(**leader);
    if (!id) return R::failure(path_ + ": meta last_epoch_leader is not a 32-digit hex id");
    state.last_epoch.leader = *id;
  }
  if (state.last_epoch.term > state.highest_term) {
    return R::failure(path_ + ": the last epoch's term is above the highest term");
  }
  return state;
}

Result<DurableState, std::string> Store::durable_state() const {
  using R = Result<DurableState, std::string>;
  DurableState out;
  for (auto [key, out_term] : {std::pair{"durable_epoch_term", &out.position.epoch.term},
                               std::pair{"durable_seq", &out.position.seq}}) {
    const auto text = meta(key);
    if (!text) return R::failure(text.error());
    if (!*text) continue;
    const auto v = parse_u64(**text);
    if (!v) return R::failure(path_ + ": meta " + key + " is not a number");
    *out_term = *v;
  }
  const auto leader = meta("durable_epoch_leader");
  if (!leader) return R::failure(leader.error());
  if (*leader) {
    const auto id = parse_id(**leader);
    if (!id) return R::failure(path_ + ": meta durable_epoch_leader is not a 32-digit hex id");
    out.position.epoch.leader = *id;
  }
  Statement all(db_, sql::kAllRecords);
  if (!all.ok()) return R::failure(error("read records"));
  int rc = 0;
  while ((rc = all.step()) == SQLITE_ROW) {
    const std::int64_t service = all.int64(0);
    const std::int64_t table = all.int64(1);
    const auto value = all.blob(3);
    if (service < 0 || service > 255 || table < 0 || table > 255 ||
        value.size() > RecordSink::kMaxValueBytes) {
      return R::failure(path_ + ": a record outside its bounds");
    }
    StoredRecord r;
    r.key = RecordKey{static_cast<std::uint8_t>(service), static_cast<std::uint8_t>(table),
                      static_cast<std::uint64_t>(all.int64(2))};
    r.value.assign(value.begin(), value.end());
    out.records.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return R::failure(error("read records"));
  // SQLite orders keys as signed integers; the services want them in unsigned key order.
  std::sort(out.records.begin(), out.records.end(),
            [](const StoredRecord& a, const StoredRecord& b) { return a.key < b.key; });
  return out;
}

std::string Store::put_persistent_state(const PersistentState& state) {
  for (auto [key, value] : {std::pair{"highest_term", std::to_string(state.highest_term)},
                            std::pair{"last_epoch_term", std::to_string(state.last_epoch.term)},
                            std::pair{"last_epoch_leader", id_hex(state.last_epoch.leader)},
                            std::pair{"peers_known", std::to_string(state.peers_known)},
                            std::pair{"replacement", std::string(state.replacement ? "1" : "0")}}) {
    if (std::string e = put_meta(key, value); !e.empty()) return e;
  }
  return {};
}

std::string Store::import_state(const PersistentState& state) {
  const auto current = persistent_state();
  if (!current) return current.error();
  if (current->highest_term >= state.highest_term) return {};
  return put_persistent_state(state);
}

std::string Store::mark_replacement() { return put_meta("replacement", "1"); }

std::string Store::put_record(const OutRecord& r, std::span<const std::uint8_t> value) {
  Statement s(db_, r.erase ? sql::kEraseRecord : sql::kPutRecord);
  if (!s.ok()) return error("prepare a record write");
  s.bind(1, std::int64_t{r.key.service})
      .bind(2, std::int64_t{r.key.table})
      .bind(3, static_cast<std::int64_t>(r.key.key));
  if (!r.erase) s.bind(4, value);
  if (s.step() != SQLITE_DONE) return error("write a record");
  return project(r, value);
}

std::string Store::write(const Outbox& outbox) {
  if (!outbox.persisted() && !outbox.has_durable_writes()) return {};
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return error("begin");
  }
  std::string e;
  if (outbox.persisted()) e = put_persistent_state(*outbox.persisted());
  if (e.empty() && outbox.records_replace()) {
    Statement clear(db_, sql::kEraseAllRecords);
    if (!clear.ok() || clear.step() != SQLITE_DONE) e = error("clear records");
  }
  for (const OutRecord& r : outbox.records()) {
    if (!e.empty()) break;
    e = put_record(r, outbox.record_value(r));
  }
  if (e.empty() && outbox.stored_position()) {
    const Position& p = *outbox.stored_position();
    for (auto [key, value] : {std::pair{"durable_epoch_term", std::to_string(p.epoch.term)},
                              std::pair{"durable_epoch_leader", id_hex(p.epoch.leader)},
                              std::pair{"durable_seq", std::to_string(p.seq)}}) {
      if (e.empty()) e = put_meta(key, value);
    }
  }
  if (!e.empty()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return e;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return error("commit");
  return {};
}

std::string cluster_identity_text(const Epoch& founding) {
  return founding.leader.str() + "-" + std::to_string(founding.term);
}

Result<std::optional<std::string>, std::string> Store::cluster_identity() const {
  return meta("cluster_identity");
}

Result<std::vector<ResultRow>, std::string> Store::last_results(int count) const {
  return read_results(sql::kLastResults, {std::int64_t{count}});
}

Result<std::vector<ResultRow>, std::string> Store::results_after(std::int64_t number,
                                                                 int count) const {
  return read_results(sql::kResultsAfter, {number, std::int64_t{count}});
}

Result<std::vector<ResultRow>, std::string> Store::read_results(
    std::string_view query, std::initializer_list<std::int64_t> args) const {
  using R = Result<std::vector<ResultRow>, std::string>;
  Statement q(db_, query);
  if (!q.ok()) return R::failure(error("read results"));
  int i = 1;
  for (const std::int64_t a : args) q.bind(i++, a);
  std::vector<ResultRow> rows;
  int rc = 0;
  while ((rc = q.step()) == SQLITE_ROW) {
    rows.push_back(ResultRow{q.int64(0), q.text(1), q.int64(2), q.text(3), q.text(4), q.text(5),
                             q.int64(6), q.int64(7), q.text(8), q.text(9)});
  }
  if (rc != SQLITE_DONE) return R::failure(error("read results"));
  return rows;
}

Result<std::vector<PlayerRow>, std::string> Store::top_players(int count) const {
  using R = Result<std::vector<PlayerRow>, std::string>;
  Statement q(db_, sql::kTopPlayers);
  if (!q.ok()) return R::failure(error("read players"));
  q.bind(1, std::int64_t{count});
  std::vector<PlayerRow> rows;
  int rc = 0;
  while ((rc = q.step()) == SQLITE_ROW) {
    rows.push_back(PlayerRow{q.text(0), q.int64(1), q.int64(2), q.int64(3), q.int64(4)});
  }
  if (rc != SQLITE_DONE) return R::failure(error("read players"));
  return rows;
}

}  // namespace dp::storage
