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

void Disk::write(const Outbox& outbox) {
  if (outbox.persisted()) state = *outbox.persisted();
  if (outbox.records_replace()) records.clear();
  for (const OutRecord& r : outbox.records()) {
    if (r.erase) {
      records.erase(r.key);
    } else {
      const auto value = outbox.record_value(r);
      records[r.key].assign(value.begin(), value.end());
    }
  }
  if (outbox.stored_position()) position = *outbox.stored_position();
}

DurableState Disk::read() const {
  DurableState out;
  out.position = position;
  out.records.reserve(records.size());
  for (const auto& [key, value] : records) out.records.push_back(StoredRecord{key, value});
  return out;
}

std::size_t Disk::record_count(std::uint8_t service, std::uint8_t table) const {
  std::size_t n = 0;
  for (const auto& [key, value] : records) n += key.service == service && key.table == table;
  return n;
}

}  // namespace dp::sim
