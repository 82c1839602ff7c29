// The leader's whole tick on one core, no sockets: plan every room's events, order them,
// apply them (Pong physics), pack and encode replication batches for the followers, and
// encode a state datagram for every player. Items are events ordered.
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter=LeaderTick
#include <benchmark/benchmark.h>

#include "core/replication/room_service.h"

namespace dp {
namespace {

void BM_LeaderTick(benchmark::State& state) {
  const auto rooms = static_cast<std::uint32_t>(state.range(0));
  const auto followers = static_cast<std::uint64_t>(state.range(1));
  Outbox out;
  RoomServiceConfig config;
  config.forfeit_timeout_us = 3600 * kUsPerSecond;
  config.target_score = 99;  // No match ends within the measured ticks.
  RoomService leader(config, NodeId{100, 0}, out);
  TimeUs now = 1'000'000;
  leader.on_become_leader(now, Epoch{1, NodeId{100, 0}});
  std::map<NodeId, Endpoint> links;
  for (std::uint64_t f = 1; f <= followers; ++f) {
    links[NodeId{f, 0}] = Endpoint{static_cast<std::uint32_t>(0x7f010000 + f), 50010};
  }
  leader.set_followers(now, links, links.size());
  for (const auto& [id, ep] : links) leader.on_follower_position(now, id, {}, false);
  auto tick = [&] {
    now += config.tick_interval_us;
    leader.on_tick(now);
    wire::Ack ack;
    ack.applied_seq = leader.applied_seq();
    for (const auto& [id, ep] : links) leader.on_ack(now, id, ack);
    out.clear();
  };
  tick();
  for (std::uint32_t c = 0; c < 2 * rooms; ++c) {
    wire::Join join;
    join.client_id = 1000 + c;
    leader.on_join(now, Endpoint{0x7f020000u + c, 40000}, join);
  }
  for (int i = 0; i < 70; ++i) tick();  // Seat everyone and get past the countdown.
  const std::uint64_t before = leader.stats().events_ordered;
  for (auto _ : state) tick();
  state.SetItemsProcessed(static_cast<std::int64_t>(leader.stats().events_ordered - before));
  state.counters["rooms_open"] = static_cast<double>(leader.book().rooms().size());
}
BENCHMARK(BM_LeaderTick)
    ->ArgNames({"rooms", "followers"})
    ->Args({1, 2})
    ->Args({1, 4})
    ->Args({1000, 2})
    ->Args({1000, 4})
    ->Iterations(2000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace dp
