// What pong-server writes to its log: node events as readable lines, the start-up banner,
// a periodic status line and the final statistics.
//
// Rejected datagrams are logged individually only up to kRejectionsLoggedPerPeriod per
// status period, so a flood of garbage cannot flood the log; the rest are counted and the
// count appears in the next status line (and in the node's per-reason statistics).
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "core/cluster/server_node.h"
#include "core/common/node_event.h"
#include "transport/logger.h"
#include "transport/node_driver.h"
#include "transport/transport.h"

namespace dp {

// One event as text, e.g. "became-leader epoch=4/1a2b3c4d" or
// "datagram-rejected reason=too-short channel=control".
std::string format_node_event(const NodeEvent& event);
// The level an event is logged at: protocol milestones are info, rejections warn, the rest
// debug.
LogLevel node_event_level(const NodeEvent& event);
// "too-short=2 bad-magic=1" over the non-zero reasons, or "none".
std::string format_rejections(const ServerStats& stats);

class ServerLog {
 public:
  static constexpr std::uint64_t kRejectionsLoggedPerPeriod = 10;

  // `program` names the process in the start-up line ("pong-server", "pong-chat").
  explicit ServerLog(Logger& logger, std::string program = "pong-server")
      : logger_(logger), program_(std::move(program)) {}

  void startup(const ServerNode& node, const LocalEndpoints& endpoints, std::uint32_t discovery_ip,
               const std::string& log_file, const std::string& database);
  void event(const NodeEvent& event);
  // The periodic line: role, epoch, live peers, datagrams in and rejected, send errors.
  void status(const ServerNode& node, const DriverStats& driver, const TransportStats& transport);
  void final_stats(const ServerNode& node, const DriverStats& driver,
                   const TransportStats& transport);

  Logger& logger() { return logger_; }

 private:
  Logger& logger_;
  std::string program_;
  std::uint64_t rejections_this_period_ = 0;
};

}  // namespace dp
