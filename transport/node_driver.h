// Drives one Node on an asio::io_context with a steady clock, through a Transport.
//
// The driver is the only place where real time enters: now is microseconds since the driver
// was constructed, read from std::chrono::steady_clock. It feeds the node three inputs:
//   - start(now), once, from start();
//   - on_datagram(now, channel, from, bytes) for every datagram the transport receives;
//   - on_tick(now) when a steady_timer armed at node.next_tick_at() fires.
// After each input it drains the node's outbox: durable writes to the storage callback first,
// then datagrams out through the transport, events to the observer; then the outbox is
// cleared and the timer re-armed.
//
// A hostile datagram must never stop the loop: an exception out of the node is caught,
// counted (node_exceptions) and the datagram dropped. A failed assertion of the node's own
// invariants (AssertionFailure) is not: it stops the loop, since the node's state can no
// longer be trusted. Several drivers may share one io_context. Everything runs on the
// io_context's thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

#include "core/common/node.h"
#include "core/common/node_event.h"
#include "core/common/outbox.h"
#include "transport/transport.h"

namespace dp {

struct DriverCallbacks {
  // Every event the node emits, in order (for logs). May be empty.
  std::function<void(const NodeEvent&)> on_event;
  // The step's durable writes (its persisted state, durable records and position; see
  // Outbox), called before the datagrams of the same step are sent, so a promised term or an
  // acknowledged entry is on disk before anyone hears of it. May be empty. It throws when it
  // cannot write: the process must stop rather than acknowledge what is not on disk.
  std::function<void(const Outbox&)> on_durable;
};

struct DriverStats {
  std::uint64_t datagrams_in = 0;     // Handed to node.on_datagram().
  std::uint64_t datagrams_out = 0;    // Sent successfully by the transport.
  std::uint64_t send_errors = 0;      // Outbox datagrams the transport failed to send.
  std::uint64_t ticks = 0;            // node.on_tick() calls.
  std::uint64_t node_exceptions = 0;  // Exceptions caught from the node (bugs, not input).
  // By message type: in, the type byte of a datagram's header (index 0 for one too short to
  // have one or without the magic); out, every datagram handed to the transport, sent or not.
  std::array<std::uint64_t, 256> in_by_type{};
  std::array<std::uint64_t, 256> out_by_type{};
};

class NodeDriver {
 public:
  // Longest the timer waits between ticks even if the node asks for later, so a node whose
  // next_tick_at() is far away is still looked at once a second.
  static constexpr TimeUs kMaxTimerWaitUs = 1000 * kUsPerMs;
  // Shortest gap between two ticks when the node asks for a tick in the past right after a
  // tick, so a misbehaving node cannot spin the loop.
  static constexpr TimeUs kMinTickGapUs = 1 * kUsPerMs;

  // `node` and `transport` must outlive the driver.
  NodeDriver(asio::io_context& io, Node& node, Transport& transport, DriverCallbacks callbacks);
  NodeDriver(const NodeDriver&) = delete;
  NodeDriver& operator=(const NodeDriver&) = delete;
  ~NodeDriver();

  // Calls node.start(now), starts receiving and arms the tick timer. Call once.
  void start();
  // Cancels the timer and stops feeding the node; the transport stays open (its owner closes
  // it). Idempotent.
  void stop();

  // Applies an input of the caller's to the node at the current time and drains the outbox,
  // e.g. a graceful-shutdown hook. Exceptions from `input` are caught and counted.
  void apply(const std::function<void(TimeUs now)>& input);

  // Microseconds since the driver was constructed (steady clock).
  TimeUs now() const;
  bool running() const { return running_; }
  const DriverStats& stats() const { return stats_; }

 private:
  void on_datagram(Channel channel, Endpoint from, std::span<const std::uint8_t> bytes);
  void on_timer(TimeUs armed_for);
  void flush();
  void arm_timer(bool after_tick);

  Node& node_;
  Transport& transport_;
  DriverCallbacks callbacks_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point epoch_;
  DriverStats stats_;
  bool started_ = false;
  bool running_ = false;
  TimeUs armed_for_us_ = -1;  // Node time the timer is armed for; -1 when not armed.
  // Expires with the driver, so completions still queued on the io_context do nothing.
  std::shared_ptr<bool> alive_;
};

}  // namespace dp
