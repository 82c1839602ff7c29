// Pong's log entries: every kind survives encode and decode unchanged, with the documented
// payload layout, and decode refuses anything malformed (a replica must never apply a guess).
#include "core/services/pong/event.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

using Payload = std::array<std::uint8_t, Event::kMaxPayload>;

std::vector<std::uint8_t> encode(const Event& e) {
  Payload buf{};
  const std::size_t size = e.encode(buf);
  return {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(size)};
}

std::optional<Event> decode(std::uint8_t kind, const std::vector<std::uint8_t>& payload,
                            wire::ServiceId service = wire::kPongService) {
  return Event::decode(wire::EntryView{service, kind, {payload.data(), payload.size()}});
}

std::optional<Event> round_trip(const Event& e) {
  return decode(static_cast<std::uint8_t>(e.kind), encode(e));
}

void expect_same(const Event& a, const Event& b) {
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.room, b.room);
  EXPECT_EQ(a.slot, b.slot);
  EXPECT_EQ(a.direction, b.direction);
  EXPECT_EQ(a.score, b.score);
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.client, b.client);
  EXPECT_EQ(a.name.view(), b.name.view());
}

// One event of every kind, with fields at the edges of their ranges.
std::vector<Event> one_of_each_kind() {
  std::vector<Event> events;
  Event open = make_event(EventKind::kOpenRoom, 0xfffffffeu);
  open.name.assign(std::string(wire::kRoomNameMax, 'n'));
  events.push_back(open);
  events.push_back(make_event(EventKind::kOpenRoom, 1));  // Unnamed.
  Event join = make_event(EventKind::kJoin, 7);
  join.slot = 1;
  join.client_id = 0xfedcba9876543210ull;
  join.client = Endpoint{0xc0a80101u, 65535};
  events.push_back(join);
  Event leave = make_event(EventKind::kLeave, 7);
  leave.slot = 1;
  events.push_back(leave);
  for (const std::int8_t direction : std::initializer_list<std::int8_t>{-1, 0, 1}) {
    Event input = make_event(EventKind::kInput, 7);
    input.direction = direction;
    events.push_back(input);
  }
  events.push_back(make_event(EventKind::kTick, 7));
  Event point = make_event(EventKind::kPoint, 7);
  point.score = Score{4, 255};
  events.push_back(point);
  Event over = make_event(EventKind::kMatchOver, 7);
  over.slot = 1;
  over.score = Score{2, 5};
  events.push_back(over);
  events.push_back(make_event(EventKind::kClose, 7));
  return events;
}

TEST(PongEvent, EveryKindSurvivesARoundTrip) {
  for (const Event& e : one_of_each_kind()) {
    SCOPED_TRACE(event_kind_name(e.kind));
    const std::optional<Event> back = round_trip(e);
    ASSERT_TRUE(back.has_value());
    expect_same(*back, e);
  }
}

TEST(PongEvent, PayloadsHaveTheDocumentedSizes) {
  const struct {
    EventKind kind;
    std::size_t size;
  } sizes[] = {
      {EventKind::kJoin, 4 + 1 + 8 + 4 + 2 + 1},
      {EventKind::kLeave, 5},
      {EventKind::kInput, 6},
      {EventKind::kTick, 4},
      {EventKind::kPoint, 6},
      {EventKind::kMatchOver, 7},
      {EventKind::kClose, 4},
  };
  for (const auto& s : sizes) {
    EXPECT_EQ(encode(make_event(s.kind, 1)).size(), s.size) << event_kind_name(s.kind);
  }
  Event open = make_event(EventKind::kOpenRoom, 1);
  EXPECT_EQ(encode(open).size(), 5u);
  open.name.assign(std::string(wire::kRoomNameMax, 'x'));
  EXPECT_EQ(encode(open).size(), 29u);
  Event longest = make_event(EventKind::kJoin, 1);
  longest.player.assign(std::string(wire::kPlayerNameMax, 'p'));
  EXPECT_EQ(encode(longest).size(), Event::kMaxPayload) << "the longest event";
}

