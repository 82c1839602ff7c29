// Round trips of every message type through encode() and decode(), the generic log entries a
// Replicate carries (EntryBlock), and the message type families.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/services/pong/event.h"
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
  if (!size.ok()) return Msg{};
  auto decoded = decode(std::span<const std::uint8_t>(buf.data(), *size));
  EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decode_error_name(decoded.error()));
  if (!decoded.ok()) return Msg{};
  EXPECT_EQ(decoded->header.type, Msg::kType);
  EXPECT_EQ(decoded->header.sender, kSender);
  EXPECT_EQ(decoded->header.epoch, kEpoch);
  EXPECT_TRUE(std::holds_alternative<Msg>(decoded->body));
  return std::get<Msg>(decoded->body);
}

// Appends a Pong event to `block` as the leader's Pong service orders it.
bool append_event(EntryBlock& block, const pong::Event& event) {
  std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
  const std::size_t size = event.encode(payload);
  return block.append(
      EntryView{kPongService, static_cast<std::uint8_t>(event.kind), {payload.data(), size}});
}

std::vector<pong::Event> events_of(const EntryBlock& block) {
  std::vector<pong::Event> out;
  for (const EntryView& entry : block) {
    EXPECT_EQ(entry.service, kPongService);
    auto event = pong::Event::decode(entry);
    EXPECT_TRUE(event.has_value()) << "kind " << int{entry.kind};
    if (event) out.push_back(*event);
  }
  return out;
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

TEST(Codec, HeartbeatCarriesHeardListAndPosition) {
  Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(Role::kLeader);
  hb.applied_seq = 120;
  hb.commit_seq = 99;
  hb.hears.push_back(NodeId{1, 2});
  hb.hears.push_back(NodeId{3, 4});
  hb.servers_known = 3;
  hb.synced_epoch = Epoch{2, NodeId{3, 4}};
  hb.standing = 1;
  auto out = round_trip(hb);
  ASSERT_EQ(out.hears.size(), 2u);
  EXPECT_EQ(out.hears[1], (NodeId{3, 4}));
  EXPECT_EQ(out.applied_seq, 120u);
  EXPECT_EQ(out.commit_seq, 99u);
  EXPECT_EQ(out.servers_known, 3);
  EXPECT_EQ(out.synced_epoch, hb.synced_epoch);
  EXPECT_EQ(out.standing, 1);
}

TEST(Codec, ControlMessagesRoundTrip) {
  CtlRequest request;
  request.command = static_cast<std::uint8_t>(CtlCommand::kMoveLeader);
  request.target = NodeId{0, 7};
  request.nonce = 99;
  for (std::size_t i = 0; i < kCtlRequestPadding; ++i) request.padding.push_back(0);
  const auto r = round_trip(request);
  EXPECT_EQ(r.target, request.target);
  EXPECT_EQ(r.nonce, 99u);
  CtlStatus status;
  status.role = 4;  // Leading.
  status.applied_seq = 120;
  status.groups = 3;
  status.version.assign("0.1.0");
  // The largest status there can be still fits a padded request's size.
  for (std::size_t i = 0; i < kMaxServers; ++i)
    status.followers.push_back({NodeId{0, i + 1}, i, 1});
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  const auto status_size = encode(kSender, kEpoch, status, buf);
  const auto request_size = encode(kSender, kEpoch, request, buf);
  ASSERT_TRUE(status_size.ok() && request_size.ok());
  EXPECT_LE(*status_size, *request_size);
  const auto s = round_trip(status);
  EXPECT_EQ(s.followers.size(), kMaxServers);
  EXPECT_EQ(s.followers[31].id, (NodeId{0, 32}));
  EXPECT_EQ(s.version.view(), "0.1.0");
  HandOver hand_over{NodeId{0, 2}, 41};
  EXPECT_EQ(round_trip(hand_over).commit_seq, 41u);
}

TEST(Codec, ElectionMessagesRoundTrip) {
  round_trip(Election{});
  round_trip(Resign{});
  Answer a;
  a.has_leader = 1;
  EXPECT_EQ(round_trip(a).has_leader, 1);
  Coordinator c;
  c.control = Endpoint{1, 2};
  c.client = Endpoint{1, 3};
  auto out = round_trip(c);
  EXPECT_EQ(out.control, c.control);
  EXPECT_EQ(out.client, c.client);
}

TEST(Codec, ReplicateOfPongEventsRoundTrip) {
  Replicate r;
  r.first_seq = 10;
  r.commit_seq = 8;
  auto open = pong::make_event(pong::EventKind::kOpenRoom, 5);
  open.name.assign("lobby");
  auto join = pong::make_event(pong::EventKind::kJoin, 5);
  join.slot = 1;
  join.client_id = 77;
  join.client = Endpoint{0x7f020001, 1234};
  auto input = pong::make_event(pong::EventKind::kInput, 5);
  input.slot = 1;
  input.direction = -1;
  auto point = pong::make_event(pong::EventKind::kPoint, 5);
  point.score = pong::Score{2, 1};
  ASSERT_TRUE(append_event(r.entries, open));
  ASSERT_TRUE(append_event(r.entries, join));
  ASSERT_TRUE(append_event(r.entries, input));
  ASSERT_TRUE(append_event(r.entries, point));
  ASSERT_TRUE(append_event(r.entries, pong::make_event(pong::EventKind::kTick, 5)));

  auto out = round_trip(r);
  EXPECT_EQ(out.first_seq, 10u);
  EXPECT_EQ(out.commit_seq, 8u);
  ASSERT_EQ(out.entries.count(), 5u);
  EXPECT_EQ(out.entries.size_bytes(), r.entries.size_bytes());
  const auto events = events_of(out.entries);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, pong::EventKind::kOpenRoom);
  EXPECT_EQ(events[0].room, 5u);
  EXPECT_EQ(events[0].name.view(), "lobby");
  EXPECT_EQ(events[1].kind, pong::EventKind::kJoin);
  EXPECT_EQ(events[1].slot, 1);
  EXPECT_EQ(events[1].client, join.client);
  EXPECT_EQ(events[1].client_id, 77u);
  EXPECT_EQ(events[2].kind, pong::EventKind::kInput);
  EXPECT_EQ(events[2].direction, -1);
  EXPECT_EQ(events[3].score, (pong::Score{2, 1}));
  EXPECT_EQ(events[4].kind, pong::EventKind::kTick);
}

