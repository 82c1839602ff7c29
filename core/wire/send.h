// Encodes a message straight into a node's outbox (no allocation after warm-up).
#pragma once

#include "core/common/outbox.h"
#include "core/wire/codec.h"

namespace dp::wire {

static_assert(Outbox::kMaxDatagram == kMaxDatagramSize,
              "the outbox reserves exactly one datagram of the wire's size");

// Returns false (and sends nothing) if the message does not fit one datagram or `to` is unset.
template <class Msg>
bool send_message(Outbox& outbox, const NodeId& sender, const Epoch& epoch, Channel from,
                  Endpoint to, const Msg& msg) {
  if (to.is_unset()) return false;
  auto size = encode(sender, epoch, msg, outbox.begin_datagram());
  if (!size) {
    outbox.abort_datagram();
    return false;
  }
  outbox.commit_datagram(from, false, to, *size, static_cast<std::uint8_t>(Msg::kType));
  return true;
}

// Broadcasts to `port` on the discovery address.
template <class Msg>
bool broadcast_message(Outbox& outbox, const NodeId& sender, const Epoch& epoch, Channel from,
                       std::uint16_t port, const Msg& msg) {
  auto size = encode(sender, epoch, msg, outbox.begin_datagram());
  if (!size) {
    outbox.abort_datagram();
    return false;
  }
  outbox.commit_datagram(from, true, Endpoint{0, port}, *size,
                         static_cast<std::uint8_t>(Msg::kType));
  return true;
}

}  // namespace dp::wire
