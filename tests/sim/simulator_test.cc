// The emulator driving test-only echo nodes: routing, broadcast reach, partitions, crash and
// restart. No cluster protocol involved.
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "tests/sim/echo_node.h"

namespace dp::sim {
namespace {

using testing::EchoNode;
using testing::Received;
using testing::ScriptedSend;

// Three server-like hosts running echo nodes with scripted sends; fixed 1 ms latency.
class EchoCluster : public SimObserver {
 public:
  explicit EchoCluster(std::size_t hosts = 3, bool echo = false) : sim(7) {
    LinkParams p;
    p.latency_min_us = 1000;
    p.latency_max_us = 1000;
    sim.network().set_all_links(p);
    logs.resize(hosts);
    scripts.resize(hosts);
    for (std::size_t i = 0; i < hosts; ++i) {
      const int number = static_cast<int>(i) + 1;
      sim.add_host(server_host_spec(number, NodeId{static_cast<std::uint64_t>(number), 0}),
                   [this, i, echo](const HostSpec&, const Disk& disk, std::uint64_t) {
                     seen_persisted[i].push_back(disk.state.highest_term);
                     return std::make_unique<EchoNode>(&logs[i], echo, scripts[i], disk.state);
                   });
    }
    sim.add_observer(this);
  }
  void start_all() {
    for (HostIndex h = 0; h < sim.host_count(); ++h) sim.schedule_start(h, 0);
  }
  void on_drop(TimeUs, const Transit& t, DropReason why) override {
    drops.push_back({t.to_host, why});
  }

  Simulator sim;
  std::vector<std::vector<Received>> logs;
  std::vector<std::vector<ScriptedSend>> scripts;
  std::map<std::size_t, std::vector<std::uint64_t>> seen_persisted;
  std::vector<std::pair<HostIndex, DropReason>> drops;
};

Endpoint control_of(int number) { return Endpoint{server_ip(number), kDefaultControlPort}; }

ScriptedSend unicast(TimeUs at, int to_number, std::uint8_t tag) {
  return ScriptedSend{at, Channel::kControl, false, control_of(to_number), {tag}};
}
ScriptedSend broadcast(TimeUs at, std::uint8_t tag) {
  return ScriptedSend{at, Channel::kDiscovery, true, Endpoint{0, kDefaultDiscoveryPort}, {tag}};
}

TEST(Simulator, UnicastArrivesOnTheOwningSocketAfterTheLatency) {
  EchoCluster c;
  c.scripts[0] = {unicast(5000, 2, 0x11)};
  c.start_all();
  ASSERT_EQ(c.sim.run_until(100000), RunStatus::kOk);
  ASSERT_EQ(c.logs[1].size(), 1u);
  EXPECT_EQ(c.logs[1][0].at, 6000);
  EXPECT_EQ(c.logs[1][0].channel, Channel::kControl);
  EXPECT_EQ(c.logs[1][0].from, control_of(1));
  EXPECT_TRUE(c.logs[0].empty());
  EXPECT_TRUE(c.logs[2].empty());
}

TEST(Simulator, BroadcastReachesEveryOtherHostsDiscoverySocketButNotTheSender) {
  EchoCluster c;
  c.scripts[0] = {broadcast(1000, 0x22)};
  c.start_all();
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[0].empty());
  ASSERT_EQ(c.logs[1].size(), 1u);
  ASSERT_EQ(c.logs[2].size(), 1u);
  EXPECT_EQ(c.logs[1][0].channel, Channel::kDiscovery);
  EXPECT_EQ(c.logs[2][0].from, (Endpoint{server_ip(1), kDefaultDiscoveryPort}));
}

TEST(Simulator, SymmetricPartitionLimitsBroadcastReach) {
  EchoCluster c;
  c.scripts[0] = {broadcast(1000, 1)};
  c.scripts[2] = {unicast(1000, 1, 2)};
  c.start_all();
  c.sim.network().partition({{0, 1}, {2}}, 3);
  c.sim.run_until(100000);
  EXPECT_EQ(c.logs[1].size(), 1u);  // Same side as the sender.
  EXPECT_TRUE(c.logs[2].empty());   // Other side: broadcast does not cross.
  EXPECT_TRUE(c.logs[0].empty());   // Host 3's unicast does not cross either.
}

TEST(Simulator, OneWayCutDropsOnlyThatDirection) {
  EchoCluster c;
  c.scripts[0] = {unicast(1000, 2, 1)};
  c.scripts[1] = {unicast(1000, 1, 2)};
  c.start_all();
  c.sim.network().cut(0, 1);
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[1].empty());
  ASSERT_EQ(c.logs[0].size(), 1u);
  EXPECT_EQ(c.logs[0][0].payload[0], 2);
  ASSERT_EQ(c.drops.size(), 1u);
  EXPECT_EQ(c.drops[0].second, DropReason::kPartition);
}

