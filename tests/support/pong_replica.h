// Test helpers for driving a LogReplica that carries Pong by hand: a replica built the way a
// server builds it, client requests encoded as they arrive on the client socket, and the
// Pong rooms of a replica.
#pragma once

#include <gtest/gtest.h>

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

// Encodes `msg` as a client would send it and hands it to the replica's client path.
template <class Msg>
std::optional<wire::DecodeError> client_send(LogReplica& replica, TimeUs now, Endpoint from,
                                             const Msg& msg, const NodeId& client_node = {0, 7}) {
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  auto size = wire::encode(client_node, Epoch{}, msg, buf);
  EXPECT_TRUE(size.ok());
  const std::span<const std::uint8_t> bytes(buf.data(), *size);
  wire::Header header;
  EXPECT_FALSE(wire::decode_header(bytes, header).has_value());
  return replica.on_client_datagram(now, from, header, wire::body_of(bytes));
}

}  // namespace dp::testing
