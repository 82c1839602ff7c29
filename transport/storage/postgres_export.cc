#include "transport/storage/postgres_export.h"

#include <libpq-fe.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <vector>

#include "transport/storage/sql.h"
#include "transport/storage/sqlite_store.h"

namespace dp::storage {
namespace {

std::string trimmed(const char* text) {
  std::string s = text == nullptr ? "" : text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::replace(s.begin(), s.end(), '\n', ' ');
  return s;
}

// A PGresult that clears itself.
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

}  // namespace

Result<bool, std::string> check_postgres_url(const std::string& url) {
  using R = Result<bool, std::string>;
  if (url.empty()) return R::failure("empty connection string");
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options == nullptr) {
    const std::string message = trimmed(error);
    PQfreemem(error);
    return R::failure(message.empty() ? "not a connection string" : message);
  }
  PQconninfoFree(options);
  return true;
}

// One connection's worth of exporting: the PostgreSQL connection, the schema once, the
// server's database (read-only) and how far this server got.
class PostgresExport::Session {
 public:
  explicit Session(const PostgresExportConfig& config) : config_(config) {}
  ~Session() { drop(); }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Exports one batch of what is pending. Returns an error, or "" (more: a full batch went,
  // there may be more).
  std::string pass(std::uint64_t& exported, std::uint64_t& present, bool& more) {
    more = false;
    if (!store_) {
      auto store = Store::open(config_.data_dir, /*read_only=*/true);
      if (!store) return store.error();
      store_ = std::move(*store);
    }
    const auto cluster = store_->cluster_identity();
    if (!cluster) return cluster.error();
    if (!*cluster) return {};  // No leader has named the cluster yet: nothing to export.
    if (**cluster != cluster_) {
      cluster_ = **cluster;
      upto_ = -1;
    }
    if (std::string e = ready(); !e.empty()) return fail(e);
    const auto rows = store_->results_after(upto_, config_.batch);
    if (!rows) return rows.error();
    if (rows->empty()) return {};
    if (std::string e = command("BEGIN"); !e.empty()) return fail(e);
    std::uint64_t inserted = 0;
    for (const ResultRow& r : *rows) {
      const std::string number = std::to_string(r.number);
      const std::string room = std::to_string(r.room);
      const std::string left = std::to_string(r.score_left);
      const std::string right = std::to_string(r.score_right);
      const char* values[] = {
          cluster_.c_str(),       number.c_str(),        r.game.c_str(),
          room.c_str(),           r.room_name.c_str(),   r.player_left.c_str(),
          r.player_right.c_str(), left.c_str(),          right.c_str(),
          r.winner.c_str(),       r.recorded_at.c_str(), config_.server.c_str()};
      PgResult res(
          PQexecParams(conn_, sql::pg::kPutResult, 12, nullptr, values, nullptr, nullptr, 0),
          &PQclear);
      if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(error_of(res.get()));
      inserted += std::string(PQcmdTuples(res.get())) == "1" ? 1 : 0;
    }
    const std::string last = std::to_string(rows->back().number);
    const char* progress[] = {cluster_.c_str(), config_.server.c_str(), last.c_str()};
    PgResult res(
        PQexecParams(conn_, sql::pg::kPutProgress, 3, nullptr, progress, nullptr, nullptr, 0),
        &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(error_of(res.get()));
    if (std::string e = command("COMMIT"); !e.empty()) return fail(e);
    upto_ = rows->back().number;
    exported += inserted;
    present += rows->size() - inserted;
    more = static_cast<int>(rows->size()) == config_.batch;
    return {};
  }

 private:
  // Connected, the schema in place, and this server's progress read.
  std::string ready() {
    if (conn_ != nullptr && PQstatus(conn_) != CONNECTION_OK) drop();
    if (conn_ == nullptr) {
      // A statement that hangs (a stuck server) fails after 10 s rather than for ever.
      const char* keys[] = {"dbname", "connect_timeout", "application_name", "options", nullptr};
      const char* values[] = {config_.url.c_str(), "5", "pong-server", "-c statement_timeout=10000",
                              nullptr};
      conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
      if (PQstatus(conn_) != CONNECTION_OK)
        return "cannot connect: " + trimmed(PQerrorMessage(conn_));
    }
    if (!schema_) {
      for (const char* step :
           {"BEGIN", "SELECT pg_advisory_xact_lock(727465)", sql::pg::kCreateSchema, "COMMIT"}) {
        if (std::string e = command(step); !e.empty()) return "cannot create the tables: " + e;
      }
      schema_ = true;
    }
    if (upto_ < 0) {
      const char* values[] = {cluster_.c_str(), config_.server.c_str()};
      PgResult res(PQexecParams(conn_, sql::pg::kProgress, 2, nullptr, values, nullptr, nullptr, 0),
                   &PQclear);
      if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) return error_of(res.get());
      upto_ = PQntuples(res.get()) == 0 ? 0 : std::stoll(PQgetvalue(res.get(), 0, 0));
    }
    return {};
  }

  std::string command(const char* text) {
    PgResult res(PQexec(conn_, text), &PQclear);
    const ExecStatusType status = PQresultStatus(res.get());
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? std::string()
                                                                   : error_of(res.get());
  }

  std::string error_of(const PGresult* res) const {
    std::string e = trimmed(PQresultErrorMessage(res));
    return e.empty() ? trimmed(PQerrorMessage(conn_)) : e;
  }

  // After a failure the next pass starts afresh: a new connection, the schema checked again,
  // the progress read back (a rolled-back batch is exported again).
  std::string fail(const std::string& error) {
    drop();
    return error;
  }

  void drop() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    schema_ = false;
    upto_ = -1;
  }

