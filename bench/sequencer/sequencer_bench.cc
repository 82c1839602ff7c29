// Sequencer throughput on one core, no sockets: Pong entries ordered into the ring and packed
// into replication batches for every follower (each batch ACKed as soon as it is "sent").
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter=Sequencer
#include <benchmark/benchmark.h>

#include <array>

#include "core/replication/sequencer.h"
#include "core/services/pong/event.h"

namespace dp {
namespace {

// A Pong event encoded as the log entry the leader's Pong service orders.
struct EncodedEvent {
  explicit EncodedEvent(const pong::Event& e) : kind(static_cast<std::uint8_t>(e.kind)) {
    size = e.encode(payload);
  }
  wire::EntryView view() const { return {wire::kPongService, kind, {payload.data(), size}}; }

  std::uint8_t kind;
  std::size_t size = 0;
  std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
};

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
  // Every room's entries, encoded once as the Pong service encodes them (so batch sizes are
  // real): the timed loop measures the sequencer, not Pong's encoder.
  std::vector<EncodedEvent> ticks;
  std::vector<EncodedEvent> inputs;
  for (std::uint32_t r = 0; r < rooms; ++r) {
    ticks.emplace_back(pong::make_event(pong::EventKind::kTick, r));
    pong::Event input = pong::make_event(pong::EventKind::kInput, r);
    input.direction = 1;
    input.slot = static_cast<std::uint8_t>((r >> 2) & 1);
    inputs.emplace_back(input);
  }
  std::uint32_t room = 0;
  std::int64_t events = 0;
  std::int64_t batches = 0;
  std::int64_t batch_bytes = 0;
  TimeUs now = 0;
  for (auto _ : state) {
    // One "tick" of every room: an input change for every 4th room, then its tick.
    for (std::uint32_t i = 0; i < 256; ++i) {
      room = (room + 1) % rooms;
      if ((room & 3) == 0) {
        seq.order(inputs[room].view());
        ++events;
      }
      seq.order(ticks[room].view());
      ++events;
    }
    now += 1000;
    while (seq.next_batch(now, batch, group)) {
      seq.mark_sent(group, batch);
      ++batches;
      batch_bytes += static_cast<std::int64_t>(batch.entries.size_bytes());
      const std::uint64_t last = batch.first_seq + batch.entries.count() - 1;
      for (const auto& id : group) seq.on_ack(id, last, now);
      benchmark::DoNotOptimize(batch.entries.count());
    }
  }
  state.SetItemsProcessed(events);
  state.counters["batches"] = static_cast<double>(batches);
  // A batch is encoded once and sent to every follower in step, so this counts per batch.
  state.counters["events_per_batch"] =
      batches ? static_cast<double>(events) / static_cast<double>(batches) : 0.0;
  state.counters["entry_bytes_per_batch"] =
      batches ? static_cast<double>(batch_bytes) / static_cast<double>(batches) : 0.0;
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
  std::vector<EncodedEvent> ticks;
  for (std::uint32_t r = 0; r < 1024; ++r) {
    ticks.emplace_back(pong::make_event(pong::EventKind::kTick, r));
  }
  std::uint32_t room = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(seq.order(ticks[room++ & 1023].view()));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SequencerOrderOnly);

}  // namespace
}  // namespace dp
