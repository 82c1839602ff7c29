// Sequencer throughput on one core, no sockets: events ordered into the ring and packed into
// replication batches for every follower (each batch ACKed as soon as it is "sent").
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter=Sequencer
#include <benchmark/benchmark.h>

#include "core/replication/sequencer.h"

namespace dp {
namespace {

void BM_SequencerOrderAndBatch(benchmark::State& state) {
  const auto rooms = static_cast<std::uint32_t>(state.range(0));
  const auto followers = static_cast<int>(state.range(1));
  Sequencer seq;
  seq.reset(1);
  std::vector<NodeId> ids;
  for (int f = 0; f < followers; ++f) {
    ids.push_back(NodeId{static_cast<std::uint64_t>(f + 1), 0});
    seq.add_follower(ids.back(), 0);
    seq.on_snapshot_sent(ids.back(), 0, 0);
  }
  wire::Replicate batch;
  std::vector<NodeId> group;
  wire::RoomEvent tick;
  tick.kind = wire::EventKind::kTick;
  wire::RoomEvent input;
  input.kind = wire::EventKind::kInput;
  input.value = 1;
  std::uint32_t room = 0;
  std::int64_t events = 0;
  std::int64_t batches = 0;
  TimeUs now = 0;
  for (auto _ : state) {
    // One "tick" of every room: an input change for every 4th room, then its tick.
    for (std::uint32_t i = 0; i < 256; ++i) {
      room = (room + 1) % rooms;
      if ((room & 3) == 0) {
        input.room = room;
        seq.order(input);
        ++events;
      }
      tick.room = room;
      seq.order(tick);
      ++events;
    }
    now += 1000;
    while (seq.next_batch(now, batch, group)) {
      seq.mark_sent(group, batch);
      ++batches;
      const std::uint64_t last = batch.first_seq + batch.events.size() - 1;
      for (const auto& id : group) seq.on_ack(id, last, now);
      benchmark::DoNotOptimize(batch.events.size());
    }
  }
  state.SetItemsProcessed(events);
  state.counters["batches"] = static_cast<double>(batches);
  // A batch is encoded once and sent to every follower in step, so this counts per batch.
  state.counters["events_per_batch"] =
      batches ? static_cast<double>(events) / static_cast<double>(batches) : 0.0;
}
BENCHMARK(BM_SequencerOrderAndBatch)
    ->ArgNames({"rooms", "followers"})
    ->Args({1, 2})
    ->Args({1, 4})
    ->Args({1000, 2})
    ->Args({1000, 4});

void BM_SequencerOrderOnly(benchmark::State& state) {
  Sequencer seq;
  seq.reset(1);
  wire::RoomEvent tick;
  tick.kind = wire::EventKind::kTick;
  std::uint32_t room = 0;
  for (auto _ : state) {
    tick.room = room++ & 1023;
    benchmark::DoNotOptimize(seq.order(tick));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SequencerOrderOnly);

}  // namespace
}  // namespace dp
