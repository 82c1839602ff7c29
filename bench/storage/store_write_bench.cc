// What durability costs a step: Store::write commits one step's records to the server's
// SQLite database (WAL, synchronous = FULL: on the disk when it returns), before the step's
// datagrams leave. A point in a room writes that room's record and the stream position; a
// match end writes the result, two players and the meta record too. The benchmark writes into
// a fresh data directory under $TMPDIR (or /tmp): run it where the servers keep their data.
//
//   build/bench/storage/store_bench
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/common/outbox.h"
#include "transport/storage/sqlite_store.h"

namespace {

std::string fresh_dir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string base = (tmp != nullptr && *tmp != '\0') ? tmp : "/tmp";
  std::string dir = base + "/dp-store-bench-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) std::abort();
  return dir;
}

// One step's writes: `records` records of `bytes` bytes each (service 1, table 1) and the
// position they reflect.
void fill(dp::Outbox& out, int records, std::size_t bytes, std::uint64_t seq) {
  out.clear();
  std::vector<std::uint8_t> value(bytes, 0x5a);
  for (int i = 0; i < records; ++i) {
    out.put(dp::RecordKey{1, 1, static_cast<std::uint64_t>(i)}, value);
  }
  out.durable_position(dp::Position{dp::Epoch{1, dp::NodeId{1, 1}}, seq});
}

void BM_StoreWrite(benchmark::State& state) {
  const std::string dir = fresh_dir();
  auto store = dp::storage::Store::open(dir);
  if (!store) {
    state.SkipWithError(store.error().c_str());
    return;
  }
  dp::Outbox out;
  std::uint64_t seq = 0;
  for (auto _ : state) {
    fill(out, static_cast<int>(state.range(0)), static_cast<std::size_t>(state.range(1)), ++seq);
    const std::string error = (*store)->write(out);
    if (!error.empty()) state.SkipWithError(error.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  store->reset();
  std::filesystem::remove_all(dir);
}
// A point (one room record), a match end (room, result, two players, meta), a snapshot-sized
// step (200 records).
BENCHMARK(BM_StoreWrite)
    ->ArgNames({"records", "bytes"})
    ->Args({1, 120})
    ->Args({5, 120})
    ->Args({200, 120})
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

}  // namespace
