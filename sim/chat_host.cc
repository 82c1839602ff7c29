#include "sim/chat_host.h"

#include <memory>

#include "core/client/chat_client.h"
#include "core/services/chat/service.h"
#include "sim/server_host.h"

namespace dp::sim {

HostSpec chat_server_host_spec(int number, NodeId id) {
  HostSpec spec;
  spec.kind = HostKind::kServer;
  spec.number = number;
  spec.id = id;
  const std::uint32_t ip = chat_server_ip(number);
  spec.endpoints.discovery = Endpoint{ip, kDefaultChatDiscoveryPort};
  spec.endpoints.control = Endpoint{ip, kDefaultChatControlPort};
  spec.endpoints.client = Endpoint{ip, kDefaultChatClientPort};
  spec.endpoints.discovery_port = kDefaultChatDiscoveryPort;
  spec.has_channel = {true, true, true};
  spec.name = "chat node " + std::to_string(number);
  return spec;
}

HostSpec chat_client_host_spec(int number, NodeId id) {
  HostSpec spec;
  spec.kind = HostKind::kClient;
  spec.number = number;
  spec.id = id;
  spec.endpoints.client = Endpoint{chat_client_ip(number), client_port(number)};
  spec.endpoints.discovery_port = kDefaultChatDiscoveryPort;
  spec.has_channel = {false, false, true};
  spec.name = "chat client " + std::to_string(number);
  return spec;
}

NodeFactory chat_server_factory(ElectionMode mode, const ClusterTiming& timing,
                                std::uint32_t cluster_size, std::uint32_t rate_per_s,
                                std::uint32_t burst, const ClusterKeys& keys) {
  chat::ChatConfig config;
  config.rate.rate_per_s = rate_per_s;
  config.rate.burst = burst;
  return server_factory(
      mode, timing, ReplicaConfig{}, cluster_size, [config] { return chat::chat_services(config); },
      keys);
}

NodeFactory chat_client_factory(const ChatBotSpec& bot) {
  return [bot](const HostSpec& spec, const Disk&, std::uint64_t seed) -> std::unique_ptr<Node> {
    ChatClientConfig config;
    config.id = spec.id;
    config.endpoints = spec.endpoints;
    config.name = "chat " + std::to_string(spec.number);
    config.channel = bot.channel;
    config.seed = seed;
    config.record_lines = true;
    config.bot_messages = static_cast<std::uint32_t>(bot.messages);
    config.bot_start_us = bot.start_us;
    config.bot_interval_us = bot.interval_us;
    return std::make_unique<ChatClient>(config);
  };
}

}  // namespace dp::sim