TEST(Simulator, NonTransitiveConnectivityRelaysThroughTheMiddle) {
  // 1-2 and 2-3 up, 1-3 cut. Host 2 echoes, so 1 -> 2 -> 1 works; 1 -> 3 does not.
  EchoCluster c(3, /*echo=*/true);
  c.scripts[0] = {unicast(1000, 2, 1), unicast(1000, 3, 3)};
  c.start_all();
  c.sim.network().cut(0, 2);
  c.sim.network().cut(2, 0);
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[2].empty());
  EXPECT_FALSE(c.logs[1].empty());
  // Host 1 got host 2's echo; its own echo back loops 1 <-> 2 (both echo), never reaching 3.
  EXPECT_FALSE(c.logs[0].empty());
  for (const Received& r : c.logs[0]) EXPECT_EQ(r.from, control_of(2));
}

TEST(Simulator, PartitionWhileInFlightDropsTheDatagram) {
  EchoCluster c;
  c.scripts[0] = {unicast(1000, 2, 1)};
  c.start_all();
  c.sim.schedule_call(1500, [&] { c.sim.network().cut(0, 1); });
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[1].empty());
  ASSERT_EQ(c.drops.size(), 1u);
  EXPECT_EQ(c.drops[0].second, DropReason::kPartition);
}

TEST(Simulator, CrashDropsInFlightDeliveriesAndRestartKeepsPersistedState) {
  EchoCluster c;
  c.scripts[0] = {unicast(1000, 2, 1), unicast(20000, 2, 2)};
  c.start_all();
  // Crash host 2 while the first datagram is in flight, restart it before it would land.
  c.sim.schedule_call(1500, [&] { EXPECT_TRUE(c.sim.crash(1)); });
  c.sim.schedule_call(1600, [&] {
    EXPECT_FALSE(c.sim.host(1).up());
    EXPECT_TRUE(c.sim.restart(1));
  });
  c.sim.run_until(100000);
  // Only the datagram sent after the restart arrived.
  ASSERT_EQ(c.logs[1].size(), 1u);
  EXPECT_EQ(c.logs[1][0].payload[0], 2);
  ASSERT_EQ(c.drops.size(), 1u);
  EXPECT_EQ(c.drops[0].second, DropReason::kHostDown);
  // First start saw an empty disk, the restart saw what the first incarnation persisted.
  EXPECT_EQ(c.seen_persisted[1], (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(c.sim.host(1).disk.state.highest_term, 2u);
}

TEST(Simulator, CrashDropsWhatTheCrashedHostHadInFlight) {
  EchoCluster c;
  c.scripts[0] = {unicast(1000, 3, 1)};  // Would arrive at 2000.
  c.start_all();
  c.sim.schedule_call(1500, [&] { c.sim.crash(0); });
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[2].empty());
  ASSERT_EQ(c.drops.size(), 1u);
  EXPECT_EQ(c.drops[0].second, DropReason::kHostDown);
}

TEST(Simulator, DatagramsToACrashedHostAreDropped) {
  EchoCluster c;
  c.scripts[0] = {unicast(5000, 2, 1)};
  c.start_all();
  c.sim.schedule_call(100, [&] { c.sim.crash(1); });
  c.sim.run_until(100000);
  EXPECT_TRUE(c.logs[1].empty());
  EXPECT_EQ(c.sim.stats().drops_by_reason[static_cast<int>(DropReason::kHostDown)], 1u);
  EXPECT_FALSE(c.sim.crash(1));  // Already down: no-op.
}

TEST(Simulator, UnknownDestinationIsDroppedAsNoRoute) {
  EchoCluster c;
  c.scripts[0] = {ScriptedSend{1000, Channel::kControl, false, Endpoint{0x0a000001, 9}, {1}}};
  c.start_all();
  c.sim.run_until(100000);
  ASSERT_EQ(c.drops.size(), 1u);
  EXPECT_EQ(c.drops[0].second, DropReason::kNoRoute);
}

}  // namespace
}  // namespace dp::sim
