// Test helper: hands a replica state to a LogReplica as a snapshot transfer (`id`, as of
// `seq`) from `from`, chunk by chunk, as the wire would.
//
// A replica's snapshot is its ServiceRegistry's composition (service_registry.h: magic,
// version, then each service's own snapshot), so a Pong book is wrapped the way a leader
// carrying Pong would send it: a registry around a PongService holding that book.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "core/replication/log_replica.h"
#include "core/replication/service_registry.h"
#include "core/replication/snapshot_assembler.h"
#include "core/services/pong/book.h"
#include "core/services/pong/service.h"

namespace dp::testing {

// The snapshot of a replica that carries Pong with `book` as its rooms.
inline std::vector<std::uint8_t> replica_state_of(const pong::RoomBook& book) {
  std::vector<std::uint8_t> book_bytes;
  book.save_snapshot(book_bytes);
  auto service = std::make_unique<pong::PongService>();
  EXPECT_TRUE(service->load_snapshot(book_bytes));
  std::vector<std::unique_ptr<Service>> services;
  services.push_back(std::move(service));
  const ServiceRegistry registry(std::move(services));
  std::vector<std::uint8_t> bytes;
  registry.save_snapshot(bytes);
  return bytes;
}

// The snapshot `replica` would send of itself.
inline std::vector<std::uint8_t> replica_state_of(const LogReplica& replica) {
  std::vector<std::uint8_t> bytes;
  replica.services().save_snapshot(bytes);
  return bytes;
}

inline void deliver_state(LogReplica& replica, TimeUs now, const NodeId& from,
                          std::span<const std::uint8_t> state, std::uint64_t id,
                          std::uint64_t seq) {
  wire::Snapshot chunk;
  for_each_snapshot_chunk(state, id, seq, chunk,
                          [&](const wire::Snapshot& c) { replica.on_snapshot(now, from, c); });
}

inline void deliver_snapshot(LogReplica& replica, TimeUs now, const NodeId& from,
                             const pong::RoomBook& book, std::uint64_t id, std::uint64_t seq) {
  deliver_state(replica, now, from, replica_state_of(book), id, seq);
}

}  // namespace dp::testing
