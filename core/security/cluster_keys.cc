#include "core/security/cluster_keys.h"

#include <sodium.h>

namespace dp {

std::uint8_t key_slot_id(const ClusterKey& key) {
  static constexpr std::uint8_t kLabel[] = "distributed-pong key slot";
  std::array<std::uint8_t, 16> digest{};
  crypto_generichash(digest.data(), digest.size(), kLabel, sizeof kLabel - 1, key.data(),
                     key.size());
  return static_cast<std::uint8_t>(digest[0] == 0 ? 1 : digest[0]);
}

}  // namespace dp