TEST(Codec, EntryBlockKeepsEveryEntryAsAppended) {
  // Payload sizes either side of the one- and two-byte length forms, and the largest allowed.
  const std::vector<std::size_t> sizes = {0, 1, 0x7f, 0x80, 300, kMaxEntryPayload};
  std::vector<std::vector<std::uint8_t>> payloads;
  Replicate r;
  r.first_seq = 1;
  std::size_t expected_bytes = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::vector<std::uint8_t> p(sizes[i]);
    for (std::size_t b = 0; b < p.size(); ++b) p[b] = static_cast<std::uint8_t>(b * 7 + i);
    payloads.push_back(p);
    const auto service = static_cast<ServiceId>(1 + i % kMaxServiceId);
    ASSERT_TRUE(r.entries.append(EntryView{service, static_cast<std::uint8_t>(i), p}));
    expected_bytes += entry_wire_size(p.size());
  }
  EXPECT_EQ(r.entries.size_bytes(), expected_bytes);
  EXPECT_TRUE(r.entries.well_formed());

  auto out = round_trip(r);
  ASSERT_EQ(out.entries.count(), sizes.size());
  std::size_t i = 0;
  for (const EntryView& entry : out.entries) {
    ASSERT_LT(i, payloads.size());
    EXPECT_EQ(entry.service, static_cast<ServiceId>(1 + i % kMaxServiceId));
    EXPECT_EQ(entry.kind, i);
    EXPECT_EQ(std::vector<std::uint8_t>(entry.payload.begin(), entry.payload.end()), payloads[i])
        << "entry " << i;
    ++i;
  }
  EXPECT_EQ(i, sizes.size());
}

