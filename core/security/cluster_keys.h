// The cluster's shared secret: what lets a server tell a member's datagram from a forgery.
//
// Keys are plain bytes here; reading them from a key file or stretching a passphrase is the
// transport's job (transport/cluster_key_file.h). A key signs and checks the datagrams servers
// send each other (datagram_auth.h) and seals the sessions the leader gives clients
// (session_ticket.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace dp {

constexpr std::size_t kClusterKeyBytes = 32;
using ClusterKey = std::array<std::uint8_t, kClusterKeyBytes>;

struct ClusterKeys {
  // Signs what this server sends, and is accepted.
  std::optional<ClusterKey> primary;
  // Accepted only: during a rotation, the key the other servers may still sign with.
  std::optional<ClusterKey> previous;
  bool empty() const { return !primary.has_value(); }
};

// A one-byte name of a key, sent with every signed datagram so a receiver tries the right
// key first (not secret: a hash of the key's own hash). Never 0, which means "no key".
std::uint8_t key_slot_id(const ClusterKey& key);

}  // namespace dp
