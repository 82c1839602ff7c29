// The interface every protocol node (server or client) presents to its driver.
//
// Modelled on etcd-io/raft: the driver feeds inputs (a datagram, or the passing of time)
// and then drains the outbox. A node never reads a clock, opens a socket or spawns a thread,
// so the same code runs under the Asio driver and the deterministic simulator.
#pragma once

#include <span>

#include "core/common/outbox.h"
#include "core/common/types.h"

namespace dp {

// The local endpoints a node listens on. Clients use only `client`.
struct LocalEndpoints {
  Endpoint discovery;  // Shared broadcast port (servers only).
  Endpoint control;    // Server-to-server traffic.
  Endpoint client;     // Client traffic (for a client node: its own socket).
  std::uint16_t discovery_port = kDefaultDiscoveryPort;  // Where to send discovery broadcasts.
};

class Node {
 public:
  virtual ~Node() = default;

  // Called once before any other input.
  virtual void start(TimeUs now) = 0;
  // A datagram arrived on `channel` from `from`. The bytes are untrusted.
  virtual void on_datagram(TimeUs now, Channel channel, Endpoint from,
                           std::span<const std::uint8_t> bytes) = 0;
  // Time has reached (at least) next_tick_at().
  virtual void on_tick(TimeUs now) = 0;
  // When the node next needs on_tick(); drivers may call earlier, never much later.
  virtual TimeUs next_tick_at() const = 0;

  Outbox& outbox() { return outbox_; }

 protected:
  Outbox outbox_;
};

}  // namespace dp
