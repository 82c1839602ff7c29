// libFuzzer target: SnapshotAssembler fed a sequence of decoded Snapshot chunks.
//
// Input format: records of [u16 little-endian length][that many datagram bytes], at most
// kMaxRecords of them. Each record goes through wire::decode(); decoded Snapshot chunks are
// fed to the assembler (other message types are skipped), exactly what a follower does.
//
// Oracle: an independent model of the transfer rules (a chunk with a different id, seq,
// count or size starts a new transfer; chunks must carry exactly their share of the bytes;
// duplicates change nothing). The assembler must report completion when the model does, and
// the assembled bytes must equal the model's. Completed state is also installed into a
// ServiceRegistry carrying Pong, as a follower would: refused, it leaves the state unchanged;
// accepted, it re-saves to bytes that install again with the same digest.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "core/replication/service_registry.h"
#include "core/replication/snapshot_assembler.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr std::size_t kMaxRecords = 64;

struct Model {
  bool started = false;
  std::uint64_t id = 0, seq = 0;
  std::uint32_t count = 0, total = 0;
  std::map<std::uint32_t, std::vector<std::uint8_t>> chunks;

  bool add(const dp::wire::Snapshot& c) {
    if (!c.valid()) return false;
    if (!started || c.snapshot_id != id || c.seq != seq || c.chunk_count != count ||
        c.total_bytes != total) {
      started = true;
      id = c.snapshot_id;
      seq = c.seq;
      count = c.chunk_count;
      total = c.total_bytes;
      chunks.clear();
    }
    if (chunks.count(c.chunk)) return chunks.size() == count;
    const std::uint64_t begin = std::uint64_t{c.chunk} * dp::wire::kSnapshotChunkBytes;
    const std::uint64_t share =
        total > begin ? std::min<std::uint64_t>(dp::wire::kSnapshotChunkBytes, total - begin) : 0;
    if (c.data.size() != share) return false;
    chunks[c.chunk] = std::vector<std::uint8_t>(c.data.begin(), c.data.end());
    return chunks.size() == count;
  }
  std::vector<std::uint8_t> bytes() const {
    std::vector<std::uint8_t> out;
    for (const auto& [index, data] : chunks) out.insert(out.end(), data.begin(), data.end());
    return out;
  }
};

// What a follower does with a completed transfer.
void install(std::span<const std::uint8_t> bytes) {
  dp::ServiceRegistry registry(dp::pong::pong_services(dp::pong::PongConfig{}));
  const std::uint64_t empty_digest = registry.digest();
  if (!registry.load_snapshot(bytes)) {
    FUZZ_CHECK(registry.digest() == empty_digest);
    return;
  }
  std::vector<std::uint8_t> saved;
  registry.save_snapshot(saved);
  dp::ServiceRegistry copy(dp::pong::pong_services(dp::pong::PongConfig{}));
  FUZZ_CHECK(copy.load_snapshot(saved));
  FUZZ_CHECK(copy.digest() == registry.digest());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dp::SnapshotAssembler assembler;
  Model model;
  std::size_t pos = 0;
  for (std::size_t record = 0; record < kMaxRecords && pos + 2 <= size; ++record) {
    const std::size_t len = std::size_t{data[pos]} | (std::size_t{data[pos + 1]} << 8);
    pos += 2;
    const std::size_t take = std::min(len, size - pos);
    auto decoded = dp::wire::decode(std::span<const std::uint8_t>(data + pos, take));
    pos += take;
    if (!decoded.ok()) continue;
    const auto* chunk = std::get_if<dp::wire::Snapshot>(&decoded->body);
    if (chunk == nullptr) continue;
    const bool done = assembler.add(*chunk);
    const bool model_done = model.add(*chunk);
    FUZZ_CHECK(done == model_done);
    if (!done) continue;
    FUZZ_CHECK(assembler.snapshot_id() == model.id);
    FUZZ_CHECK(assembler.seq() == model.seq);
    const std::span<const std::uint8_t> got = assembler.bytes();
    const std::vector<std::uint8_t> want = model.bytes();
    FUZZ_CHECK(got.size() == want.size());
    FUZZ_CHECK(std::equal(got.begin(), got.end(), want.begin()));
    install(got);
  }
  return 0;
}
