// Durable state: what a server keeps on disk so that a restart loses nothing a player saw.
//
// A service's durable state is a set of records, (service, table, key) -> bytes; the log
// replica emits them through the outbox as durable entries are applied, and the driver writes
// them (SQLite on a real host, the emulated disk in the simulator) before it sends the step's
// datagrams, so an ACK never leaves before the entries it acknowledges are on disk. At
// start-up the driver hands the records back (DurableState) and the services rebuild from
// them. Records are untrusted on the way back in: a service refuses what does not decode.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/common/position.h"

namespace dp {

struct RecordKey {
  std::uint8_t service = 0;
  std::uint8_t table = 0;
  std::uint64_t key = 0;
  auto operator<=>(const RecordKey&) const = default;
};

// One record as read back from disk.
struct StoredRecord {
  RecordKey key;
  std::vector<std::uint8_t> value;
};

// What a server finds on its disk at start-up (beyond PersistentState).
struct DurableState {
  // The last durable entry on disk: the epoch of the stream it came from and its seq (none
  // when nothing durable was ever written).
  Position position;
  std::vector<StoredRecord> records;  // In key order.
  bool empty() const { return position.epoch.is_none() && records.empty(); }
};

// Where a service puts the records that hold its durable state.
class RecordSink {
 public:
  // At most kMaxValueBytes per record.
  static constexpr std::size_t kMaxValueBytes = 1024;
  virtual void put(const RecordKey& key, std::span<const std::uint8_t> value) = 0;
  virtual void erase(const RecordKey& key) = 0;

 protected:
  ~RecordSink() = default;
};

}  // namespace dp
