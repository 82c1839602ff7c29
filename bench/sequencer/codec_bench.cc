// Encode and decode cost per message (header + cereal portable-binary body).
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter='Encode|Decode'
#include <benchmark/benchmark.h>

#include <array>
#include <type_traits>

#include "core/services/pong/event.h"
#include "core/wire/codec.h"

namespace dp::wire {
namespace {

// A full replication batch of real Pong entries: every 4th an input, the rest ticks, appended
// until the block holds no more (the leader's batches under load look like this).
Replicate full_batch() {
  Replicate r;
  r.first_seq = 1000;
  r.commit_seq = 990;
  std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
  for (std::uint32_t i = 0;; ++i) {
    pong::Event e =
        pong::make_event((i % 4 == 0) ? pong::EventKind::kInput : pong::EventKind::kTick, 1000 + i);
    e.slot = static_cast<std::uint8_t>(i & 1);
    e.direction = 1;
    const std::size_t n = e.encode(payload);
    if (!r.entries.append(
            EntryView{kPongService, static_cast<std::uint8_t>(e.kind), {payload.data(), n}})) {
      break;
    }
  }
  return r;
}

RoomState sample_state() {
  RoomState s;
  s.room = 17;
  s.seq = 123456;
  s.name.assign("finals");
  s.phase = 2;
  s.your_slot = 1;
  s.score_left = 3;
  s.tick = 4000;
  s.paddle_left_y = 60 * 256;
  s.paddle_right_y = 40 * 256;
  s.leader_control = Endpoint{0x7f010001, 50010};
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
  if constexpr (std::is_same_v<Msg, Replicate>) {
    state.counters["entries"] = static_cast<double>(msg.entries.count());
  }
}

template <class Msg>
void decode_loop(benchmark::State& state, const Msg& msg) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  auto size = encode(NodeId{1, 2}, Epoch{3, NodeId{1, 2}}, msg, buf);
  Decoded out;
  for (auto _ : state) {
    auto error = decode_into(std::span<const std::uint8_t>(buf.data(), *size), out);
    if (error) state.SkipWithError(decode_error_name(*error));
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["bytes"] = static_cast<double>(*size);
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
void BM_EncodeReplicateFull(benchmark::State& s) { encode_loop(s, full_batch()); }
void BM_DecodeReplicateFull(benchmark::State& s) { decode_loop(s, full_batch()); }
void BM_EncodeRoomState(benchmark::State& s) { encode_loop(s, sample_state()); }
void BM_DecodeRoomState(benchmark::State& s) { decode_loop(s, sample_state()); }
BENCHMARK(BM_EncodeHeartbeat);
BENCHMARK(BM_DecodeHeartbeat);
BENCHMARK(BM_EncodeReplicateFull);
BENCHMARK(BM_DecodeReplicateFull);
BENCHMARK(BM_EncodeRoomState);
BENCHMARK(BM_DecodeRoomState);

}  // namespace
}  // namespace dp::wire
