#include "core/security/datagram_auth.h"

#include <sodium.h>

#include <cstring>

#include "core/common/assert.h"
#include "core/common/big_endian.h"

namespace dp {
namespace {

constexpr std::size_t kHeaderBytes = 46;  // wire/header.h (kept free of a wire dependency).
constexpr std::size_t kBodySizeOffset = 44;
constexpr std::size_t kSignedTrailerBytes = kTrailerKeyedBytes - kAuthTagBytes;

void compute_tag(const ClusterKey& key, std::span<const std::uint8_t> message,
                 const std::uint8_t* trailer, std::uint8_t* tag) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kAuthTagBytes);
  crypto_generichash_update(&state, message.data(), message.size());
  crypto_generichash_update(&state, trailer, kSignedTrailerBytes);
  crypto_generichash_final(&state, tag, kAuthTagBytes);
}

}  // namespace

DatagramAuth::DatagramAuth(std::uint8_t mode, const ClusterKeys& keys, std::uint64_t boot_stamp)
    : mode_(mode), keys_(keys), boot_stamp_(boot_stamp) {
  DP_ASSERT(sodium_init() >= 0, "libsodium failed to initialise");
  if (keys_.primary) primary_slot_ = key_slot_id(*keys_.primary);
  if (keys_.previous) previous_slot_ = key_slot_id(*keys_.previous);
}

std::size_t DatagramAuth::seal(std::span<std::uint8_t> room, std::size_t size) {
  const std::size_t trailer = keyed() ? kTrailerKeyedBytes : kTrailerKeylessBytes;
  DP_ASSERT(size + trailer <= room.size(), "no room to seal a datagram");
  std::uint8_t* t = room.data() + size;
  t[0] = mode_;
  t[1] = primary_slot_;
  if (!keyed()) return size + trailer;
  put_be64(t + 2, boot_stamp_);
  put_be64(t + 10, ++counter_);
  compute_tag(*keys_.primary, room.first(size), t, t + kSignedTrailerBytes);
  return size + trailer;
}

SealedParts DatagramAuth::split(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kHeaderBytes) return {datagram, {}};
  const std::size_t body =
      (std::size_t{datagram[kBodySizeOffset]} << 8) | std::size_t{datagram[kBodySizeOffset + 1]};
  const std::size_t message = kHeaderBytes + body;
  if (message >= datagram.size()) return {datagram, {}};
  return {datagram.first(message), datagram.subspan(message)};
}

bool DatagramAuth::tag_checks(const ClusterKey& key, const SealedParts& parts) const {
  std::uint8_t tag[kAuthTagBytes];
  compute_tag(key, parts.message, parts.trailer.data(), tag);
  return sodium_memcmp(tag, parts.trailer.data() + kSignedTrailerBytes, kAuthTagBytes) == 0;
}

std::optional<AuthError> DatagramAuth::verify(const NodeId& sender, const SealedParts& parts) {
  const auto& t = parts.trailer;
  if (t.size() < kTrailerKeylessBytes) return AuthError::kUnsigned;
  if (t[0] != mode_) return AuthError::kForeignMode;
  const std::uint8_t slot = t[1];
  if (!keyed()) {
    if (slot != 0) return AuthError::kUnsigned;
    return t.size() == kTrailerKeylessBytes ? std::nullopt
                                            : std::optional<AuthError>(AuthError::kBadTag);
  }
  if (slot == 0) return AuthError::kUnsigned;
  if (t.size() != kTrailerKeyedBytes) return AuthError::kBadTag;
  const ClusterKey* key = nullptr;
  if (slot == primary_slot_) key = &*keys_.primary;
  const bool try_previous = keys_.previous && slot == previous_slot_;
  bool ok = key != nullptr && tag_checks(*key, parts);
  if (!ok && try_previous) ok = tag_checks(*keys_.previous, parts);
  if (!ok) return AuthError::kBadTag;
  const std::uint64_t boot = get_be64(t.data() + 2);
  const std::uint64_t counter = get_be64(t.data() + 10);
  auto it = windows_.find(sender);
  if (it == windows_.end()) {
    if (windows_.size() >= kMaxWindows) windows_.erase(windows_.begin());
    it = windows_.emplace(sender, ReplayWindow{}).first;
  }
  if (!it->second.fresh(boot, counter)) return AuthError::kReplayed;
  it->second.accept(boot, counter);
  return std::nullopt;
}

}  // namespace dp
