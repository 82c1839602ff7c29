// Reassembles a snapshot that arrives as numbered chunks, possibly out of order, duplicated
// or incomplete. Bounded: at most wire::kMaxSnapshotChunks chunks of kSnapshotChunkBytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/wire/replication_messages.h"

namespace dp {

class SnapshotAssembler {
 public:
  // Feeds one chunk (already validated by the decoder). Returns true when the transfer is
  // complete; then bytes() and seq() describe it until the next add() of another id.
  bool add(const wire::Snapshot& chunk);
  void clear();
  std::uint64_t seq() const { return seq_; }
  std::uint64_t snapshot_id() const { return id_; }
  std::span<const std::uint8_t> bytes() const { return {data_.data(), total_bytes_}; }

 private:
  std::uint64_t id_ = 0;
  std::uint64_t seq_ = 0;
  std::uint32_t chunk_count_ = 0;
  std::uint32_t total_bytes_ = 0;
  std::uint32_t received_ = 0;
  std::vector<bool> have_;
  std::vector<std::uint8_t> data_;
};

// Splits serialized state into chunks for sending; calls emit(chunk) for each.
template <class Emit>
void for_each_snapshot_chunk(std::span<const std::uint8_t> state, std::uint64_t snapshot_id,
                             std::uint64_t seq, wire::Snapshot& chunk, Emit&& emit) {
  const std::size_t n = wire::kSnapshotChunkBytes;
  const std::size_t count = state.empty() ? 1 : (state.size() + n - 1) / n;
  chunk.snapshot_id = snapshot_id;
  chunk.seq = seq;
  chunk.chunk_count = static_cast<std::uint32_t>(count);
  chunk.total_bytes = static_cast<std::uint32_t>(state.size());
  for (std::size_t i = 0; i < count; ++i) {
    chunk.chunk = static_cast<std::uint32_t>(i);
    chunk.data.clear();
    const std::size_t begin = i * n;
    const std::size_t end = std::min(state.size(), begin + n);
    for (std::size_t b = begin; b < end; ++b) chunk.data.push_back(state[b]);
    emit(chunk);
  }
}

}  // namespace dp
