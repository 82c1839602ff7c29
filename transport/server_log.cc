#include "transport/server_log.h"

#include <cinttypes>
#include <cstdio>

#include "core/services/pong/notes.h"
#include "core/wire/codec.h"

namespace dp {
namespace {

const char* reason_name(std::uint64_t code) {
  if (code < 1 || code > wire::kMaxDecodeErrorValue) return "?";
  return wire::decode_error_name(static_cast<wire::DecodeError>(code));
}

std::size_t live_peers(const ServerNode& node) {
  std::size_t alive = 0;
  for (const auto& [id, info] : node.peers()) alive += info.alive ? 1 : 0;
  return alive;
}

std::string counters(const ServerNode& node, const DriverStats& driver,
                     const TransportStats& transport) {
  const ServerStats& s = node.stats();
  return "datagrams_in=" + std::to_string(s.datagrams_in) +
         " rejected=" + std::to_string(s.datagrams_rejected) +
         " stale_epoch=" + std::to_string(s.stale_epoch_ignored) +
         " sent=" + std::to_string(transport.datagrams_sent) +
         " send_errors=" + std::to_string(transport.send_errors) +
         " receive_errors=" + std::to_string(transport.receive_errors) +
         " node_exceptions=" + std::to_string(driver.node_exceptions);
}

}  // namespace

std::string format_node_event(const NodeEvent& event) {
  if (event.kind == NodeEventKind::kServiceNote) {
    return pong::describe_note(event.note)
        .value_or("service-note service=" + std::to_string(event.note.service));
  }
  std::string line = node_event_name(event.kind);
  switch (event.kind) {
    case NodeEventKind::kDatagramRejected:
      return line + " reason=" + reason_name(event.reason) +
             " channel=" + channel_name(event.channel);
    case NodeEventKind::kElectionStarted:
      return line + " attempt=" + std::to_string(event.attempt);
    default:
      break;
  }
  if (!event.peer.is_nil()) line += " peer=" + event.peer.short_str();
  if (!event.epoch.is_none()) line += " epoch=" + event.epoch.str();
  if (event.seq != 0) line += " seq=" + std::to_string(event.seq);
  return line;
}

LogLevel node_event_level(const NodeEvent& event) {
  if (event.kind == NodeEventKind::kStarted || is_cluster_milestone(event.kind)) {
    return LogLevel::kInfo;
  }
  switch (event.kind) {
    case NodeEventKind::kDatagramRejected:
      return LogLevel::kWarn;
    case NodeEventKind::kServiceNote: {
      bool milestone = false;
      pong::describe_note(event.note, &milestone);
      return milestone ? LogLevel::kInfo : LogLevel::kDebug;
    }
    default:
      return LogLevel::kDebug;
  }
}

std::string format_rejections(const ServerStats& stats) {
  std::string out;
  for (std::size_t code = 1; code < stats.rejected_by_error.size(); ++code) {
    if (stats.rejected_by_error[code] == 0) continue;
    if (!out.empty()) out += ' ';
    out += std::string(reason_name(code)) + "=" + std::to_string(stats.rejected_by_error[code]);
  }
  return out.empty() ? "none" : out;
}

void ServerLog::startup(const ServerNode& node, const LocalEndpoints& endpoints,
                        std::uint32_t discovery_ip, const std::string& log_file,
                        const std::string& database) {
  const ServerConfig& c = node.config();
  logger_.info(program_ + " id=" + c.id.str() + " (" + c.id.short_str() +
               ") mode=" + (c.mode == ElectionMode::kClassic ? "classic" : "sticky") +
               " heartbeat=" + std::to_string(c.timing.heartbeat_interval_us / kUsPerMs) + "ms/" +
               std::to_string(c.timing.heartbeat_timeout_us / kUsPerMs) + "ms");
  logger_.info("endpoints discovery=0.0.0.0:" + std::to_string(endpoints.discovery.port) +
               " (broadcast to " + ipv4_str(discovery_ip) + ":" +
               std::to_string(endpoints.discovery_port) + ") control=" + endpoints.control.str() +
               " client=" + endpoints.client.str());
  logger_.info("log file " + log_file + ", database " + database + ", highest term so far " +
               std::to_string(c.persisted.highest_term));
  const DurableState& stored = c.stored;
  if (!stored.empty()) {
    logger_.info("durable state on disk: " + std::to_string(stored.records.size()) +
                 " records, as of seq " + std::to_string(stored.position.seq) + " of epoch " +
                 stored.position.epoch.str());
  }
}

void ServerLog::event(const NodeEvent& e) {
  if (e.kind == NodeEventKind::kDatagramRejected) {
    ++rejections_this_period_;
    if (rejections_this_period_ > kRejectionsLoggedPerPeriod) return;
  }
  const LogLevel level = node_event_level(e);
  if (!logger_.enabled(level)) return;
  logger_.log(level, format_node_event(e));
}

void ServerLog::status(const ServerNode& node, const DriverStats& driver,
                       const TransportStats& transport) {
  std::string line = std::string("status role=") + wire::role_name(node.role()) +
                     " epoch=" + node.epoch().str() + " peers=" + std::to_string(live_peers(node)) +
                     " " + counters(node, driver, transport);
  if (rejections_this_period_ > kRejectionsLoggedPerPeriod) {
    line += " (" + std::to_string(rejections_this_period_ - kRejectionsLoggedPerPeriod) +
            " rejections not logged individually)";
  }
  rejections_this_period_ = 0;
  logger_.info(line);
}

void ServerLog::final_stats(const ServerNode& node, const DriverStats& driver,
                            const TransportStats& transport) {
  logger_.info(std::string("final role=") + wire::role_name(node.role()) + " epoch=" +
               node.epoch().str() + " highest_term=" + std::to_string(node.highest_term()) +
               " elections=" + std::to_string(node.stats().elections_started) + " times_leader=" +
               std::to_string(node.stats().times_leader) + " " + counters(node, driver, transport));
  logger_.info("rejected by reason: " + format_rejections(node.stats()));
}

}  // namespace dp
