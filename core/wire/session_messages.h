// Message bodies of client sessions (service 4, types 50-51). With a cluster key, a client
// asks a server for a session (its X25519 public key, padded so the answer is no larger than
// the question); the server answers with its own one-time public key and a ticket: the
// session key and the client id, sealed with a key derived from the cluster key, so every
// server of the cluster (a new leader after a failover) opens it and none stores it. Both
// sides derive the session key from the exchange; it never travels in clear. Every later
// client datagram carries the ticket, a counter and a tag made with the session key.
#pragma once

#include <array>
#include <cstdint>

#include "core/common/types.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"

namespace dp::wire {

// N raw bytes on the wire (no count: the size is fixed).
template <std::size_t N>
struct RawBytes {
  std::array<std::uint8_t, N> bytes{};
  template <class A>
  void serialize(A& ar) {
    for (auto& b : bytes) ar(b);
  }
  auto operator<=>(const RawBytes&) const = default;
};

constexpr std::size_t kSessionPublicKeyBytes = 32;
// Nonce (24), then the sealed client id and session key (8 + 32) with their tag (16).
constexpr std::size_t kSessionTicketBytes = 24 + 8 + 32 + 16;
constexpr std::size_t kSessionRequestPadding = 96;

struct SessionRequest {
  static constexpr MsgType kType = MsgType::kSessionRequest;
  std::uint64_t client_id = 0;
  RawBytes<kSessionPublicKeyBytes> client_key;
  RawBytes<kSessionRequestPadding> padding;  // Zeros.
  template <class A>
  void serialize(A& ar) {
    ar(client_id, client_key, padding);
  }
  bool valid() const { return client_id != 0; }
};

struct SessionGrant {
  static constexpr MsgType kType = MsgType::kSessionGrant;
  std::uint64_t client_id = 0;
  RawBytes<kSessionPublicKeyBytes> server_key;
  RawBytes<kSessionTicketBytes> ticket;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, server_key, ticket);
  }
  bool valid() const { return client_id != 0; }
};

}  // namespace dp::wire