TEST(Codec, EntryWireSizeMatchesEncoding) {
  // The sequencer packs batches by entry_wire_size(); it must agree with the real encoding,
  // for every Pong event kind and for both length forms.
  auto check = [](const EntryView& entry, const char* what) {
    Replicate r;
    r.first_seq = 1;
    std::array<std::uint8_t, kMaxDatagramSize> buf{};
    auto with_none = encode(kSender, kEpoch, r, buf);
    ASSERT_TRUE(r.entries.append(entry));
    auto with_one = encode(kSender, kEpoch, r, buf);
    ASSERT_TRUE(with_one.ok() && with_none.ok());
    EXPECT_EQ(*with_one - *with_none, entry_wire_size(entry.payload.size())) << what;
    EXPECT_EQ(r.entries.size_bytes(), entry_wire_size(entry.payload.size())) << what;
  };
  for (std::uint8_t k = 1; k <= pong::kMaxEventKindValue; ++k) {
    auto e = pong::make_event(static_cast<pong::EventKind>(k), 3);
    e.name.assign("abc");
    std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
    const std::size_t n = e.encode(payload);
    check(EntryView{kPongService, k, {payload.data(), n}},
          pong::event_kind_name(static_cast<pong::EventKind>(k)));
  }
  std::vector<std::uint8_t> big(kMaxEntryPayload, 0xab);
  for (std::size_t n : {std::size_t{0}, std::size_t{0x7f}, std::size_t{0x80}, kMaxEntryPayload}) {
    check(EntryView{2, 1, {big.data(), n}}, "generic");
  }
}

TEST(Codec, EntryBlockRefusesWhatDoesNotFitOneDatagram) {
  // An entry larger than kMaxEntryPayload is never appended.
  std::vector<std::uint8_t> big(kMaxEntryPayload + 1, 1);
  EntryBlock block;
  EXPECT_FALSE(block.append(EntryView{kPongService, 1, big}));
  EXPECT_TRUE(block.empty());

  // Fill with the largest entries until the block refuses one; what it holds still encodes
  // into one datagram.
  Replicate r;
  r.first_seq = 1;
  r.commit_seq = 1;
  const std::span<const std::uint8_t> max_payload(big.data(), kMaxEntryPayload);
  while (r.entries.append(EntryView{kPongService, 1, max_payload})) {
  }
  EXPECT_EQ(r.entries.count(), EntryBlock::kCapacity / entry_wire_size(kMaxEntryPayload));
  EXPECT_LE(r.entries.size_bytes(), EntryBlock::kCapacity);
  const std::size_t before = r.entries.count();
  // Small entries still fit in what is left, up to the capacity in bytes.
  while (r.entries.append(EntryView{kPongService, 5, {}})) {
  }
  EXPECT_GT(r.entries.count(), before);
  EXPECT_GT(r.entries.size_bytes() + entry_wire_size(0), EntryBlock::kCapacity);
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  auto size = encode(kSender, kEpoch, r, buf);
  ASSERT_TRUE(size.ok());
  EXPECT_LE(*size, kMaxDatagramSize);
  EXPECT_EQ(round_trip(r).entries.count(), r.entries.count());

  // At most kMaxEntriesPerBatch entries, however small.
  EntryBlock many;
  while (many.append(EntryView{kPongService, 5, {}})) {
  }
  EXPECT_EQ(many.count(), kMaxEntriesPerBatch);
}

TEST(Codec, EncodeRefusesABufferTooSmall) {
  Snapshot s;
  s.chunk_count = 1;
  for (int i = 0; i < 500; ++i) s.data.push_back(1);
  std::array<std::uint8_t, 200> small{};
  auto size = encode(kSender, kEpoch, s, small);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.error(), EncodeError::kTooLarge);
  std::array<std::uint8_t, kHeaderSize - 1> tiny{};
  EXPECT_FALSE(encode(kSender, kEpoch, Election{}, tiny).ok());
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
  EXPECT_EQ(out.total_bytes, 2500u);
}

