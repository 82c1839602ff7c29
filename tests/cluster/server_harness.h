// A ServerNode driven by hand: tests feed it crafted datagrams (signed as a keyless server
// of its mode would sign them) and ticks, and inspect what it sends and believes.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"
#include "tests/support/sealed.h"

namespace dp::test {

using wire::Role;

inline Endpoint control_of(std::uint64_t n) {
  return Endpoint{0x7f010000u + static_cast<std::uint32_t>(n), 50010};
}
inline Endpoint client_of(std::uint64_t n) {
  return Endpoint{0x7f010000u + static_cast<std::uint32_t>(n), 50020};
}
inline NodeId id_of(std::uint64_t n) { return NodeId{n, 0}; }

class Harness {
 public:
  explicit Harness(std::uint64_t n, ElectionMode mode = ElectionMode::kSticky,
                   std::uint64_t persisted_term = 0, std::uint32_t cluster_size = 0,
                   const ClusterKeys& keys = {}) {
    ServerConfig config;
    config.keys = keys;
    config.cluster_size = cluster_size;
    config.id = id_of(n);
    config.mode = mode;
    config.endpoints.control = control_of(n);
    config.endpoints.client = client_of(n);
    config.persisted.highest_term = persisted_term;
    node_ = std::make_unique<ServerNode>(config, pong::pong_services({}));
  }
  ServerNode& node() { return *node_; }
  const ClusterTiming& timing() { return node_->config().timing; }

  void start() {
    node_->start(now_);
    collect();
  }
  // Advances time to `t` in 1 ms steps, ticking whenever the node asks.
  void run_until(TimeUs t) {
    while (now_ < t) {
      now_ = std::min(t, std::max(now_ + 1, std::min(node_->next_tick_at(), t)));
      if (node_->next_tick_at() <= now_) node_->on_tick(now_);
      collect();
    }
  }
  void advance(TimeUs dt) { run_until(now_ + dt); }

  template <class Msg>
  void deliver(std::uint64_t from, const Epoch& epoch, const Msg& msg) {
    std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
    auto size = wire::encode(id_of(from), epoch, msg, buf);
    ASSERT_TRUE(size.ok());
    // Discovery requests are broadcast to the discovery port; the rest is unicast to control.
    const Channel channel =
        Msg::kType == wire::MsgType::kDiscoverRequest ? Channel::kDiscovery : Channel::kControl;
    const auto sealed = test::sealed_keyless({buf.data(), *size}, node_->config().mode);
    node_->on_datagram(now_, channel, control_of(from), sealed);
    collect();
  }
  void grant_pre_vote(std::uint64_t peer, bool granted = true) {
    wire::PreVoteReply reply;
    reply.granted = granted ? 1 : 0;
    deliver(peer, Epoch{}, reply);
  }
  // Encodes `msg` as server `from` would, signed as a keyless server of `mode`.
  template <class Msg>
  std::vector<std::uint8_t> encoded(std::uint64_t from, const Epoch& epoch, const Msg& msg,
                                    ElectionMode mode) {
    std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
    auto size = wire::encode(id_of(from), epoch, msg, buf);
    EXPECT_TRUE(size.ok());
    return sealed_keyless({buf.data(), *size}, mode);
  }
  void deliver_bytes(Channel channel, Endpoint from, const std::vector<std::uint8_t>& bytes) {
    node_->on_datagram(now_, channel, from, bytes);
    collect();
  }
  std::uint64_t rejected(wire::DecodeError error) const {
    return node_->stats().rejected_by_error[static_cast<std::size_t>(error)];
  }
  void deliver_raw(std::vector<std::uint8_t> bytes) {
    node_->on_datagram(now_, Channel::kControl, control_of(99), bytes);
    collect();
  }
  // A peer introduces itself with a heartbeat (as a follower with no leader).
  void introduce(std::uint64_t peer) {
    wire::Heartbeat hb;
    hb.control = control_of(peer);
    hb.client = client_of(peer);
    deliver(peer, Epoch{}, hb);
  }
  void leader_heartbeat(std::uint64_t leader, std::uint64_t term, bool lists_us = true,
                        std::uint8_t servers_known = 1) {
    wire::Heartbeat hb;
    hb.servers_known = servers_known;
    hb.role = static_cast<std::uint8_t>(Role::kLeader);
    hb.control = control_of(leader);
    hb.client = client_of(leader);
    if (lists_us) hb.hears.push_back(node_->id());
    deliver(leader, Epoch{term, id_of(leader)}, hb);
  }

  struct Sent {
    Endpoint to;
    bool broadcast;
    wire::MsgType type;
    Epoch epoch;
  };
  std::vector<Sent>& sent() { return sent_; }
  int count_sent(wire::MsgType type, Endpoint to = {}) const {
    int n = 0;
    for (const auto& s : sent_) n += (s.type == type && (to.is_unset() || s.to == to)) ? 1 : 0;
    return n;
  }
  std::vector<NodeEvent>& events() { return events_; }
  int count_events(NodeEventKind kind) const {
    int n = 0;
    for (const auto& e : events_) n += e.kind == kind ? 1 : 0;
    return n;
  }
  void forget() {
    sent_.clear();
    events_.clear();
  }
  TimeUs now() const { return now_; }

 private:
  void collect() {
    auto& out = node_->outbox();
    for (const auto& d : out.datagrams()) {
      auto decoded = wire::decode(test::unsealed(out.bytes(d)));
      ASSERT_TRUE(decoded.ok()) << "node sent an undecodable datagram";
      sent_.push_back({d.to, d.broadcast, decoded->header.type, decoded->header.epoch});
    }
    for (const auto& e : out.events()) events_.push_back(e);
    out.clear();
  }

  std::unique_ptr<ServerNode> node_;
  TimeUs now_ = 1'000'000;
  std::vector<Sent> sent_;
  std::vector<NodeEvent> events_;
};

}  // namespace dp::test
