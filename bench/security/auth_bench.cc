// What authentication costs per datagram: a server signing and checking a heartbeat-sized
// datagram (keyed BLAKE2b), a client sealing an Input and a server checking it (a known
// ticket, and one it opens for the first time, as a new leader does after a failover), and
// the session grant (an X25519 exchange).
#include <benchmark/benchmark.h>

#include <vector>

#include "core/security/datagram_auth.h"
#include "core/security/session.h"
#include "core/wire/codec.h"

namespace dp {
namespace {

ClusterKeys bench_keys() {
  ClusterKeys keys;
  keys.primary = ClusterKey{};
  keys.primary->fill(7);
  return keys;
}
SessionSeed seed_of(std::uint8_t fill) {
  SessionSeed s{};
  s.fill(fill);
  return s;
}

std::vector<std::uint8_t> room_with(std::size_t payload, std::size_t& size) {
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram + Outbox::kMaxSealBytes);
  wire::Heartbeat hb;
  hb.control = Endpoint{0x7f000001, 50010};
  for (std::uint64_t i = 0; i < payload && hb.hears.size() < hb.hears.kCapacity; ++i) {
    hb.hears.push_back(NodeId{i + 1, i});
  }
  size = *wire::encode(NodeId{0, 1}, Epoch{3, NodeId{0, 1}}, hb, room);
  return room;
}

void BM_ServerDatagramSealAndVerify(benchmark::State& state) {
  DatagramAuth sender(1, bench_keys(), 1);
  DatagramAuth receiver(1, bench_keys(), 1);
  std::size_t size = 0;
  auto room = room_with(static_cast<std::size_t>(state.range(0)), size);
  for (auto _ : state) {
    const std::size_t sealed = sender.seal(room, size);
    const auto parts = DatagramAuth::split({room.data(), sealed});
    auto error = receiver.verify(NodeId{0, 1}, parts);
    benchmark::DoNotOptimize(error);
  }
  state.SetLabel(std::to_string(size) + " bytes");
}
BENCHMARK(BM_ServerDatagramSealAndVerify)->Arg(0)->Arg(6);

void BM_ClientRequestSealAndVerify(benchmark::State& state) {
  SessionIssuer server(bench_keys(), seed_of(1), 1);
  SessionSealer client;
  client.reset(seed_of(2), 1);
  client.accept(*server.grant(client.request()));
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram + Outbox::kMaxSealBytes);
  wire::Input input;
  input.client_id = client.client_id();
  input.room = 1;
  const bool first_sight = state.range(0) != 0;
  for (auto _ : state) {
    ++input.input_seq;
    const std::size_t size = *wire::encode(NodeId{0, 9}, Epoch{}, input, room);
    const std::size_t sealed = client.seal(room, size);
    if (first_sight) {
      // A server that never saw the ticket opens it (a new leader after a failover).
      state.PauseTiming();
      SessionIssuer fresh(bench_keys(), seed_of(3), 1);
      state.ResumeTiming();
      auto error = fresh.verify({room.data(), size}, {room.data() + size, sealed - size},
                                client.client_id());
      benchmark::DoNotOptimize(error);
    } else {
      auto error = server.verify({room.data(), size}, {room.data() + size, sealed - size},
                                 client.client_id());
      benchmark::DoNotOptimize(error);
    }
  }
}
BENCHMARK(BM_ClientRequestSealAndVerify)->Arg(0)->Arg(1);

void BM_SessionGrant(benchmark::State& state) {
  SessionIssuer server(bench_keys(), seed_of(1), 1);
  SessionSealer client;
  std::uint64_t index = 0;
  for (auto _ : state) {
    state.PauseTiming();
    client.reset(seed_of(2), ++index);
    state.ResumeTiming();
    auto grant = server.grant(client.request());
    benchmark::DoNotOptimize(grant);
  }
}
BENCHMARK(BM_SessionGrant);

}  // namespace
}  // namespace dp