TEST(Codec, PongClientMessagesRoundTrip) {
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
  Leave l;
  l.client_id = 5;
  l.room = 2;
  EXPECT_EQ(round_trip(l).room, 2u);
  RoomState st;
  st.room = 2;
  st.seq = 12345;
  st.name.assign("finals");
  st.score_left = 3;
  st.ball_x = -5;
  st.leader_control = Endpoint{0x7f010001, 50010};
  auto st2 = round_trip(st);
  EXPECT_EQ(st2.seq, 12345u);
  EXPECT_EQ(st2.ball_x, -5);
  EXPECT_EQ(st2.score_left, 3);
  EXPECT_EQ(st2.name.view(), "finals");
  EXPECT_EQ(st2.leader_control, st.leader_control);
  LeaderboardState board;
  board.room = 2;
  board.result = 7;
  board.you.name.assign("ada");
  board.you.matches = 3;
  board.you.wins = 2;
  board.you.best = 5;
  for (const char* name : {"ada", "bob"}) {
    BoardEntry e;
    e.name.assign(name);
    board.top.push_back(e);
  }
  const LeaderboardState board2 = round_trip(board);
  EXPECT_EQ(board2.result, 7u);
  EXPECT_EQ(board2.you, board.you);
  ASSERT_EQ(board2.top.size(), 2u);
  EXPECT_EQ(board2.top[1].name.view(), "bob");
}

TEST(Codec, ALeaderboardWithImpossibleRecordsIsRefused) {
  LeaderboardState board;
  board.room = 1;
  board.result = 1;
  board.you.matches = 1;
  board.you.wins = 2;  // More wins than matches.
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  const auto size = encode(NodeId{1, 1}, Epoch{1, NodeId{1, 1}}, board, buf);
  ASSERT_TRUE(size.ok());
  const auto decoded = decode(std::span<const std::uint8_t>(buf.data(), *size));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error(), DecodeError::kOutOfRange);
}

TEST(Codec, DecodeMessageIntoAFamilyVariant) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  Input in;
  in.client_id = 9;
  in.recent.push_back(1);
  auto size = encode(kSender, kEpoch, in, buf);
  ASSERT_TRUE(size.ok());
  const std::span<const std::uint8_t> bytes(buf.data(), *size);
  Header header;
  ASSERT_FALSE(decode_header(bytes, header).has_value());
  EXPECT_EQ(header.type, MsgType::kInput);
  EXPECT_EQ(header.body_size, *size - kHeaderSize);

  PongMessage pong = Join{};
  ASSERT_FALSE(decode_message(header.type, body_of(bytes), pong).has_value());
  ASSERT_TRUE(std::holds_alternative<Input>(pong));
  EXPECT_EQ(std::get<Input>(pong).client_id, 9u);
  // Decoding into the same alternative again reuses it.
  ASSERT_FALSE(decode_message(header.type, body_of(bytes), pong).has_value());
  EXPECT_EQ(std::get<Input>(pong).recent.size(), 1u);

  // A variant without the type refuses it as unknown (a server never decodes a client's
  // message as a cluster one, and the reverse).
  ServerMessage server;
  EXPECT_EQ(decode_message(header.type, body_of(bytes), server), DecodeError::kUnknownType);
  ReplicationMessage replication;
  EXPECT_EQ(decode_message(MsgType::kHeartbeat, body_of(bytes), replication),
            DecodeError::kUnknownType);
}

// --- Message type families ------------------------------------------------------------------

TEST(MessageTypes, FamilyBoundaries) {
  EXPECT_EQ(family_of(0), Family::kUnknown);
  EXPECT_EQ(family_of(1), Family::kCluster);
  EXPECT_EQ(family_of(9), Family::kCluster);
  EXPECT_EQ(family_of(10), Family::kReplication);
  EXPECT_EQ(family_of(19), Family::kReplication);
  EXPECT_EQ(family_of(20), Family::kService);
  EXPECT_EQ(family_of(29), Family::kService);
  EXPECT_EQ(family_of(30), Family::kService);
  const auto last_service_type =
      static_cast<std::uint8_t>(first_type_of(kMaxServiceId) + kServiceTypeSpan - 1);
  EXPECT_EQ(last_service_type, 249);
  EXPECT_EQ(family_of(last_service_type), Family::kService);
  for (unsigned t = last_service_type + 1u; t <= 255u; ++t) {
    EXPECT_EQ(family_of(static_cast<std::uint8_t>(t)), Family::kControl) << "type " << t;
  }
}

