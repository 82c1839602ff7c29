// The receive path every node shares: check the header, then that the type belongs on the
// socket it arrived on; on failure count the reason and report it, so the node simply drops
// the datagram.
#pragma once

#include <span>

#include "core/common/outbox.h"
#include "core/wire/channel_rules.h"
#include "core/wire/codec.h"

namespace dp::wire {

// Stats needs datagrams_rejected and rejected_by_error[DecodeError].
template <class Stats>
void count_rejection(TimeUs now, Channel channel, DecodeError error, Stats& stats, Outbox& outbox) {
  ++stats.datagrams_rejected;
  ++stats.rejected_by_error[static_cast<std::size_t>(error)];
  NodeEvent event = node_event(now, NodeEventKind::kDatagramRejected);
  event.reason = static_cast<std::uint8_t>(error);
  event.channel = channel;
  outbox.emit(event);
}

// Counts the datagram in; returns false (counted as a rejection) unless its header is sound
// and its type is allowed on `channel` for `receiver`. Stats also needs datagrams_in.
template <class Stats>
bool admit_header(TimeUs now, Receiver receiver, Channel channel,
                  std::span<const std::uint8_t> bytes, Header& header, Stats& stats,
                  Outbox& outbox) {
  ++stats.datagrams_in;
  std::optional<DecodeError> error = decode_header(bytes, header);
  if (!error && !allowed_on(receiver, channel, static_cast<std::uint8_t>(header.type))) {
    error = DecodeError::kWrongChannel;
  }
  if (error) {
    count_rejection(now, channel, *error, stats, outbox);
    return false;
  }
  return true;
}

// Decodes the body of an admitted datagram into `out`; false (counted) on error.
template <class Variant, class Stats>
bool decode_counted(TimeUs now, Channel channel, const Header& header,
                    std::span<const std::uint8_t> bytes, Variant& out, Stats& stats,
                    Outbox& outbox) {
  if (auto error = decode_message(header.type, body_of(bytes), out)) {
    count_rejection(now, channel, *error, stats, outbox);
    return false;
  }
  return true;
}

}  // namespace dp::wire
