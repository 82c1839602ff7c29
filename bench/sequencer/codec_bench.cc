// Encode and decode cost per message (header + cereal portable-binary body).
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter='Encode|Decode'
#include <benchmark/benchmark.h>

#include <array>

#include "core/wire/codec.h"

namespace dp::wire {
namespace {

Replicate full_batch() {
  Replicate r;
  r.first_seq = 1000;
  r.commit_seq = 990;
  for (std::uint32_t i = 0; r.events.size() < 180; ++i) {
    RoomEvent e;
    e.kind = (i % 4 == 0) ? EventKind::kInput : EventKind::kTick;
    e.room = i;
    e.value = 1;
    r.events.push_back(e);
  }
  return r;
}

RoomState sample_state() {
  RoomState s;
  s.room = 17;
  s.seq = 123456;
  s.name.assign("finals");
  s.phase = 2;
  s.ball_x = 100 * 256;
  s.ball_y = 50 * 256;
  return s;
}

template <class Msg>
void encode_loop(benchmark::State& state, const Msg& msg) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto size = encode(NodeId{1, 2}, Epoch{3, NodeId{1, 2}}, msg, buf);
    bytes = *size;
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(bytes);
}

template <class Msg>
void decode_loop(benchmark::State& state, const Msg& msg) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  auto size = encode(NodeId{1, 2}, Epoch{3, NodeId{1, 2}}, msg, buf);
  Decoded out;
  for (auto _ : state) {
    auto status = decode_into(std::span<const std::uint8_t>(buf.data(), *size), out);
    benchmark::DoNotOptimize(status);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EncodeHeartbeat(benchmark::State& s) {
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  hb.hears.push_back(NodeId{2, 2});
  encode_loop(s, hb);
}
void BM_DecodeHeartbeat(benchmark::State& s) {
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  hb.hears.push_back(NodeId{2, 2});
  decode_loop(s, hb);
}
void BM_EncodeReplicate180(benchmark::State& s) { encode_loop(s, full_batch()); }
void BM_DecodeReplicate180(benchmark::State& s) { decode_loop(s, full_batch()); }
void BM_EncodeRoomState(benchmark::State& s) { encode_loop(s, sample_state()); }
void BM_DecodeRoomState(benchmark::State& s) { decode_loop(s, sample_state()); }
BENCHMARK(BM_EncodeHeartbeat);
BENCHMARK(BM_DecodeHeartbeat);
BENCHMARK(BM_EncodeReplicate180);
BENCHMARK(BM_DecodeReplicate180);
BENCHMARK(BM_EncodeRoomState);
BENCHMARK(BM_DecodeRoomState);

}  // namespace
}  // namespace dp::wire