TEST(MessageTypes, ServiceRanges) {
  EXPECT_EQ(service_of(20), kPongService);
  EXPECT_EQ(service_of(29), kPongService);
  EXPECT_EQ(service_of(30), 2);
  EXPECT_EQ(service_of(109), 9);
  EXPECT_EQ(service_of(110), 10);
  EXPECT_EQ(service_of(249), kMaxServiceId);
  for (unsigned id = 1; id <= kMaxServiceId; ++id) {
    const auto service = static_cast<ServiceId>(id);
    const std::uint8_t first = first_type_of(service);
    EXPECT_EQ(first, kServiceTypeBase + kServiceTypeSpan * (id - 1));
    EXPECT_EQ(service_of(first), service);
    EXPECT_EQ(service_of(static_cast<std::uint8_t>(first + kServiceTypeSpan - 1)), service);
    EXPECT_EQ(family_of(first), Family::kService);
    if (id > 1) {
      EXPECT_EQ(service_of(static_cast<std::uint8_t>(first - 1)), service - 1);
    }
  }
}

TEST(MessageTypes, EveryShippedTypeIsNamedAndInItsFamily) {
  struct Expect {
    MsgType type;
    Family family;
    const char* name;
  };
  const Expect shipped[] = {
      {MsgType::kDiscoverRequest, Family::kCluster, "discover-request"},
      {MsgType::kDiscoverResponse, Family::kCluster, "discover-response"},
      {MsgType::kHeartbeat, Family::kCluster, "heartbeat"},
      {MsgType::kElection, Family::kCluster, "election"},
      {MsgType::kAnswer, Family::kCluster, "answer"},
      {MsgType::kCoordinator, Family::kCluster, "coordinator"},
      {MsgType::kPreVote, Family::kCluster, "pre-vote"},
      {MsgType::kPreVoteReply, Family::kCluster, "pre-vote-reply"},
      {MsgType::kResign, Family::kCluster, "resign"},
      {MsgType::kReplicate, Family::kReplication, "replicate"},
      {MsgType::kAck, Family::kReplication, "ack"},
      {MsgType::kNack, Family::kReplication, "nack"},
      {MsgType::kSnapshot, Family::kReplication, "snapshot"},
      {MsgType::kHandOver, Family::kReplication, "hand-over"},
      {MsgType::kCtlRequest, Family::kControl, "ctl-request"},
      {MsgType::kCtlStatus, Family::kControl, "ctl-status"},
      {MsgType::kCtlResult, Family::kControl, "ctl-result"},
      {MsgType::kJoin, Family::kService, "join"},
      {MsgType::kInput, Family::kService, "input"},
      {MsgType::kRoomState, Family::kService, "room-state"},
      {MsgType::kLeave, Family::kService, "leave"},
      {MsgType::kLeaderboardState, Family::kService, "leaderboard-state"},
      {MsgType::kRaceJoin, Family::kService, "race-join"},
      {MsgType::kRaceInput, Family::kService, "race-input"},
      {MsgType::kRaceState, Family::kService, "race-state"},
      {MsgType::kRaceLeave, Family::kService, "race-leave"},
      {MsgType::kRaceBoardState, Family::kService, "race-board-state"},
      {MsgType::kWatch, Family::kService, "watch"},
      {MsgType::kRaceWatch, Family::kService, "race-watch"},
      {MsgType::kListRooms, Family::kService, "list-rooms"},
      {MsgType::kRoomList, Family::kService, "room-list"},
      {MsgType::kRaceListRooms, Family::kService, "race-list-rooms"},
      {MsgType::kRaceRoomList, Family::kService, "race-room-list"},
      {MsgType::kChatSend, Family::kService, "chat-send"},
      {MsgType::kChatAck, Family::kService, "chat-ack"},
      {MsgType::kChatSubscribe, Family::kService, "chat-subscribe"},
      {MsgType::kChatHistory, Family::kService, "chat-history"},
      {MsgType::kChatLines, Family::kService, "chat-lines"},
      {MsgType::kSessionRequest, Family::kService, "session-request"},
      {MsgType::kSessionGrant, Family::kService, "session-grant"},
  };
  int known = 0;
  for (unsigned t = 0; t <= 255; ++t) known += is_known_msg_type(static_cast<std::uint8_t>(t));
  EXPECT_EQ(known, static_cast<int>(std::size(shipped)));
  for (const Expect& e : shipped) {
    const auto t = static_cast<std::uint8_t>(e.type);
    EXPECT_EQ(family_of(t), e.family) << e.name;
    EXPECT_TRUE(is_known_msg_type(t)) << e.name;
    EXPECT_STREQ(msg_type_name(t), e.name);
    EXPECT_EQ(msg_type_label(t), e.name);
    if (e.family == Family::kService) {
      const ServiceId expected = t < first_type_of(kRacingService)    ? kPongService
                                 : t < first_type_of(kChatService)    ? kRacingService
                                 : t < first_type_of(kSessionService) ? kChatService
                                                                      : kSessionService;
      EXPECT_EQ(service_of(t), expected) << e.name;
    }
  }
  // Types in a family but not shipped, and types in none.
  for (std::uint8_t t : {std::uint8_t{0}, std::uint8_t{15}, std::uint8_t{28}, std::uint8_t{100},
                         std::uint8_t{255}}) {
    EXPECT_FALSE(is_known_msg_type(t)) << int{t};
    EXPECT_STREQ(msg_type_name(t), "unknown");
    EXPECT_EQ(msg_type_label(t), "type-" + std::to_string(t));
  }
}

