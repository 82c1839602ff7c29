// libFuzzer target: a whole ServerNode fed hostile datagrams on all three sockets, so the
// checks after decoding (epochs, roles, replication positions, snapshot chunks, client
// joins and inputs) see arbitrary values too, not only the decoder.
//
// Input format: records of [u8 channel][u8 time step ms][u16 little-endian length][bytes],
// at most kMaxRecords. Between records the node's ticks run as a driver would run them.
// Oracle: no crash or sanitizer report, and the node stays within its own bounds: the outbox
// of one step holds a bounded number of datagrams.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/cluster/server_node.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr std::size_t kMaxRecords = 64;
// Generous bound on datagrams from one step; a runaway loop would exceed it.
constexpr std::size_t kMaxDatagramsPerStep = 4096;

dp::Endpoint endpoint(std::uint32_t ip, std::uint16_t port) {
  dp::Endpoint e;
  e.ip = ip;
  e.port = port;
  return e;
}

void drain(dp::ServerNode& node) {
  FUZZ_CHECK(node.outbox().datagrams().size() <= kMaxDatagramsPerStep);
  node.outbox().clear();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dp::ServerConfig config;
  config.id = dp::NodeId{5, 0x5555};
  const std::uint32_t ip = (127u << 24) | (1u << 16) | 5u;
  config.endpoints.discovery = endpoint(ip, 50000);
  config.endpoints.control = endpoint(ip, 50010);
  config.endpoints.client = endpoint(ip, 50020);
  // A small retransmit ring: a node is built per input, and the default 2^16-event ring
  // costs milliseconds to allocate under ASan. A small ring also wraps sooner, which
  // exercises the snapshot fallback.
  config.rooms.sequencer.ring_capacity_log2 = 8;
  dp::ServerNode node(config);
  dp::TimeUs now = 0;
  node.start(now);
  drain(node);
  const dp::Endpoint peer = endpoint((127u << 24) | (1u << 16) | 3u, 50010);
  std::size_t pos = 0;
  for (std::size_t record = 0; record < kMaxRecords && pos + 4 <= size; ++record) {
    const auto channel = static_cast<dp::Channel>(data[pos] % 3);
    const dp::TimeUs step_us = dp::TimeUs{data[pos + 1]} * dp::kUsPerMs;
    const std::size_t len = std::size_t{data[pos + 2]} | (std::size_t{data[pos + 3]} << 8);
    pos += 4;
    const std::size_t take = std::min(len, size - pos);
    // Ticks due before the datagram arrives, as the driver would run them (bounded).
    const dp::TimeUs arrive = now + step_us;
    for (int ticks = 0; ticks < 1000 && node.next_tick_at() <= arrive; ++ticks) {
      now = std::max(now, node.next_tick_at());
      node.on_tick(now);
      drain(node);
    }
    now = arrive;
    node.on_datagram(now, channel, peer, std::span<const std::uint8_t>(data + pos, take));
    drain(node);
    pos += take;
  }
  return 0;
}
