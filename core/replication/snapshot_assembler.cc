#include "core/replication/snapshot_assembler.h"

#include <algorithm>

namespace dp {

void SnapshotAssembler::clear() {
  id_ = 0;
  received_ = 0;
  chunk_count_ = 0;
  have_.clear();
  data_.clear();
}

bool SnapshotAssembler::add(const wire::Snapshot& chunk) {
  if (!chunk.valid()) return false;
  if (chunk.snapshot_id != id_ || chunk.chunk_count != chunk_count_ ||
      chunk.total_bytes != total_bytes_ || chunk.seq != seq_) {
    // A new transfer replaces any unfinished one.
    id_ = chunk.snapshot_id;
    seq_ = chunk.seq;
    chunk_count_ = chunk.chunk_count;
    total_bytes_ = chunk.total_bytes;
    received_ = 0;
    have_.assign(chunk_count_, false);
    data_.assign(total_bytes_, 0);
  }
  if (have_[chunk.chunk]) return received_ == chunk_count_;
  const std::size_t begin = std::size_t{chunk.chunk} * wire::kSnapshotChunkBytes;
  const std::size_t expected = std::min<std::size_t>(
      wire::kSnapshotChunkBytes, total_bytes_ > begin ? total_bytes_ - begin : 0);
  if (chunk.data.size() != expected) return false;  // Inconsistent chunk: ignore it.
  std::copy(chunk.data.begin(), chunk.data.end(), data_.begin() + static_cast<long>(begin));
  have_[chunk.chunk] = true;
  ++received_;
  return received_ == chunk_count_;
}

}  // namespace dp