TEST(MessageTypes, EveryMessageOfTheVariantMatchesItsType) {
  // Each alternative of wire::Message decodes only its own type.
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  auto check = [&](const auto& msg) {
    using Msg = std::decay_t<decltype(msg)>;
    auto size = encode(kSender, kEpoch, msg, buf);
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(buf[3], static_cast<std::uint8_t>(Msg::kType));
    Message out;
    ASSERT_FALSE(
        decode_message(Msg::kType, body_of(std::span<const std::uint8_t>(buf.data(), *size)), out)
            .has_value());
    EXPECT_TRUE(std::holds_alternative<Msg>(out)) << msg_type_name(buf[3]);
  };
  Replicate r;
  r.first_seq = 1;
  Snapshot s;
  s.chunk_count = 1;
  Join j;
  j.client_id = 1;
  Input in;
  in.client_id = 1;
  Leave l;
  l.client_id = 1;
  check(DiscoverRequest{});
  check(DiscoverResponse{});
  check(Heartbeat{});
  check(Election{});
  check(Answer{});
  check(Coordinator{});
  check(Resign{});
  check(HandOver{NodeId{0, 2}, 7});
  CtlRequest request;
  request.command = static_cast<std::uint8_t>(CtlCommand::kStatus);
  check(request);
  check(CtlStatus{});
  CtlResult result;
  result.command = static_cast<std::uint8_t>(CtlCommand::kDrain);
  check(result);
  check(r);
  check(Ack{});
  check(Nack{});
  check(s);
  check(j);
  check(in);
  check(RoomState{});
  check(l);
  LeaderboardState board;
  board.room = 1;
  board.result = 1;
  check(board);
  check(RaceJoin{1, {}, {}});
  RaceInput race_input;
  race_input.client_id = 1;
  check(race_input);
  check(RaceState{});
  check(RaceLeave{1, 0});
  RaceBoardState race_board;
  race_board.room = 1;
  race_board.result = 1;
  check(race_board);
  check(Watch{1, 0, {}});
  check(RaceWatch{1, 3, {}});
  check(ListRooms{1});
  check(RoomList{});
  check(RaceListRooms{1});
  check(RaceRoomList{});
  ChatSend send;
  send.client_id = 1;
  send.msg_id = 1;
  send.channel.assign("lobby");
  send.name.assign("ada");
  send.text.assign("hi");
  check(send);
  check(ChatAck{1, 0, 0, 0, 0});
  ChatSubscribe sub;
  sub.client_id = 1;
  sub.channel.assign("lobby");
  check(sub);
  ChatHistory page;
  page.client_id = 1;
  page.channel.assign("lobby");
  page.before = 10;
  check(page);
  ChatLines lines;
  lines.channel.assign("lobby");
  check(lines);
  PreVote pre_vote;
  pre_vote.control = Endpoint{0x7f000001, 50010};
  check(pre_vote);
  PreVoteReply reply;
  reply.granted = 1;
  check(reply);
  SessionRequest session_request;
  session_request.client_id = 1;
  check(session_request);
  SessionGrant grant;
  grant.client_id = 1;
  check(grant);
  EXPECT_EQ(std::variant_size_v<Message>, 40u);
}

}  // namespace
}  // namespace dp::wire
