#include "core/common/types.h"

#include <cstdio>

namespace dp {

std::string NodeId::short_str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(lo & 0xffffffffu));
  return buf;
}

std::string NodeId::str() const {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(hi),
                static_cast<unsigned long long>(lo));
  return buf;
}

std::string ipv4_str(std::uint32_t ip) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (ip >> 24) & 0xffu, (ip >> 16) & 0xffu,
                (ip >> 8) & 0xffu, ip & 0xffu);
  return buf;
}

std::string Endpoint::str() const { return ipv4_str(ip) + ":" + std::to_string(port); }

std::string Epoch::str() const {
  if (is_none()) return "none";
  return std::to_string(term) + "/" + leader.short_str();
}

const char* channel_name(Channel channel) {
  switch (channel) {
    case Channel::kDiscovery:
      return "discovery";
    case Channel::kControl:
      return "control";
    case Channel::kClient:
      return "client";
  }
  return "?";
}

}  // namespace dp
