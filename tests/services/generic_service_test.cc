// The generic log carries a service it was not written for: the tests' counter runs through
// the same sequencer, replication, recovery and snapshots as Pong, in the simulator, with no
// change to the core.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"
#include "core/wire/decode_counted.h"
#include "core/wire/send.h"
#include "sim/host.h"
#include "sim/match_checks.h"
#include "sim/server_host.h"
#include "sim/simulator.h"
#include "tests/services/counter_service.h"

namespace dp {
namespace {

using sim::HostIndex;
using testing::CounterService;

// A client that asks every server's client port to add 1, every 50 ms, and keeps the values
// the leader tells it (only committed ones).
class CounterClient final : public Node {
 public:
  CounterClient(NodeId id, std::vector<Endpoint> servers) : id_(id), servers_(std::move(servers)) {}
  void start(TimeUs now) override { next_us_ = now; }
  void on_tick(TimeUs now) override {
    if (now < next_us_) return;
    next_us_ = now + 50 * kUsPerMs;
    for (const Endpoint& to : servers_) {
      wire::send_message(outbox_, id_, Epoch{}, Channel::kClient, to,
                         testing::CounterAdd{id_.lo, 1});
    }
  }
  TimeUs next_tick_at() const override { return next_us_; }
  void on_datagram(TimeUs, Channel, Endpoint, std::span<const std::uint8_t> bytes) override {
    wire::Header header;
    testing::CounterValue value;
    if (wire::decode_header(bytes, header) || header.type != testing::CounterValue::kType ||
        wire::decode_body(wire::body_of(bytes), value)) {
      return;
    }
    went_back_ = went_back_ || (!values_.empty() && value.value < values_.back());
    values_.push_back(value.value);
  }
  const std::vector<std::uint64_t>& values() const { return values_; }
  bool went_back() const { return went_back_; }

 private:
  NodeId id_;
  std::vector<Endpoint> servers_;
  TimeUs next_us_ = 0;
  std::vector<std::uint64_t> values_;
  bool went_back_ = false;
};

// Watches a run: snapshot installs, and every 20 ms the agreement of replicas at equal
// positions and the commit gate (a value shown by a leader is held by enough followers).
class Watch final : public sim::SimObserver {
 public:
  void on_node_event(HostIndex h, const NodeEvent& e) override {
    if (e.kind == NodeEventKind::kSnapshotInstalled) installs.push_back({h, e.at});
  }
  std::vector<std::pair<HostIndex, TimeUs>> installs;
};

class GenericService : public ::testing::Test {
 protected:
  static constexpr int kServers = 3;

  explicit GenericService(bool with_pong = false) : sim_(7) {
    sim::ServicesFactory services = [with_pong] {
      std::vector<std::unique_ptr<Service>> s;
      if (with_pong) s = pong::pong_services({});
      s.push_back(std::make_unique<CounterService>());
      return s;
    };
    std::vector<Endpoint> client_ports;
    for (int i = 1; i <= kServers; ++i) {
      const NodeId id{static_cast<std::uint64_t>(i), 0x100u + static_cast<std::uint64_t>(i)};
      sim_.add_host(sim::server_host_spec(i, id),
                    sim::server_factory(ElectionMode::kSticky, ClusterTiming{}, ReplicaConfig{},
                                        kServers, services));
      sim_.schedule_start(static_cast<HostIndex>(i - 1), 0);
      client_ports.push_back(sim::server_host_spec(i, id).endpoints.client);
    }
    const NodeId client_id{0, 0x55};
    client_ = sim_.add_host(sim::client_host_spec(1, client_id),
                            [client_id, client_ports](const sim::HostSpec&, const sim::Disk&,
                                                      std::uint64_t) -> std::unique_ptr<Node> {
                              return std::make_unique<CounterClient>(client_id, client_ports);
                            });
    sim_.schedule_start(client_, 500 * kUsPerMs);
    sim_.add_observer(&watch_);
  }

  const ServerNode* server(HostIndex h) const {
    return static_cast<const ServerNode*>(sim_.node(h));
  }
  static const CounterService& counter(const ServerNode& s) {
    return *s.replica().services().find<CounterService>();
  }
  const CounterClient* client() const {
    return static_cast<const CounterClient*>(sim_.node(client_));
  }
  std::optional<HostIndex> leader() const {
    for (HostIndex h = 0; h < kServers; ++h) {
      if (server(h) != nullptr && server(h)->is_leader() && server(h)->replica().hosting())
        return h;
    }
    return std::nullopt;
  }

