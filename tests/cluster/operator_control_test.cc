// The control family (pong-ctl): a server answers status requests on its control socket only;
// unkeyed, only padded requests (no answer larger than the question); keyed, only requests
// sealed with the cluster key, each once. Move-leader and drain refuse what they cannot do.
#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"

namespace dp {
namespace {

constexpr Endpoint kControl{0x7f010001, 50010};
constexpr Endpoint kClientPort{0x7f010001, 50020};
constexpr Endpoint kOperator{0x7f030001, 41000};
const NodeId kOperatorId{0, 0xc71};

ClusterKey key_of(std::uint8_t fill) {
  ClusterKey key;
  key.fill(fill);
  return key;
}

class OperatorControl : public ::testing::Test {
 protected:
  void start(std::optional<ClusterKey> key = std::nullopt) {
    ServerConfig c;
    c.id = NodeId{0, 1};
    c.endpoints.control = kControl;
    c.endpoints.client = kClientPort;
    c.version = "9.9.9";
    if (key) c.keys.primary = *key;
    node_.emplace(c, pong::pong_services({}));
    node_->start(now_);
    advance(c.timing.discovery_window_us + 100 * kUsPerMs);
  }
  void advance(TimeUs dt) {
    const TimeUs end = now_ + dt;
    while (now_ < end) {
      now_ = std::min(end, std::max(now_ + 1, node_->next_tick_at()));
      node_->on_tick(now_);
      node_->outbox().clear();
    }
  }
  // A request as pong-ctl sends it: padded without a key, sealed with `key` when given.
  std::vector<std::uint8_t> request(wire::CtlCommand command, bool padded,
                                    std::optional<ClusterKey> key = std::nullopt,
                                    std::uint64_t boot = 1) {
    wire::CtlRequest r;
    r.command = static_cast<std::uint8_t>(command);
    r.nonce = 77;
    if (padded) {
      for (std::size_t i = 0; i < wire::kCtlRequestPadding; ++i) r.padding.push_back(0);
    }
    std::array<std::uint8_t, wire::kMaxDatagramSize + Outbox::kMaxSealBytes> buf{};
    auto size = wire::encode(kOperatorId, Epoch{}, r, std::span(buf).first(wire::kMaxDatagramSize));
    EXPECT_TRUE(size.ok());
    std::size_t total = *size;
    if (key) {
      ClusterKeys keys;
      keys.primary = *key;
      DatagramAuth auth(static_cast<std::uint8_t>(ElectionMode::kSticky), keys, boot);
      total = auth.seal(std::span(buf), *size);
    }
    return {buf.begin(), buf.begin() + static_cast<long>(total)};
  }
  // Delivers and returns the answer sent to the operator, if any.
  std::optional<wire::Decoded> ask(Channel channel, const std::vector<std::uint8_t>& bytes) {
    node_->outbox().clear();
    node_->on_datagram(now_, channel, kOperator, bytes);
    for (const OutDatagram& d : node_->outbox().datagrams()) {
      if (d.to != kOperator) continue;
      wire::Decoded out;
      EXPECT_FALSE(wire::decode_into(DatagramAuth::split(node_->outbox().bytes(d)).message, out));
      last_answer_size_ = d.size;
      return out;
    }
    return std::nullopt;
  }
  std::uint64_t rejected(wire::DecodeError e) const {
    return node_->stats().rejected_by_error[static_cast<std::size_t>(e)];
  }

  TimeUs now_ = 1'000'000;
  std::optional<ServerNode> node_;
  std::size_t last_answer_size_ = 0;
};

TEST_F(OperatorControl, PaddedStatusRequestIsAnsweredWithTheServersView) {
  start();
  ASSERT_TRUE(node_->is_leader());
  const auto bytes = request(wire::CtlCommand::kStatus, true);
  const auto answer = ask(Channel::kControl, bytes);
  ASSERT_TRUE(answer);
  const auto* status = std::get_if<wire::CtlStatus>(&answer->body);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->nonce, 77u);
  EXPECT_EQ(static_cast<ServerRole>(status->role), ServerRole::kLeading);
  EXPECT_EQ(status->version.view(), "9.9.9");
  EXPECT_EQ(answer->header.epoch, node_->epoch());
  EXPECT_EQ(answer->header.sender, node_->id());
  EXPECT_GT(status->uptime_ms, 0u);
  EXPECT_LE(last_answer_size_, bytes.size()) << "no answer larger than the question";
}

TEST_F(OperatorControl, UnpaddedRequestGetsNoAnswer) {
  start();
  const auto before = node_->stats().unpadded_requests;
  EXPECT_FALSE(ask(Channel::kControl, request(wire::CtlCommand::kStatus, false)));
  EXPECT_EQ(node_->stats().unpadded_requests, before + 1);
}

TEST_F(OperatorControl, RequestOnTheClientOrDiscoverySocketIsRefused) {
  start();
  const auto bytes = request(wire::CtlCommand::kStatus, true);
  EXPECT_FALSE(ask(Channel::kClient, bytes));
  EXPECT_FALSE(ask(Channel::kDiscovery, bytes));
  EXPECT_EQ(rejected(wire::DecodeError::kWrongChannel), 2u);
}

TEST_F(OperatorControl, KeyedClusterAnswersOnlyRequestsSealedWithItsKeyAndEachOnce) {
  start(key_of(7));
  EXPECT_FALSE(ask(Channel::kControl, request(wire::CtlCommand::kStatus, true)));
  EXPECT_EQ(rejected(wire::DecodeError::kUnsigned), 1u);
  EXPECT_FALSE(ask(Channel::kControl, request(wire::CtlCommand::kStatus, false, key_of(8))));
  EXPECT_EQ(rejected(wire::DecodeError::kBadTag), 1u);
  const auto sealed = request(wire::CtlCommand::kStatus, false, key_of(7));
  EXPECT_TRUE(ask(Channel::kControl, sealed)) << "a keyed request needs no padding";
  EXPECT_FALSE(ask(Channel::kControl, sealed)) << "a replayed request is refused";
  EXPECT_EQ(rejected(wire::DecodeError::kReplayed), 1u);
  EXPECT_TRUE(ask(Channel::kControl, request(wire::CtlCommand::kStatus, false, key_of(7), 2)));
}

TEST_F(OperatorControl, LoneLeaderCannotHandOverOrDrain) {
  start();
  std::string detail;
  EXPECT_EQ(node_->move_leader(now_, NodeId{0, 9}, detail), wire::CtlOutcome::kUnknownTarget);
  EXPECT_EQ(node_->move_leader(now_, node_->id(), detail), wire::CtlOutcome::kDone);
  EXPECT_EQ(node_->drain(now_, detail), wire::CtlOutcome::kRefused);
  EXPECT_FALSE(node_->draining()) << "a refused drain changes nothing";
  const auto answer = ask(Channel::kControl, request(wire::CtlCommand::kDrain, true));
  ASSERT_TRUE(answer);
  const auto* result = std::get_if<wire::CtlResult>(&answer->body);
  ASSERT_NE(result, nullptr);
  EXPECT_EQ(static_cast<wire::CtlOutcome>(result->outcome), wire::CtlOutcome::kRefused);
  EXPECT_NE(result->detail.view().find("no live follower"), std::string_view::npos);
  EXPECT_TRUE(node_->is_leader());
}

}  // namespace
}  // namespace dp
