// The server fuzz targets' body: a whole ServerNode carrying some services fed hostile
// datagrams on all three sockets (discovery, control, client), so the checks after decoding
// (the channel whitelist, epochs, roles, replication positions, entry blocks, snapshot chunks,
// the services' client requests) see arbitrary values too, not only the decoder.
//
// Input format: see server_records.h. Between records the node's ticks run as a driver would
// run them.
// Oracles: no crash, sanitizer report or failed DP_ASSERT; the node stays within its own
// bounds (the outbox of one step holds a bounded number of datagrams); every datagram counted
// in was either handled or counted as rejected under some DecodeError, and the per-reason
// counts add up.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <numeric>
#include <span>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/replication/service.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/server_records.h"

namespace dp::fuzz {

// Generous bound on datagrams from one step; a runaway loop would exceed it.
constexpr std::size_t kMaxDatagramsPerStep = 4096;

inline void drain(dp::ServerNode& node) {
  FUZZ_CHECK(node.outbox().datagrams().size() <= kMaxDatagramsPerStep);
  for (const dp::OutDatagram& d : node.outbox().datagrams()) {
    FUZZ_CHECK(d.size <= dp::wire::kMaxDatagramSize);
  }
  node.outbox().clear();
}

// The whole target, for a server carrying `services`.
inline int fuzz_server(const std::uint8_t* data, std::size_t size,
                       std::vector<std::unique_ptr<dp::Service>> services) {
  dp::ServerNode node(dp::fuzz::server_config(), std::move(services));
  dp::TimeUs now = 0;
  node.start(now);
  drain(node);
  dp::fuzz::replay(node, now, std::span<const std::uint8_t>(data, size), drain);

  const dp::ServerStats& stats = node.stats();
  FUZZ_CHECK(stats.datagrams_rejected <= stats.datagrams_in);
  FUZZ_CHECK(stats.rejected_by_error[0] == 0);  // No DecodeError has the value 0.
  const std::uint64_t by_reason = std::accumulate(stats.rejected_by_error.begin(),
                                                  stats.rejected_by_error.end(), std::uint64_t{0});
  // Every rejection names its reason, except a body that disagrees with its source address.
  FUZZ_CHECK(by_reason + stats.source_mismatch == stats.datagrams_rejected);
  const dp::LogReplica& replica = node.replica();
  FUZZ_CHECK(replica.stats().gap_applies == 0);
  if (replica.hosting()) FUZZ_CHECK(replica.commit_seq() <= replica.applied_seq());
  return 0;
}

}  // namespace dp::fuzz
