#include "transport/server_process.h"

#include <chrono>
#include <csignal>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <asio.hpp>

#include "core/cluster/server_node.h"
#include "core/security/cluster_keys.h"
#include "core/services/chat/service.h"
#include "core/services/games.h"
#include "transport/asio_udp_transport.h"
#include "transport/logger.h"
#include "transport/metrics_http.h"
#include "transport/node_driver.h"
#include "transport/process_entropy.h"
#include "transport/server_log.h"
#include "transport/server_metrics.h"
#include "transport/state_file.h"
#include "transport/storage/data_dir.h"
#include "transport/storage/postgres_export.h"
#include "transport/storage/sqlite_store.h"

namespace dp {

namespace {

// The data directory, its database and what the node starts from. Errors name the file.
struct Storage {
  std::unique_ptr<storage::DataDir> dir;
  std::unique_ptr<storage::Store> store;
  std::string note;  // Worth a line in the log.
};

Result<Storage, std::string> open_storage(const ServerSetup& setup, ServerConfig& config) {
  using R = Result<Storage, std::string>;
  Storage s;
  auto dir = setup.data_dir.empty()
                 ? storage::DataDir::claim_default(
                       setup.udp.control_port, setup.kind == ServerKind::kChat ? "chat" : "server")
                 : storage::DataDir::claim(setup.data_dir);
  if (!dir) return R::failure(dir.error());
  s.dir = std::move(*dir);
  auto store = storage::Store::open(s.dir->path());
  if (!store) return R::failure(store.error());
  s.store = std::move(*store);
  // The id is the data directory's: generated on the first start, the same ever after.
  const auto stored_id = s.store->server_id();
  if (!stored_id) return R::failure(stored_id.error());
  if (*stored_id) {
    if (setup.id_given && **stored_id != config.id) {
      return R::failure("--id " + config.id.str() +
                        " differs from the id of the server whose data is in " + s.dir->path() +
                        " (" + (*stored_id)->str() + "): drop --id, or give another --data-dir");
    }
    config.id = **stored_id;
  } else if (std::string e = s.store->set_server_id(config.id); !e.empty()) {
    return R::failure(e);
  }
  if (!setup.state_file.empty()) {
    // An older server kept its terms in a state file: take them in once.
    const auto old = load_state_file(setup.state_file);
    if (!old) return R::failure(old.error());
    if (std::string e = s.store->import_state(*old); !e.empty()) return R::failure(e);
  }
  const auto persisted = s.store->persistent_state();
  if (!persisted) return R::failure(persisted.error());
  config.persisted = *persisted;
  auto durable = s.store->durable_state();
  if (!durable) return R::failure(durable.error());
  config.stored = std::move(*durable);
  if (setup.replace && config.stored.empty()) {
    // Until it syncs, it may lack what the lost machine acknowledged.
    config.persisted.replacement = true;
    if (std::string e = s.store->mark_replacement(); !e.empty()) return R::failure(e);
    s.note = "--replace: this server vouches for nothing until it has caught up";
  } else if (setup.replace) {
    s.note = "--replace has no effect: " + s.dir->path() + " holds this server's synced state";
  }
  return s;
}

// One line at start-up on the cluster key: which one, or a warning that there is none.
void log_cluster_key(Logger& logger, const ServerSetup& setup) {
  const ClusterKeys& keys = setup.node.keys;
  if (keys.empty()) {
    logger.warn(std::string("WARNING: no cluster key: server-to-server datagrams are not "
                            "authenticated; anyone on the LAN can take over the cluster. Make "
                            "one with `") +
                program_name(setup.kind) +
                " keygen --out FILE` and start every server with --key-file FILE");
    return;
  }
  // The slot id is a one-byte name of the key (not secret): servers that log different ones
  // were given different keys.
  std::string line = "cluster key from " + setup.key_source + " (slot " +
                     std::to_string(key_slot_id(*keys.primary)) + ")";
  if (keys.previous) {
    line += "; the previous key (slot " + std::to_string(key_slot_id(*keys.previous)) +
            ") is accepted too, until the rotation is done";
  }
  logger.info(line);
}

}  // namespace

int run_server_process(const ServerSetup& setup) {
  Logger logger(setup.log_level);
  ServerConfig config = setup.node;
  // Wall-clock microseconds at start: larger at every restart of this server (as long as the
  // clock is not set back by more than the restart took), which lets peers tell a restarted
  // server from a replay of datagrams it sent before.
  config.boot_stamp =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  config.session_seed = random_session_seed();
  auto storage = open_storage(setup, config);
  if (!storage) {
    logger.error(storage.error());
    return 1;
  }
  storage::Store& store = *storage->store;
  const std::string log_file =
      setup.log_dir + "/" + program_name(setup.kind) + "-" + config.id.short_str() + ".log";
  if (const std::string error = logger.open_file(log_file); !error.empty()) {
    logger.warn(error + "; logging to stdout only");
  }
  ServerLog log(logger, program_name(setup.kind));
  if (!storage->note.empty()) logger.info(storage->note);
  log_cluster_key(logger, setup);

  asio::io_context io;
  auto opened = AsioUdpTransport::open(io, setup.udp);
  if (!opened) {
    logger.error("cannot open sockets: " + opened.error().message);
    return 1;
  }
  AsioUdpTransport& transport = **opened;

  config.endpoints = transport.local_endpoints();
  ServerNode node(config, setup.kind == ServerKind::kChat ? chat::chat_services(setup.chat)
                                                          : game_services(setup.pong));

  // The shared leaderboard: its thread reports through the io_context (the logger is
  // single-threaded).
  std::unique_ptr<storage::PostgresExport> exporter;
  if (!setup.leaderboard_url.empty()) {
    storage::PostgresExportConfig export_config;
    export_config.url = setup.leaderboard_url;
    export_config.data_dir = storage->dir->path();
    export_config.server = config.id.str();
    exporter = std::make_unique<storage::PostgresExport>(
        export_config, [&io, &logger](int level, const std::string& message) {
          asio::post(io, [&logger, level, message] {
            logger.log(
                level == 0 ? LogLevel::kError : (level == 1 ? LogLevel::kWarn : LogLevel::kInfo),
                message);
          });
        });
  }

  ServerMetrics metrics;
  DriverCallbacks callbacks;
  callbacks.on_event = [&log, &metrics](const NodeEvent& event) {
    log.event(event);
    metrics.on_event(event);
  };
  callbacks.on_durable = [&store, &exporter, &metrics](const Outbox& outbox) {
    const auto began = std::chrono::steady_clock::now();
    if (const std::string error = store.write(outbox); !error.empty()) {
      // Nothing may be acknowledged that is not on disk: stop (the cluster tolerates it).
      throw std::runtime_error("cannot write to the database: " + error);
    }
    metrics.on_durable_write(std::chrono::duration_cast<std::chrono::microseconds>(
                                 std::chrono::steady_clock::now() - began)
                                 .count());
    if (exporter && outbox.has_durable_writes()) exporter->nudge();
  };
  NodeDriver driver(io, node, transport, callbacks);
  log.startup(node, config.endpoints, transport.discovery_ip(), log_file, store.path());

  std::unique_ptr<MetricsHttpServer> metrics_http;
  if (setup.metrics_port != 0) {
    auto opened_http =
        MetricsHttpServer::open(io, setup.metrics_address, setup.metrics_port, [&]() {
          return metrics.render({node, node.outbox(), driver.stats(), transport.stats()},
                                driver.now());
        });
    if (!opened_http) {
      logger.error(opened_http.error());
      return 1;
    }
    metrics_http = std::move(*opened_http);
    logger.info("metrics at http://" + setup.metrics_address + ":" +
                std::to_string(metrics_http->port()) + "/metrics");
  }

  asio::steady_timer status_timer(io);
  asio::steady_timer run_timer(io);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  bool shut_down = false;

  const auto shutdown = [&](const std::string& why) {
    if (shut_down) return;
    shut_down = true;
    logger.info("shutting down: " + why);
    // HANDOVER: a leaving leader tells its followers (RESIGN) while the sockets are still
    // open (apply() sends its datagrams synchronously), so failover need not wait for the
    // heartbeat timeout.
    const bool was_leader = node.is_leader();
    driver.apply([&node](TimeUs now) { node.shutdown(now); });
    if (was_leader) logger.info("handed over leadership");
    driver.stop();
    status_timer.cancel();
    run_timer.cancel();
    asio::error_code ignored;
    signals.cancel(ignored);
    if (metrics_http) metrics_http->close();
    transport.close();
    log.final_stats(node, driver.stats(), transport.stats());
    if (exporter) {
      exporter->stop();
      const auto c = exporter->counters();
      logger.info("leaderboard export: " + std::to_string(c.exported) + " results exported, " +
                  std::to_string(c.present) + " already there, " + std::to_string(c.failures) +
                  " failed attempts");
    }
  };

  signals.async_wait([&](const asio::error_code& ec, int signal_number) {
    if (ec) return;
    shutdown(signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  });

  // The status line re-arms itself every kStatusPeriodS until shutdown.
  std::function<void()> arm_status = [&]() {
    status_timer.expires_after(std::chrono::seconds(kStatusPeriodS));
    status_timer.async_wait([&](const asio::error_code& ec) {
      if (ec || shut_down) return;
      log.status(node, driver.stats(), transport.stats());
      arm_status();
    });
  };
  arm_status();

  if (setup.run_for_us) {
    run_timer.expires_after(std::chrono::microseconds(*setup.run_for_us));
    run_timer.async_wait([&](const asio::error_code& ec) {
      if (!ec) shutdown("--run-for-s elapsed");
    });
  }

  driver.start();
  if (exporter) {
    logger.info("exporting results to PostgreSQL (--leaderboard-url)");
    exporter->start();
  }
  try {
    io.run();
  } catch (const std::exception& e) {
    logger.error(std::string("event loop failed: ") + e.what());
    return 1;
  }
  return 0;
}

}  // namespace dp
