// A simulated machine: a virtual IPv4 address, up to three UDP sockets, the node running on
// it (absent while crashed) and the "disk" that survives a crash.
//
// Servers get 127.1.0.i (1-based) and the default ports; clients (dp::ClientNode bots) get
// 127.2.x.y with only a client socket, on an ephemeral-looking port. The node itself is built by a
// factory so a restart constructs a fresh object from the same identity and the persisted state,
// exactly like a process restart on a real host.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/common/durable.h"
#include "core/common/node.h"
#include "core/common/outbox.h"
#include "core/common/types.h"

namespace dp::sim {

enum class HostKind : std::uint8_t { kServer = 0, kClient = 1 };

struct HostSpec {
  HostKind kind = HostKind::kServer;
  int number = 0;  // 1-based within its kind: "server 3" / "client 2".
  NodeId id;
  LocalEndpoints endpoints;
  // Which sockets exist, indexed by Channel value.
  std::array<bool, 3> has_channel{true, true, true};
  std::string name;  // "node 3" for servers, "client 2" for clients.
  // Set by the simulator at every start: the simulated time plus one, so it grows across
  // restarts like the real server's wall-clock stamp (ServerConfig::boot_stamp).
  std::uint64_t boot_stamp = 1;
};

// A host's disk: what survives a crash. The node's persisted state (terms) and its services'
// durable records, written from each step's outbox before the step's datagrams leave (the
// driver's promise: nothing is acknowledged before it is on disk). wipe() is a replaced
// machine's empty disk.
struct Disk {
  PersistentState state;
  std::map<RecordKey, std::vector<std::uint8_t>> records;
  Position position;

  void write(const Outbox& outbox);
  DurableState read() const;  // Records in key order.
  // The replacement's operator says so (pong-server --replace): it vouches for nothing
  // before it syncs (see Standing::kJoining).
  void wipe() {
    *this = Disk{};
    state.replacement = true;
  }
  std::size_t record_count(std::uint8_t service, std::uint8_t table) const;
};

// Builds the node for a (re)start from what is on the host's disk; `seed` seeds the node's
// own generator and differs per incarnation.
using NodeFactory = std::function<std::unique_ptr<Node>(const HostSpec& spec, const Disk& disk,
                                                        std::uint64_t seed)>;

// Virtual addresses.
constexpr std::uint32_t server_ip(int number) {
  return (127u << 24) | (1u << 16) | static_cast<std::uint32_t>(number);
}
constexpr std::uint32_t client_ip(int number) {
  const auto n = static_cast<std::uint32_t>(number);
  return (127u << 24) | (2u << 16) | (((n >> 8) & 0xffu) << 8) | (n & 0xffu);
}
// Client sockets sit in the IANA ephemeral range, as an OS-assigned port would.
constexpr std::uint16_t client_port(int number) {
  return static_cast<std::uint16_t>(49152 + (number % 16000));
}

// The host spec of server `number` (1-based) with the default ports.
HostSpec server_host_spec(int number, NodeId id);
// The host spec of client `number` (1-based): one client socket on client_port(number).
HostSpec client_host_spec(int number, NodeId id);

struct Host {
  HostSpec spec;
  NodeFactory factory;
  std::unique_ptr<Node> node;  // Null while crashed or not yet started.
  Disk disk;                   // Survives crashes.
  bool ever_started = false;
  // Bumped on every crash and restart: deliveries addressed to an older incarnation are
  // dropped, so a crash loses what was in flight to the host.
  std::uint64_t incarnation = 0;
  // Bumped whenever the pending tick is superseded; stale tick events are skipped.
  std::uint64_t tick_generation = 0;
  TimeUs tick_at = -1;  // Time of the pending tick event, -1 when none.

  bool up() const { return node != nullptr; }
};

}  // namespace dp::sim
