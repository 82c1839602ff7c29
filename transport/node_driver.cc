#include "transport/node_driver.h"

#include "core/common/assert.h"
#include "core/wire/header.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <utility>

namespace dp {

NodeDriver::NodeDriver(asio::io_context& io, Node& node, Transport& transport,
                       DriverCallbacks callbacks)
    : node_(node),
      transport_(transport),
      callbacks_(std::move(callbacks)),
      timer_(io),
      epoch_(std::chrono::steady_clock::now()),
      alive_(std::make_shared<bool>(true)) {}

NodeDriver::~NodeDriver() {
  stop();
  // Completions already queued on the io_context see the token gone and do nothing.
  alive_.reset();
}

TimeUs NodeDriver::now() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               epoch_)
      .count();
}

void NodeDriver::start() {
  if (started_) return;
  started_ = true;
  running_ = true;
  try {
    node_.start(now());
  } catch (const AssertionFailure&) {
    throw;  // The node broke its own invariant: stop (see node_driver.h).
  } catch (...) {
    ++stats_.node_exceptions;
  }
  flush();
  std::weak_ptr<bool> token = alive_;
  transport_.start_receiving(
      [this, token](Channel channel, Endpoint from, std::span<const std::uint8_t> bytes) {
        if (token.expired()) return;
        on_datagram(channel, from, bytes);
      });
  arm_timer(/*after_tick=*/false);
}

void NodeDriver::stop() {
  if (!running_) return;
  running_ = false;
  timer_.cancel();
  armed_for_us_ = -1;
}

void NodeDriver::apply(const std::function<void(TimeUs now)>& input) {
  if (!running_) return;
  try {
    input(now());
  } catch (const AssertionFailure&) {
    throw;  // The node broke its own invariant: stop (see node_driver.h).
  } catch (...) {
    ++stats_.node_exceptions;
  }
  flush();
  arm_timer(/*after_tick=*/false);
}

void NodeDriver::on_datagram(Channel channel, Endpoint from, std::span<const std::uint8_t> bytes) {
  if (!running_) return;
  ++stats_.datagrams_in;
  const bool has_type = bytes.size() > 3 && bytes[0] == wire::kMagic0 && bytes[1] == wire::kMagic1;
  ++stats_.in_by_type[has_type ? bytes[3] : 0];
  try {
    node_.on_datagram(now(), channel, from, bytes);
  } catch (const AssertionFailure&) {
    throw;  // The node broke its own invariant: stop (see node_driver.h).
  } catch (...) {
    // The node is meant to reject bad input as a value; reaching here is a bug in the node,
    // but one hostile datagram must still not take the server down.
    ++stats_.node_exceptions;
  }
  flush();
  arm_timer(/*after_tick=*/false);
}

void NodeDriver::on_timer(TimeUs armed_for) {
  if (!running_ || armed_for != armed_for_us_) return;  // Superseded by a later arm.
  armed_for_us_ = -1;
  const TimeUs t = now();
  bool ticked = false;
  // The timer may fire early when the wait was capped at kMaxTimerWaitUs; tick only when due.
  if (t >= node_.next_tick_at()) {
    ticked = true;
    ++stats_.ticks;
    try {
      node_.on_tick(t);
    } catch (const AssertionFailure&) {
      throw;  // The node broke its own invariant: stop (see node_driver.h).
    } catch (...) {
      ++stats_.node_exceptions;
    }
    flush();
  }
  arm_timer(ticked);
}

void NodeDriver::flush() {
  Outbox& outbox = node_.outbox();
  // Durable first: a term or an entry must be on disk before any message announcing it leaves.
  if ((outbox.persisted() || outbox.has_durable_writes()) && callbacks_.on_durable) {
    callbacks_.on_durable(outbox);
  }
  const std::size_t failed = send_outbox(transport_, outbox);
  stats_.send_errors += failed;
  stats_.datagrams_out += outbox.datagrams().size() - failed;
  for (const OutDatagram& d : outbox.datagrams()) ++stats_.out_by_type[d.kind];
  if (callbacks_.on_event) {
    for (const NodeEvent& event : outbox.events()) callbacks_.on_event(event);
  }
  outbox.clear();
}

void NodeDriver::arm_timer(bool after_tick) {
  if (!running_) return;
  const TimeUs t = now();
  TimeUs deadline = std::clamp(node_.next_tick_at(), t, t + kMaxTimerWaitUs);
  if (after_tick && deadline <= t) deadline = t + kMinTickGapUs;
  if (deadline == armed_for_us_) return;  // Already armed for exactly this time.
  armed_for_us_ = deadline;
  // expires_at() cancels the previous wait; its handler sees operation_aborted.
  timer_.expires_at(epoch_ + std::chrono::microseconds(deadline));
  std::weak_ptr<bool> token = alive_;
  timer_.async_wait([this, token, deadline](const asio::error_code& ec) {
    if (ec == asio::error::operation_aborted || token.expired()) return;
    on_timer(deadline);
  });
}

}  // namespace dp
