#include "sim/host.h"

namespace dp::sim {

HostSpec server_host_spec(int number, NodeId id) {
  HostSpec spec;
  spec.kind = HostKind::kServer;
  spec.number = number;
  spec.id = id;
  const std::uint32_t ip = server_ip(number);
  spec.endpoints.discovery = Endpoint{ip, kDefaultDiscoveryPort};
  spec.endpoints.control = Endpoint{ip, kDefaultControlPort};
  spec.endpoints.client = Endpoint{ip, kDefaultClientPort};
  spec.endpoints.discovery_port = kDefaultDiscoveryPort;
  spec.has_channel = {true, true, true};
  spec.name = "node " + std::to_string(number);
  return spec;
}

HostSpec client_host_spec(int number, NodeId id) {
  HostSpec spec;
  spec.kind = HostKind::kClient;
  spec.number = number;
  spec.id = id;
  const std::uint32_t ip = client_ip(number);
  spec.endpoints.client = Endpoint{ip, client_port(number)};
  spec.endpoints.discovery_port = kDefaultDiscoveryPort;
  spec.has_channel = {false, false, true};
  spec.name = "client " + std::to_string(number);
  return spec;
}

}  // namespace dp::sim
