#include "transport/server_process.h"

#include <chrono>
#include <csignal>
#include <exception>
#include <functional>
#include <string>

#include <asio.hpp>

#include "core/cluster/server_node.h"
#include "transport/asio_udp_transport.h"
#include "transport/logger.h"
#include "transport/node_driver.h"
#include "transport/server_log.h"
#include "transport/state_file.h"

namespace dp {

int run_server_process(const ServerSetup& setup) {
  Logger logger(setup.log_level);
  if (const std::string error = logger.open_file(setup.log_file); !error.empty()) {
    logger.warn(error + "; logging to stdout only");
  }
  ServerLog log(logger);

  const auto persisted = load_state_file(setup.state_file);
  if (!persisted) {
    logger.error(persisted.error());
    return 1;
  }

  asio::io_context io;
  auto opened = AsioUdpTransport::open(io, setup.udp);
  if (!opened) {
    logger.error("cannot open sockets: " + opened.error().message);
    return 1;
  }
  AsioUdpTransport& transport = **opened;

  ServerConfig config = setup.node;
  config.endpoints = transport.local_endpoints();
  config.persisted = *persisted;
  ServerNode node(config, pong::pong_services(setup.pong));

  DriverCallbacks callbacks;
  callbacks.on_event = [&log](const NodeEvent& event) { log.event(event); };
  callbacks.on_persist = [&logger, &setup](const PersistentState& state) {
    if (const std::string error = save_state_file(setup.state_file, state); !error.empty()) {
      logger.error("cannot persist term " + std::to_string(state.highest_term) + ": " + error);
    }
  };
  NodeDriver driver(io, node, transport, callbacks);
  log.startup(node, config.endpoints, transport.discovery_ip(), setup.log_file, setup.state_file);

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
    transport.close();
    log.final_stats(node, driver.stats(), transport.stats());
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
  try {
    io.run();
  } catch (const std::exception& e) {
    logger.error(std::string("event loop failed: ") + e.what());
    return 1;
  }
  return 0;
}

}  // namespace dp
