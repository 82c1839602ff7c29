// The shared leaderboard: a server's match results, exported to PostgreSQL for several
// clusters to share (pong-server --leaderboard-url postgresql://...).
//
// The queue is the server's own database: the export reads results from it (a read-only
// connection of its own) and never holds anything only in memory, so results played while
// PostgreSQL is down, or before a restart, are exported later, and the queue's bound is the
// disk. Each result is a row keyed by (cluster identity, number): every server of a cluster
// exports every result it holds, and the key makes it land exactly once. A server's progress
// is stored in PostgreSQL in the same transaction as the rows it covers.
//
// Everything runs on a thread of its own: play never waits for PostgreSQL. nudge() (after a
// step wrote to the database) takes one mutex; failures are reported and retried with
// exponential backoff. The report callback is called from the export thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/result.h"
#include "core/common/types.h"

namespace dp::storage {

struct PostgresExportConfig {
  std::string url;       // A libpq connection URI or key=value string.
  std::string data_dir;  // The server's data directory (its server.db is read).
  std::string server;    // The exporting server's id (a column, and its progress key).
  TimeUs retry_min_us = 500 * kUsPerMs;
  TimeUs retry_max_us = 30 * kUsPerSecond;
  TimeUs poll_us = 1 * kUsPerSecond;  // Also looks without a nudge this often.
  int batch = 200;                    // Results per transaction.
};

struct PostgresExportCounters {
  std::uint64_t exported = 0;  // Rows this server inserted.
  std::uint64_t present = 0;   // Results another server (or an earlier try) had inserted.
  std::uint64_t failures = 0;  // Failed attempts (connection, schema, a batch).
};

// Checks a connection string without connecting; the error says what is wrong with it.
Result<bool, std::string> check_postgres_url(const std::string& url);

class PostgresExport {
 public:
  // level: 0 error, 1 warning, 2 info.
  using Report = std::function<void(int level, const std::string& message)>;

  PostgresExport(PostgresExportConfig config, Report report);
  ~PostgresExport();
  PostgresExport(const PostgresExport&) = delete;
  PostgresExport& operator=(const PostgresExport&) = delete;

  void start();
  // New results may be in the database.
  void nudge();
  // Stops the thread (an export in flight finishes or fails first).
  void stop();

  PostgresExportCounters counters() const;

 private:
  class Session;
  void run();
  // Waits for stop(), `timeout_us` or (if nudge_wakes) a nudge; false once stopping.
  bool wait(TimeUs timeout_us, bool nudge_wakes);

  PostgresExportConfig config_;
  Report report_;
  std::thread thread_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool nudged_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<std::uint64_t> present_{0};
  std::atomic<std::uint64_t> failures_{0};
};

}  // namespace dp::storage
