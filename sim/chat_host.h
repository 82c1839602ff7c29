// Builds the chat cluster's hosts for the simulator: chat servers (a ServerNode carrying only
// chat::ChatService, on 127.3.0.N with the chat ports 50001/50011/50021) and chat clients
// (dp::ChatClient bots on 127.4.x.y that send "<name> #k" at a steady rate). The chat is a
// separate fault domain: no host, address or port is shared with the game's.
#pragma once

#include <string>

#include "core/cluster/config.h"
#include "sim/host.h"

namespace dp::sim {

constexpr std::uint32_t chat_server_ip(int number) {
  return (127u << 24) | (3u << 16) | static_cast<std::uint32_t>(number);
}
constexpr std::uint32_t chat_client_ip(int number) {
  return (127u << 24) | (4u << 16) | static_cast<std::uint32_t>(number);
}

HostSpec chat_server_host_spec(int number, NodeId id);
HostSpec chat_client_host_spec(int number, NodeId id);

struct ChatBotSpec {
  std::string channel = "lobby";
  int messages = 0;
  TimeUs start_us = 0;
  TimeUs interval_us = 100 * kUsPerMs;
};

// Chat servers with the given mode, timing and per-sender rate limit.
NodeFactory chat_server_factory(ElectionMode mode, const ClusterTiming& timing,
                                std::uint32_t cluster_size, std::uint32_t rate_per_s,
                                std::uint32_t burst, const ClusterKeys& keys = {});
// A chat client named after its host ("chat 3"), recording every line it takes in.
NodeFactory chat_client_factory(const ChatBotSpec& bot);

}  // namespace dp::sim
