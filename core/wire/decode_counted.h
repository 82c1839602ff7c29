// The receive path every node shares: decode untrusted bytes into a reused message, and on
// failure count the reason and report it, so the node simply drops the datagram.
#pragma once

#include <span>

#include "core/common/outbox.h"
#include "core/wire/codec.h"

namespace dp::wire {

// Stats needs datagrams_in, datagrams_rejected and rejected_by_error[DecodeError].
template <class Stats>
bool decode_counted(TimeUs now, Channel channel, std::span<const std::uint8_t> bytes, Decoded& out,
                    Stats& stats, Outbox& outbox) {
  ++stats.datagrams_in;
  auto status = decode_into(bytes, out);
  if (auto* error = std::get_if<DecodeError>(&status)) {
    ++stats.datagrams_rejected;
    ++stats.rejected_by_error[static_cast<std::size_t>(*error)];
    outbox.emit(NodeEvent{now,
                          NodeEventKind::kDatagramRejected,
                          {},
                          {},
                          static_cast<std::int64_t>(*error),
                          static_cast<std::int64_t>(channel)});
    return false;
  }
  return true;
}

}  // namespace dp::wire
