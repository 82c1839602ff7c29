// What a server tells Prometheus (GET /metrics on --metrics-port): its traffic by message
// type, its drops by reason, elections, changes of leader and how long a failover took here,
// replication progress and lag, the leader's ring, snapshots, rooms, players and spectators,
// and how long durable writes take.
//
// Most of it is read at scrape time from the counters the node, its replica, the driver and
// the transport already keep (core stays free of clocks: it counts, this file times). What
// only the stream of events or the clock can tell is folded in as it happens: on_event() sees
// every node event (a suspected leader starts a failover, a new epoch led or followed ends
// it), on_durable_write() every write to the database.
#pragma once

#include <cstdint>
#include <string>

#include "core/cluster/server_node.h"
#include "core/common/node_event.h"
#include "core/common/outbox.h"
#include "transport/node_driver.h"
#include "transport/prometheus_text.h"
#include "transport/transport.h"

namespace dp {

// Where a scrape reads the counters it does not keep itself.
struct MetricsSources {
  const ServerNode& node;
  const Outbox& outbox;
  const DriverStats& driver;
  const TransportStats& transport;
};

class ServerMetrics {
 public:
  ServerMetrics();

  // Every event the node emits, in order (the driver's on_event).
  void on_event(const NodeEvent& event);
  // One write of a step's durable state, and how long it took.
  void on_durable_write(TimeUs took_us);

  // The whole exposition, as of `now` (driver time).
  std::string render(const MetricsSources& sources, TimeUs now) const;

  std::uint64_t leader_changes() const { return leader_changes_; }
  const Histogram& failover_seconds() const { return failover_s_; }
  const Histogram& durable_write_seconds() const { return durable_write_s_; }

 private:
  std::uint64_t leader_changes_ = 0;
  Epoch last_epoch_;  // The last epoch this node led or followed.
  // When this node began to look for a new leader (it suspected its own); -1 when it is not.
  TimeUs failover_since_us_ = -1;
  Histogram failover_s_;
  Histogram durable_write_s_;
};

}  // namespace dp
