// Round trips of every message type through encode() and decode().
#include <gtest/gtest.h>

#include <array>

#include "core/wire/codec.h"

namespace dp::wire {
namespace {

const NodeId kSender{7, 42};
const Epoch kEpoch{3, NodeId{9, 1}};

template <class Msg>
Msg round_trip(const Msg& in) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  auto size = encode(kSender, kEpoch, in, buf);
  EXPECT_TRUE(size.ok());
  auto decoded = decode(std::span<const std::uint8_t>(buf.data(), *size));
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decode_error_name(decoded.error()));
  EXPECT_EQ(decoded->header.type, Msg::kType);
  EXPECT_EQ(decoded->header.sender, kSender);
  EXPECT_EQ(decoded->header.epoch, kEpoch);
  return std::get<Msg>(decoded->body);
}

TEST(Codec, DiscoveryRoundTrip) {
  DiscoverRequest req;
  req.asker_role = static_cast<std::uint8_t>(Role::kClient);
  req.client = Endpoint{0x7f000001, 40000};
  auto out = round_trip(req);
  EXPECT_EQ(out.asker_role, req.asker_role);
  EXPECT_EQ(out.client, req.client);

  DiscoverResponse resp;
  resp.role = static_cast<std::uint8_t>(Role::kLeader);
  resp.control = Endpoint{0x7f000001, 50010};
  resp.client = Endpoint{0x7f000001, 50020};
  resp.leader_client = resp.client;
  auto out2 = round_trip(resp);
  EXPECT_EQ(out2.control, resp.control);
  EXPECT_EQ(out2.leader_client, resp.leader_client);
}

TEST(Codec, HeartbeatCarriesHeardList) {
  Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(Role::kLeader);
  hb.commit_seq = 99;
  hb.hears.push_back(NodeId{1, 2});
  hb.hears.push_back(NodeId{3, 4});
  auto out = round_trip(hb);
  ASSERT_EQ(out.hears.size(), 2u);
  EXPECT_EQ(out.hears[1], (NodeId{3, 4}));
  EXPECT_EQ(out.commit_seq, 99u);
}

TEST(Codec, ElectionMessagesRoundTrip) {
  round_trip(Election{});
  Answer a;
  a.has_leader = 1;
  EXPECT_EQ(round_trip(a).has_leader, 1);
  Coordinator c;
  c.control = Endpoint{1, 2};
  EXPECT_EQ(round_trip(c).control, c.control);
}

TEST(Codec, ReplicateBatchRoundTrip) {
  Replicate r;
  r.first_seq = 10;
  r.commit_seq = 8;
  RoomEvent open;
  open.kind = EventKind::kOpenRoom;
  open.room = 5;
  open.name.assign("lobby");
  r.events.push_back(open);
  RoomEvent join;
  join.kind = EventKind::kJoin;
  join.room = 5;
  join.slot = 1;
  join.client_id = 77;
  join.client = Endpoint{0x7f020001, 1234};
  r.events.push_back(join);
  RoomEvent input;
  input.kind = EventKind::kInput;
  input.room = 5;
  input.value = -1;
  r.events.push_back(input);
  auto out = round_trip(r);
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.events[0].name.view(), "lobby");
  EXPECT_EQ(out.events[1].client, join.client);
  EXPECT_EQ(out.events[1].client_id, 77u);
  EXPECT_EQ(out.events[2].value, -1);
}

TEST(Codec, WireSizeMatchesEncoding) {
  // The sequencer packs batches by wire_size(); it must agree with the real encoding.
  for (std::uint8_t k = 1; k <= kMaxEventKindValue; ++k) {
    Replicate r;
    r.first_seq = 1;
    RoomEvent e;
    e.kind = static_cast<EventKind>(k);
    e.name.assign("abc");
    r.events.push_back(e);
    std::array<std::uint8_t, kMaxDatagramSize> buf{};
    auto with_one = encode(kSender, kEpoch, r, buf);
    r.events.clear();
    auto with_none = encode(kSender, kEpoch, r, buf);
    ASSERT_TRUE(with_one.ok() && with_none.ok());
    EXPECT_EQ(*with_one - *with_none, e.wire_size()) << "kind " << int(k);
  }
}

TEST(Codec, EncodeRefusesWhatDoesNotFitOneDatagram) {
  Replicate r;
  r.first_seq = 1;
  for (std::size_t i = 0; i < kMaxEventsPerBatch; ++i) {
    RoomEvent e;
    e.kind = EventKind::kJoin;
    r.events.push_back(e);
  }
  std::array<std::uint8_t, 4096> buf{};
  auto size = encode(kSender, kEpoch, r, buf);
  EXPECT_FALSE(size.ok());
}

TEST(Codec, SnapshotChunkRoundTrip) {
  Snapshot s;
  s.snapshot_id = 4;
  s.seq = 1000;
  s.chunk = 1;
  s.chunk_count = 3;
  s.total_bytes = 2500;
  for (int i = 0; i < 500; ++i) s.data.push_back(static_cast<std::uint8_t>(i));
  auto out = round_trip(s);
  ASSERT_EQ(out.data.size(), 500u);
  EXPECT_EQ(out.data[499], static_cast<std::uint8_t>(499));
}

TEST(Codec, ClientMessagesRoundTrip) {
  Join j;
  j.client_id = 5;
  j.room_name.assign("finals");
  EXPECT_EQ(round_trip(j).room_name.view(), "finals");
  Input in;
  in.client_id = 5;
  in.room = 2;
  in.input_seq = 100;
  in.recent.push_back(1);
  in.recent.push_back(-1);
  auto out = round_trip(in);
  ASSERT_EQ(out.recent.size(), 2u);
  EXPECT_EQ(out.recent[1], -1);
  RoomState st;
  st.room = 2;
  st.seq = 12345;
  st.score_left = 3;
  st.ball_x = -5;
  auto st2 = round_trip(st);
  EXPECT_EQ(st2.seq, 12345u);
  EXPECT_EQ(st2.ball_x, -5);
  EXPECT_EQ(st2.score_left, 3);
}

}  // namespace
}  // namespace dp::wire
