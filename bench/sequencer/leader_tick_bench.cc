// The leader's whole tick on one core, no sockets: a LogReplica carrying Pong leads, and each
// tick plans every room's entries, orders them, applies them (Pong physics), packs and encodes
// replication batches for the followers, takes their ACKs (the commit point moves), and
// encodes a state datagram for every player. Items are entries ordered.
//
//   build/bench/sequencer/sequencer_bench --benchmark_filter=LeaderTick
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include "core/replication/log_replica.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"
#include "tests/support/pong_replica.h"

namespace dp {
namespace {

void BM_LeaderTick(benchmark::State& state) {
  const auto rooms = static_cast<std::uint32_t>(state.range(0));
  const auto followers = static_cast<std::uint64_t>(state.range(1));
  Outbox out;
  ReplicaConfig config;  // Commits wait for a majority, as on a real cluster.
  pong::PongConfig pong;
  pong.forfeit_timeout_us = 3600 * kUsPerSecond;
  pong.target_score = 99;  // No match ends within the measured ticks.
  const NodeId self{100, 0};
  LogReplica leader(config, self, out, pong::pong_services(pong));
  const pong::PongService& service = *leader.services().find<pong::PongService>();
  leader.set_self_control(Endpoint{0x7f010064, 50010});
  TimeUs now = 1'000'000;

  // Lead epoch 1: every follower reports an empty position, so recovery resumes from ours.
  leader.become_recovering(now, Epoch{1, self});
  FollowerSet links;
  for (std::uint64_t f = 1; f <= followers; ++f) {
    links[NodeId{f, 0}] = Endpoint{static_cast<std::uint32_t>(0x7f010000 + f), 50010};
  }
  leader.set_followers(now, links, links.size());
  for (const auto& [id, ep] : links)
    leader.on_follower_position(now, id, Position{}, Standing::kFresh);

  std::uint64_t datagrams = 0;
  auto tick = [&] {
    now += config.tick_interval_us;
    leader.on_tick(now);
    // Every follower applies the batch and ACKs it at once.
    wire::Ack ack;
    ack.applied_seq = leader.applied_seq();
    for (const auto& [id, ep] : links) leader.on_ack(now, id, ack);
    datagrams += out.datagrams().size();
    out.clear();
  };
  tick();
  if (!leader.hosting()) {
    state.SkipWithError("the replica did not become the serving leader");
    return;
  }

  // Two players per room, joining through the client path.
  for (std::uint32_t c = 0; c < 2 * rooms; ++c) {
    wire::Join join;
    join.client_id = 1000 + c;
    if (auto error = testing::client_send(leader, now, Endpoint{0x7f020000u + c, 40000}, join)) {
      state.SkipWithError(wire::decode_error_name(*error));
      return;
    }
  }
  for (int i = 0; i < 70; ++i) tick();  // Seat everyone and get past the countdown.
  std::size_t seated = 0;
  for (const auto& [id, room] : service.book().rooms()) {
    for (const auto& seat : room.seats) seated += seat.present ? 1 : 0;
  }
  if (service.book().rooms().size() != rooms || seated != 2 * rooms) {
    state.SkipWithError("not every player got seated");
    return;
  }

  const std::uint64_t ordered_before = leader.stats().entries_ordered;
  const std::uint64_t states_before = service.stats().states_sent;
  datagrams = 0;
  for (auto _ : state) tick();
  const auto ticks = static_cast<double>(state.iterations());
  const std::uint64_t ordered = leader.stats().entries_ordered - ordered_before;
  state.SetItemsProcessed(static_cast<std::int64_t>(ordered));
  state.counters["rooms_open"] = static_cast<double>(service.book().rooms().size());
  state.counters["entries_per_tick"] = static_cast<double>(ordered) / ticks;
  state.counters["states_per_tick"] =
      static_cast<double>(service.stats().states_sent - states_before) / ticks;
  state.counters["datagrams_per_tick"] = static_cast<double>(datagrams) / ticks;
  state.counters["commit_lag"] = static_cast<double>(leader.applied_seq() - leader.commit_seq());
  if (leader.stats().apply_errors != 0) state.SkipWithError("the leader refused its own entry");
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
