// Which message families a node accepts on which of its sockets (netcode's allowed_packets).
// A datagram whose type does not belong where it arrived is refused before its body is read
// (DecodeError::kWrongChannel), counted and dropped.
//
//   receiver  socket     accepts
//   server    discovery  DiscoverRequest
//   server    control    the cluster family but DiscoverRequest, the replication family,
//                        the control family (an operator's pong-ctl)
//   server    client     service families (the service refuses its own client-bound types)
//   client    its one    DiscoverResponse, service families
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/message_types.h"

namespace dp::wire {

enum class Receiver : std::uint8_t { kServer, kClient };

constexpr bool allowed_on(Receiver receiver, Channel channel, std::uint8_t type) {
  const Family family = family_of(type);
  const bool discover_request = type == static_cast<std::uint8_t>(MsgType::kDiscoverRequest);
  if (receiver == Receiver::kClient) {
    return channel == Channel::kClient &&
           (type == static_cast<std::uint8_t>(MsgType::kDiscoverResponse) ||
            family == Family::kService);
  }
  switch (channel) {
    case Channel::kDiscovery:
      return discover_request;
    case Channel::kControl:
      return (family == Family::kCluster && !discover_request) || family == Family::kReplication ||
             family == Family::kControl;
    case Channel::kClient:
      return family == Family::kService;
  }
  return false;
}

}  // namespace dp::wire