TEST(PongEvent, FieldsAreLittleEndianRoomFirst) {
  Event point = make_event(EventKind::kPoint, 0x04030201u);
  point.score = Score{3, 2};
  EXPECT_EQ(encode(point), (std::vector<std::uint8_t>{1, 2, 3, 4, 3, 2}));
  Event input = make_event(EventKind::kInput, 1);
  input.slot = 1;
  input.direction = -1;
  EXPECT_EQ(encode(input), (std::vector<std::uint8_t>{1, 0, 0, 0, 1, 0xff}));
  Event open = make_event(EventKind::kOpenRoom, 2);
  open.name.assign("ab");
  EXPECT_EQ(encode(open), (std::vector<std::uint8_t>{2, 0, 0, 0, 2, 'a', 'b'}));
}

TEST(PongEvent, DecodeRefusesAWrongLength) {
  for (const Event& e : one_of_each_kind()) {
    SCOPED_TRACE(event_kind_name(e.kind));
    const std::vector<std::uint8_t> bytes = encode(e);
    const auto kind = static_cast<std::uint8_t>(e.kind);
    for (std::size_t size = 0; size < bytes.size(); ++size) {
      const std::vector<std::uint8_t> truncated(bytes.begin(),
                                                bytes.begin() + static_cast<std::ptrdiff_t>(size));
      EXPECT_FALSE(decode(kind, truncated).has_value()) << "truncated to " << size;
    }
    std::vector<std::uint8_t> longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(decode(kind, longer).has_value()) << "a trailing byte";
  }
}

TEST(PongEvent, DecodeRefusesAnUnknownKind) {
  const std::vector<std::uint8_t> room_only{1, 0, 0, 0};
  EXPECT_TRUE(decode(static_cast<std::uint8_t>(EventKind::kTick), room_only).has_value());
  for (const std::uint8_t kind :
       std::initializer_list<std::uint8_t>{0, kMaxEventKindValue + 1, 0x80, 0xff}) {
    EXPECT_FALSE(decode(kind, room_only).has_value()) << int{kind};
  }
}

TEST(PongEvent, DecodeRefusesFieldsOutOfRange) {
  // A paddle direction other than -1, 0, 1.
  for (const std::uint8_t direction : std::initializer_list<std::uint8_t>{2, 0x7f, 0xfe, 0x80}) {
    EXPECT_FALSE(decode(static_cast<std::uint8_t>(EventKind::kInput), {1, 0, 0, 0, 0, direction})
                     .has_value())
        << int{direction};
  }
  // A slot other than 0 or 1, for every kind that has one.
  Event join = make_event(EventKind::kJoin, 1);
  join.client_id = 5;
  std::vector<std::uint8_t> bytes = encode(join);
  bytes[4] = 2;
  EXPECT_FALSE(decode(static_cast<std::uint8_t>(EventKind::kJoin), bytes).has_value());
  EXPECT_FALSE(decode(static_cast<std::uint8_t>(EventKind::kLeave), {1, 0, 0, 0, 2}).has_value());
  EXPECT_FALSE(
      decode(static_cast<std::uint8_t>(EventKind::kInput), {1, 0, 0, 0, 0xff, 0}).has_value());
  EXPECT_FALSE(
      decode(static_cast<std::uint8_t>(EventKind::kMatchOver), {1, 0, 0, 0, 2, 5, 0}).has_value())
      << "a winner that is no slot";
  // A room name longer than the wire allows, even when the bytes are there.
  std::vector<std::uint8_t> long_name{1, 0, 0, 0,
                                      static_cast<std::uint8_t>(wire::kRoomNameMax + 1)};
  long_name.resize(long_name.size() + wire::kRoomNameMax + 1, 'x');
  EXPECT_FALSE(decode(static_cast<std::uint8_t>(EventKind::kOpenRoom), long_name).has_value());
}

TEST(PongEvent, EveryKindHasAName) {
  for (std::uint8_t kind = 1; kind <= kMaxEventKindValue; ++kind) {
    EXPECT_STRNE(event_kind_name(static_cast<EventKind>(kind)), "?") << int{kind};
  }
  EXPECT_STREQ(event_kind_name(EventKind::kMatchOver), "match-over");
}

}  // namespace
}  // namespace dp::pong