  // Runs to `end` in 20 ms steps, checking on every step that replicas at one position
  // agree and that what a leader shows is on enough servers.
  void run_until(TimeUs end) {
    for (TimeUs t = sim_.now() + 20 * kUsPerMs; t <= end; t += 20 * kUsPerMs) {
      ASSERT_EQ(sim_.run_until(t), sim::RunStatus::kOk);
      samples_.clear();
      for (HostIndex h = 0; h < kServers; ++h) {
        if (server(h) == nullptr) continue;
        const LogReplica& r = server(h)->replica();
        samples_.push_back(
            {static_cast<int>(h) + 1, r.synced_epoch(), r.applied_seq(), r.services().digest()});
        ASSERT_EQ(r.stats().apply_errors, 0u);
        ASSERT_EQ(r.stats().gap_applies, 0u);
      }
      ASSERT_TRUE(agreement_.add(t, samples_)) << agreement_.detail();
      if (auto l = leader()) check_commit_gate(*l);
    }
  }

  void check_commit_gate(HostIndex l) {
    const std::uint64_t shown = counter(*server(l)).shown();
    shown_max_ = std::max(shown_max_, shown);
    std::size_t holding = 0;
    for (HostIndex h = 0; h < kServers; ++h) {
      if (h != l && server(h) != nullptr && counter(*server(h)).value() >= shown) ++holding;
    }
    ASSERT_GE(holding, server(l)->replica().quorum().required_replicas)
        << "the leader shows " << shown << " before enough followers hold it";
  }

