#include "sim/scenario_chat.h"

#include "core/wire/chat_text.h"
#include "sim/network.h"

namespace dp::sim {

void read_chat(const scenario_reader::TableReader& r, Scenario& s) {
  r.only_keys({"servers", "clients", "messages", "rate_per_s", "start_ms", "channel", "flooders",
               "flood_rate_per_s", "flood_messages", "server_rate_per_s", "server_burst"});
  ChatSpec& c = s.chat;
  c.servers = static_cast<int>(*r.integer("servers", true, 1, kMaxChatServers));
  const int hosts_left =
      static_cast<int>(kMaxHosts) - s.servers - static_cast<int>(s.clients.size()) - c.servers;
  if (hosts_left < 0) r.fail("servers", "too many hosts: servers, clients and chat servers");
  if (auto v = r.integer("clients", false, 0, std::min(kMaxChatClients, hosts_left))) {
    c.clients = static_cast<int>(*v);
  }
  if (auto v = r.integer("messages", false, 0, 100000)) c.messages = static_cast<int>(*v);
  if (auto v = r.integer("rate_per_s", false, 1, 1000)) c.interval_us = kUsPerSecond / *v;
  if (auto v = r.integer("start_ms", false, 0, s.duration_us / kUsPerMs)) {
    c.start_us = *v * kUsPerMs;
  }
  if (auto v = r.string("channel", false)) {
    if (!wire::valid_chat_channel(*v)) {
      r.fail("channel", "key 'chat.channel' must be 1-40 printable ASCII characters, no space");
    }
    c.channel = *v;
  }
  if (auto v = r.integer("flooders", false, 0, c.clients)) c.flooders = static_cast<int>(*v);
  if (auto v = r.integer("flood_rate_per_s", false, 1, 1000)) {
    c.flood_interval_us = kUsPerSecond / *v;
  }
  if (auto v = r.integer("flood_messages", false, 0, 100000)) {
    c.flood_messages = static_cast<int>(*v);
  }
  if (auto v = r.integer("server_rate_per_s", false, 1, 100000)) {
    c.server_rate_per_s = static_cast<std::uint32_t>(*v);
  }
  if (auto v = r.integer("server_burst", false, 1, 100000)) {
    c.server_burst = static_cast<std::uint32_t>(*v);
  }
}

}  // namespace dp::sim