  const PostgresExportConfig& config_;
  PGconn* conn_ = nullptr;
  bool schema_ = false;
  std::unique_ptr<Store> store_;
  std::string cluster_;
  std::int64_t upto_ = -1;  // This server's progress; -1 until read.
};

PostgresExport::PostgresExport(PostgresExportConfig config, Report report)
    : config_(std::move(config)), report_(std::move(report)) {}

PostgresExport::~PostgresExport() { stop(); }

void PostgresExport::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void PostgresExport::nudge() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    nudged_ = true;
  }
  wake_.notify_one();
}

void PostgresExport::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

PostgresExportCounters PostgresExport::counters() const {
  return PostgresExportCounters{exported_.load(), present_.load(), failures_.load()};
}

bool PostgresExport::wait(TimeUs timeout_us, bool nudge_wakes) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::microseconds(timeout_us),
                 [&] { return (nudge_wakes && nudged_) || stopping_; });
  nudged_ = false;
  return !stopping_;
}

void PostgresExport::run() {
  Session session(config_);
  TimeUs backoff = config_.retry_min_us;
  bool failing = false;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
    }
    std::uint64_t exported = 0;
    std::uint64_t present = 0;
    bool more = false;
    const std::string error = session.pass(exported, present, more);
    exported_ += exported;
    present_ += present;
    if (!error.empty()) {
      ++failures_;
      if (!failing) {
        report_(1, "leaderboard export: " + error + " (retrying with backoff, play goes on)");
      }
      failing = true;
      // New results do not cut a backoff short: PostgreSQL is down, not our queue.
      if (!wait(backoff, /*nudge_wakes=*/false)) return;
      backoff = std::min(backoff * 2, config_.retry_max_us);
      continue;
    }
    if (failing) report_(2, "leaderboard export: PostgreSQL reachable again");
    failing = false;
    backoff = config_.retry_min_us;
    if (exported + present > 0) {
      report_(2, "leaderboard export: " + std::to_string(exported) + " results exported, " +
                     std::to_string(present) + " already there (" +
                     std::to_string(exported_.load()) + " by this server in all)");
    }
    if (more) continue;
    if (!wait(config_.poll_us, /*nudge_wakes=*/true)) return;
  }
}

}  // namespace dp::storage
