// Authentication of the datagrams servers send each other, with the cluster key.
//
// Every server-to-server datagram ends in a trailer after its body (the header's body length
// does not count it):
//
//   offset size field
//   0      1    election mode of the sender (a cluster's identity: another mode is refused)
//   1      1    key slot (key_slot_id(); 0: the sender has no key, and the trailer ends here)
//   2      8    boot stamp of the sender (big-endian; larger at every start)
//   10     8    counter, 1, 2, ... within the boot (big-endian)
//   18     16   tag: keyed BLAKE2b-128 (libsodium crypto_generichash) over the header, the
//               body and bytes 0-17 of the trailer
//
// (boot, counter) is the per-sender nonce: the receiver keeps a replay window per sender id
// (the id is in the header, under the tag). A datagram that fails any check is refused before
// it touches the node's state; the window moves only for datagrams whose tag checked.
// During a key rotation a second key is accepted (ClusterKeys::previous).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "core/common/outbox.h"
#include "core/common/types.h"
#include "core/security/cluster_keys.h"
#include "core/security/replay_window.h"

namespace dp {

constexpr std::size_t kTrailerKeylessBytes = 2;
constexpr std::size_t kTrailerKeyedBytes = 34;
constexpr std::size_t kAuthTagBytes = 16;
static_assert(kTrailerKeyedBytes <= Outbox::kMaxSealBytes, "the outbox leaves room to seal");

enum class AuthError : std::uint8_t {
  kUnsigned,     // No trailer, or a keyless one while we hold a key (or the reverse).
  kForeignMode,  // The sender runs another election mode: not of this cluster.
  kBadTag,       // Malformed trailer, unknown key, or a tag that does not check.
  kReplayed,     // Seen already (or older than the window, or an older boot).
};

// A datagram cut into its message (header and body) and what follows (the trailer).
struct SealedParts {
  std::span<const std::uint8_t> message;
  std::span<const std::uint8_t> trailer;
};

class DatagramAuth final : public DatagramSealer {
 public:
  // `mode`: the election mode byte this server runs.
  DatagramAuth(std::uint8_t mode, const ClusterKeys& keys, std::uint64_t boot_stamp);

  bool keyed() const { return !keys_.empty(); }
  // Appends the trailer to the `size` bytes at the start of `room`; returns the new size.
  std::size_t seal(std::span<std::uint8_t> room, std::size_t size) override;

  // Splits at the header's body length (all of it is the message when the header is cut).
  static SealedParts split(std::span<const std::uint8_t> datagram);
  // Checks a datagram from `sender` (read from its header); on success records its nonce.
  std::optional<AuthError> verify(const NodeId& sender, const SealedParts& parts);

  std::uint64_t sent() const { return counter_; }

 private:
  bool tag_checks(const ClusterKey& key, const SealedParts& parts) const;

  std::uint8_t mode_;
  ClusterKeys keys_;
  std::uint8_t primary_slot_ = 0;
  std::uint8_t previous_slot_ = 0;
  std::uint64_t boot_stamp_;
  std::uint64_t counter_ = 0;
  // Bounded: only senders whose tag checked are here (members), at most kMaxWindows.
  std::map<NodeId, ReplayWindow> windows_;
  static constexpr std::size_t kMaxWindows = 256;
};

}  // namespace dp
