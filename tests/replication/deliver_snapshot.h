// Test helper: hands `book` to `service` as a snapshot transfer (`id`, as of `seq`) from
// `from`, chunk by chunk, as the wire would.
#pragma once

#include <cstdint>
#include <vector>

#include "core/game/room_book.h"
#include "core/replication/room_service.h"
#include "core/replication/snapshot_assembler.h"

namespace dp::testing {

inline void deliver_snapshot(RoomService& service, TimeUs now, const NodeId& from,
                             const game::RoomBook& book, std::uint64_t id, std::uint64_t seq) {
  std::vector<std::uint8_t> bytes;
  book.save_snapshot(bytes);
  wire::Snapshot chunk;
  for_each_snapshot_chunk(bytes, id, seq, chunk,
                          [&](const wire::Snapshot& c) { service.on_snapshot(now, from, c); });
}

}  // namespace dp::testing
