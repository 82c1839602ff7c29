// Test and benchmark helpers for driving a LogReplica that carries Pong by hand: a replica
// built the way a server builds it, client requests encoded as they arrive on the client
// socket, and the Pong rooms of a replica.
#pragma once

#include <array>
#include <memory>

#include "core/replication/log_replica.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"

namespace dp::testing {

inline LogReplica make_pong_replica(const NodeId& self, Outbox& out,
                                    const ReplicaConfig& replica = {},
                                    const pong::PongConfig& pong = {}) {
  return LogReplica(replica, self, out, pong::pong_services(pong));
}

inline const pong::PongService& pong_of(const LogReplica& replica) {
  return *replica.services().find<pong::PongService>();
}
inline const pong::RoomBook& book_of(const LogReplica& replica) { return pong_of(replica).book(); }

// Encodes `msg` as a client would send it and hands it to the replica's client path, as a
// server does for a datagram on its client socket; returns why it was refused, if it was.
template <class Msg>
std::optional<wire::DecodeError> client_send(LogReplica& replica, TimeUs now, Endpoint from,
                                             const Msg& msg, const NodeId& client_node = {0, 7}) {
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  auto size = wire::encode(client_node, Epoch{}, msg, buf);
  if (!size.ok()) return wire::DecodeError::kTooLong;
  const std::span<const std::uint8_t> bytes(buf.data(), *size);
  wire::Header header;
  if (auto error = wire::decode_header(bytes, header)) return error;
  return replica.on_client_datagram(now, from, header, wire::body_of(bytes));
}

}  // namespace dp::testing
