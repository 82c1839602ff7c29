// The input format of the server_datagram fuzz target, shared with the corpus generator (which
// replays its seeds to check they reach the states they were written for).
//
// Records of [u8 channel][u8 time step ms][u16 little-endian length][bytes], at most
// kMaxRecords. Before each datagram the node's ticks due by its arrival run, as a driver would
// run them (bounded per record).
//
// Servers refuse a server-to-server datagram without the trailer of core/security/
// datagram_auth.h, so the bytes of a record are the message only, and the harness seals it as
// a keyless member of the node's cluster would (tests/support/sealed.h) when its type is one
// servers send each other (the cluster and replication families); a client's request (the
// service families) goes as it is. The channel byte's top bit (kAsIs) sends the bytes exactly
// as they are instead: a client's unsigned discovery request, or a trailer the fuzzer wrote.
// The channel is the byte's other bits modulo 3.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"
#include "core/wire/header.h"
#include "tests/support/sealed.h"

namespace dp::fuzz {

constexpr std::size_t kMaxRecords = 64;
constexpr int kMaxTicksPerRecord = 1000;
// In a record's channel byte: send the bytes unsealed, exactly as they are.
constexpr std::uint8_t kAsIs = 0x80;

// The datagram a record delivers: `bytes` sealed keyless for `mode` when a server would have
// signed them (see the top of this file).
inline std::vector<std::uint8_t> record_datagram(std::uint8_t channel_byte,
                                                 std::span<const std::uint8_t> bytes,
                                                 ElectionMode mode) {
  const bool server_type = bytes.size() > 3 && wire::family_of(bytes[3]) != wire::Family::kService;
  if ((channel_byte & kAsIs) != 0 || !server_type) {
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
  }
  return test::sealed_keyless(bytes, mode);
}

constexpr Endpoint endpoint(std::uint32_t ip, std::uint16_t port) { return Endpoint{ip, port}; }

// The server under test: 127.1.0.5, id {5, 0x5555}.
constexpr NodeId kServerId{5, 0x5555};
constexpr std::uint32_t kServerIp = (127u << 24) | (1u << 16) | 5u;
// Every datagram comes from this endpoint: a peer's control socket (127.1.0.3:50010).
constexpr Endpoint kPeer{(127u << 24) | (1u << 16) | 3u, 50010};

inline ServerConfig server_config() {
  ServerConfig config;
  config.id = kServerId;
  config.endpoints.discovery = endpoint(kServerIp, 50000);
  config.endpoints.control = endpoint(kServerIp, 50010);
  config.endpoints.client = endpoint(kServerIp, 50020);
  // A small retransmit ring: a node is built per input, and the default ring (2^16 slots and
  // a 4 MiB arena) costs milliseconds to allocate under ASan. A small ring also wraps sooner,
  // which exercises the snapshot fallback; the flow-control windows must fit inside it.
  config.replica.sequencer.ring_capacity_log2 = 8;
  config.replica.sequencer.ring_arena_log2 = 12;
  config.replica.sequencer.window_entries = 128;
  config.replica.sequencer.probe_window_entries = 16;
  return config;
}

// Feeds the records of `data` to a started node; calls drain(node) after every step.
template <class Drain>
void replay(ServerNode& node, TimeUs& now, std::span<const std::uint8_t> data, Drain&& drain) {
  std::size_t pos = 0;
  for (std::size_t record = 0; record < kMaxRecords && pos + 4 <= data.size(); ++record) {
    const std::uint8_t channel_byte = data[pos];
    const auto channel = static_cast<Channel>((channel_byte & ~kAsIs) % 3);
    const TimeUs step_us = TimeUs{data[pos + 1]} * kUsPerMs;
    const std::size_t len = std::size_t{data[pos + 2]} | (std::size_t{data[pos + 3]} << 8);
    pos += 4;
    const std::size_t take = std::min(len, data.size() - pos);
    const TimeUs arrive = now + step_us;
    for (int ticks = 0; ticks < kMaxTicksPerRecord && node.next_tick_at() <= arrive; ++ticks) {
      now = std::max(now, node.next_tick_at());
      node.on_tick(now);
      drain(node);
    }
    now = arrive;
    const std::vector<std::uint8_t> datagram =
        record_datagram(channel_byte, data.subspan(pos, take), node.config().mode);
    node.on_datagram(now, channel, kPeer, datagram);
    drain(node);
    pos += take;
  }
}

}  // namespace dp::fuzz