  sim::Simulator sim_;
  HostIndex client_ = 0;
  Watch watch_;
  sim::ReplicaAgreementCheck agreement_;
  std::vector<sim::ReplicaSample> samples_;
  std::uint64_t shown_max_ = 0;
};

TEST_F(GenericService, IsReplicatedToEveryServer) {
  run_until(5 * kUsPerSecond);
  const auto l = leader();
  ASSERT_TRUE(l.has_value());
  const std::uint64_t leader_value = counter(*server(*l)).value();
  // 60 ticks a second add 1 each, and the client adds 20 a second.
  EXPECT_GT(leader_value, 200u);
  for (HostIndex h = 0; h < kServers; ++h) {
    const std::uint64_t v = counter(*server(h)).value();
    EXPECT_LE(v, leader_value);
    EXPECT_GE(v + 20, leader_value)
        << "node " << h + 1 << " lags the leader by " << leader_value - v;
  }
  EXPECT_GT(agreement_.positions_compared(), 100u);
  ASSERT_FALSE(client()->values().empty());
  EXPECT_FALSE(client()->went_back());
  EXPECT_GT(client()->values().back(), 100u);
}

TEST_F(GenericService, SurvivesALeaderCrash) {
  run_until(3 * kUsPerSecond);
  const auto old_leader = leader();
  ASSERT_TRUE(old_leader.has_value());
  const std::uint64_t shown_before = counter(*server(*old_leader)).shown();
  ASSERT_GT(shown_before, 0u);
  sim_.crash(*old_leader);
  run_until(6 * kUsPerSecond);
  const auto new_leader = leader();
  ASSERT_TRUE(new_leader.has_value());
  EXPECT_NE(*new_leader, *old_leader);
  EXPECT_GE(counter(*server(*new_leader)).value(), shown_before)
      << "a value the clients were shown survives the crash";
  EXPECT_GT(counter(*server(*new_leader)).shown(), shown_before + 60) << "and the counter goes on";
  EXPECT_FALSE(client()->went_back()) << "the client never saw the counter go back";
  EXPECT_GT(client()->values().back(), shown_before);
}

TEST_F(GenericService, CatchesUpBySnapshot) {
  run_until(2 * kUsPerSecond);
  const auto l = leader();
  ASSERT_TRUE(l.has_value());
  const HostIndex follower = *l == 0 ? 1 : 0;
  sim_.crash(follower);
  run_until(4 * kUsPerSecond);
  watch_.installs.clear();
  sim_.restart(follower);  // Its state was in memory only: it starts from nothing.
  run_until(5 * kUsPerSecond);
  const bool installed = std::any_of(watch_.installs.begin(), watch_.installs.end(),
                                     [&](const auto& i) { return i.first == follower; });
  EXPECT_TRUE(installed) << "the restarted follower is re-based by a snapshot";
  const std::uint64_t leader_value = counter(*server(*l)).value();
  const std::uint64_t caught_up = counter(*server(follower)).value();
  EXPECT_GE(caught_up + 20, leader_value);
  EXPECT_GT(caught_up, 200u) << "it holds what was counted while it was down";
}

class GenericServiceWithPong : public GenericService {
 protected:
  GenericServiceWithPong() : GenericService(/*with_pong=*/true) {}
};

TEST_F(GenericServiceWithPong, SharesOneLog) {
  run_until(3 * kUsPerSecond);
  const auto l = leader();
  ASSERT_TRUE(l.has_value());
  // Both services ride the same log: the counter counts, and the snapshot of a restarted
  // follower carries both.
  const HostIndex follower = *l == 0 ? 1 : 0;
  sim_.crash(follower);
  sim_.restart(follower);
  run_until(4 * kUsPerSecond);
  EXPECT_GE(counter(*server(follower)).value() + 20, counter(*server(*l)).value());
  EXPECT_NE(server(follower)->replica().services().find<pong::PongService>(), nullptr);
  EXPECT_EQ(server(follower)->replica().services().all().size(), 2u);
}

TEST(GenericServiceUnit, ABadEntryIsANamedErrorAndChangesNothing) {
  CounterService counter;
  const std::uint8_t one[4] = {1, 0, 0, 0};
  ASSERT_TRUE(counter.apply(wire::EntryView{9, 1, {one, 4}}).ok());
  const std::uint8_t zero[4] = {0, 0, 0, 0};
  const std::uint8_t short_payload[2] = {1, 0};
  const std::uint8_t too_much[4] = {0xe9, 0x03, 0, 0};  // 1001.
  for (const auto& bad :
       {wire::EntryView{9, 1, {zero, 4}}, wire::EntryView{9, 1, {short_payload, 2}},
        wire::EntryView{9, 2, {one, 4}}, wire::EntryView{9, 1, {too_much, 4}}}) {
    const ApplyStatus status = counter.apply(bad);
    EXPECT_FALSE(status.ok());
    EXPECT_STREQ(counter.apply_error_name(status.error), "bad entry");
  }
  EXPECT_EQ(counter.value(), 1u);
  // The registry names an entry of a service it does not carry.
  std::vector<std::unique_ptr<Service>> services;
  services.push_back(std::make_unique<CounterService>());
  ServiceRegistry registry(std::move(services));
  const wire::EntryView stray{1, 5, {one, 4}};
  const ApplyStatus status = registry.apply(stray);
  EXPECT_EQ(status.error, ApplyStatus::kUnknownService);
  EXPECT_STREQ(registry.apply_error_name(stray, status.error), "unknown service");
}

TEST(GenericServiceUnit, ASnapshotIsInstalledWholeOrNotAtAll) {
  auto make = [] {
    std::vector<std::unique_ptr<Service>> s = pong::pong_services({});
    s.push_back(std::make_unique<CounterService>());
    return ServiceRegistry(std::move(s));
  };
  ServiceRegistry source = make();
  const std::uint8_t five[4] = {5, 0, 0, 0};
  ASSERT_TRUE(source.apply(wire::EntryView{9, 1, {five, 4}}).ok());
  std::vector<std::uint8_t> bytes;
  source.save_snapshot(bytes);

  ServiceRegistry target = make();
  ASSERT_TRUE(target.load_snapshot(bytes));
  EXPECT_EQ(target.digest(), source.digest());
  EXPECT_EQ(target.find<CounterService>()->value(), 5u);

  // Corrupt the counter's part (the last bytes): nothing is installed, Pong's part included.
  ServiceRegistry fresh = make();
  const std::uint64_t before = fresh.digest();
  std::vector<std::uint8_t> broken = bytes;
  broken.back() ^= 0xff;  // The count of adds, now above the value: refused by the counter.
  EXPECT_FALSE(fresh.load_snapshot(broken));
  EXPECT_EQ(fresh.digest(), before);
  // A snapshot of a log with other services is refused too.
  std::vector<std::unique_ptr<Service>> only_counter;
  only_counter.push_back(std::make_unique<CounterService>());
  ServiceRegistry other(std::move(only_counter));
  EXPECT_FALSE(other.load_snapshot(bytes));
}

}  // namespace
}  // namespace dp
