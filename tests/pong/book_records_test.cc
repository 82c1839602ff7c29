// RoomBook's durable records: what a server writes as durable events are applied is enough to
// rebuild rooms, scores, the leaderboard and the cluster's identity after a restart, and
// records that do not fit together are refused without touching the book.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/services/pong/book.h"
#include "core/services/pong/event.h"
#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

// A disk: the records of one service, as the server's store keeps them.
class MemorySink final : public RecordSink {
 public:
  void put(const RecordKey& key, std::span<const std::uint8_t> value) override {
    records[key].assign(value.begin(), value.end());
  }
  void erase(const RecordKey& key) override { records.erase(key); }
  std::vector<StoredRecord> stored() const {
    std::vector<StoredRecord> out;
    for (const auto& [key, value] : records) out.push_back(StoredRecord{key, value});
    return out;
  }
  std::map<RecordKey, std::vector<std::uint8_t>> records;
};

bool durable(EventKind kind) { return kind != EventKind::kInput && kind != EventKind::kTick; }

const Epoch kFounding{1, NodeId{7, 0x1234}};

Event identity_event(const Epoch& founding) {
  Event e = pong::make_event(EventKind::kIdentity, 0);
  e.founding = founding;
  return e;
}

// A server's replica: applies each event and, if it is durable, writes its records at once.
struct Server {
  RoomBook book{1};
  MemorySink disk;
  void apply(const Event& e) {
    const ApplyResult result = book.apply(e);
    EXPECT_TRUE(result.ok()) << event_kind_name(e.kind) << ": " << apply_error_name(result.error);
    if (durable(e.kind)) book.write_records(e, disk);
    std::vector<Event> checks;
    plan_checks(e.room, result, checks);
    for (const Event& c : checks) apply(c);
  }
};

// Plays whole matches (first to 1) in two rooms.
void play(Server& s) {
  s.apply(identity_event(kFounding));
  for (std::uint64_t c = 1; c <= 4; ++c) {
    std::vector<Event> planned;
    plan_join(s.book, c, Endpoint{0x0a000000u + static_cast<std::uint32_t>(c), 4000}, {}, planned);
    for (const Event& e : planned) s.apply(e);
  }
  InputTable inputs;
  for (int i = 0; i < 20000 && s.book.leaderboard().results_recorded() < 2; ++i) {
    std::vector<Event> planned;
    plan_tick(s.book, inputs, planned);
    for (const Event& e : planned) s.apply(e);
  }
}

TEST(BookRecords, TheRecordsRebuildRoomsScoresLeaderboardAndIdentity) {
  Server d;
  play(d);
  ASSERT_EQ(d.book.leaderboard().results_recorded(), 2u);
  RoomBook restarted(1);
  ASSERT_TRUE(restarted.load_records(d.disk.stored()));
  EXPECT_EQ(restarted.identity(), kFounding);
  EXPECT_EQ(restarted.leaderboard(), d.book.leaderboard());
  EXPECT_EQ(restarted.next_room_id(), d.book.next_room_id());
  ASSERT_EQ(restarted.rooms().size(), d.book.rooms().size());
  for (const auto& [id, room] : d.book.rooms()) {
    const Room* back = restarted.find(id);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(score_of(back->match), score_of(room.match)) << "room " << id;
    EXPECT_EQ(back->seats[0], room.seats[0]);
    EXPECT_EQ(back->seats[1], room.seats[1]);
  }
  // The same records, written whole (a snapshot replaced the state), rebuild the same book.
  MemorySink whole;
  d.book.write_all_records(whole);
  RoomBook again(1);
  ASSERT_TRUE(again.load_records(whole.stored()));
  EXPECT_EQ(again.digest(), restarted.digest());
}

TEST(BookRecords, AnIdentityAloneLoads) {
  RoomBook book;
  ASSERT_TRUE(book.apply(identity_event(kFounding)).ok());
  MemorySink disk;
  book.write_records(identity_event(kFounding), disk);
  ASSERT_EQ(disk.records.size(), 1u);
  RoomBook restarted;
  ASSERT_TRUE(restarted.load_records(disk.stored()));
  EXPECT_EQ(restarted.identity(), kFounding);
  EXPECT_TRUE(restarted.rooms().empty());
}

TEST(BookRecords, RecordsThatDoNotFitAreRefusedAndChangeNothing) {
  Server played;
  play(played);
  const MemorySink& disk = played.disk;
  RoomBook book(1);
  ASSERT_TRUE(book.apply(identity_event(Epoch{9, NodeId{9, 9}})).ok());
  const std::uint64_t before = book.digest();
  auto corrupt = [&](auto&& change) {
    std::vector<StoredRecord> records = disk.stored();
    change(records);
    EXPECT_FALSE(book.load_records(records));
    EXPECT_EQ(book.digest(), before);
  };
  corrupt([](std::vector<StoredRecord>& r) { r.front().value.pop_back(); });   // Truncated meta.
  corrupt([](std::vector<StoredRecord>& r) { r.back().value.push_back(0); });  // Trailing byte.
  corrupt([](std::vector<StoredRecord>& r) { r.back().key.key ^= 1; });  // Key and value differ.
  corrupt([](std::vector<StoredRecord>& r) {
    r.erase(r.begin());  // Rooms and results without their meta record.
    r.erase(r.begin());
  });
  corrupt([](std::vector<StoredRecord>& r) { r.push_back({RecordKey{0, 9, 0}, {1}}); });
}

TEST(BookIdentity, SetOnceByTheFoundingEpochThenFixed) {
  RoomBook book;
  EXPECT_TRUE(book.identity().is_none());
  ASSERT_TRUE(book.apply(identity_event(kFounding)).ok());
  EXPECT_EQ(book.identity(), kFounding);
  EXPECT_TRUE(book.apply(identity_event(kFounding)).ok()) << "the same again changes nothing";
  EXPECT_EQ(book.apply(identity_event(Epoch{2, NodeId{8, 1}})).error, ApplyError::kIdentityTaken);
  EXPECT_EQ(book.identity(), kFounding);
  // It travels in snapshots.
  std::vector<std::uint8_t> bytes;
  book.save_snapshot(bytes);
  RoomBook copy;
  ASSERT_TRUE(copy.load_snapshot(bytes).ok());
  EXPECT_EQ(copy.identity(), kFounding);
  EXPECT_EQ(copy.digest(), book.digest());
}

TEST(BookIdentity, TheEventRoundTripsAndForgeriesAreRefused) {
  std::array<std::uint8_t, Event::kMaxPayload> payload{};
  const Event e = identity_event(kFounding);
  const std::size_t size = e.encode(payload);
  EXPECT_EQ(size, 4u + 8u + 16u);
  const auto decoded = Event::decode(wire::EntryView{
      wire::kPongService, static_cast<std::uint8_t>(EventKind::kIdentity), {payload.data(), size}});
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->founding, kFounding);
  Event in_a_room = e;
  in_a_room.room = 3;
  const std::size_t size2 = in_a_room.encode(payload);
  EXPECT_FALSE(Event::decode(wire::EntryView{wire::kPongService,
                                             static_cast<std::uint8_t>(EventKind::kIdentity),
                                             {payload.data(), size2}})
                   .has_value());
  const std::size_t size3 = identity_event(Epoch{}).encode(payload);
  EXPECT_FALSE(Event::decode(wire::EntryView{wire::kPongService,
                                             static_cast<std::uint8_t>(EventKind::kIdentity),
                                             {payload.data(), size3}})
                   .has_value())
      << "no epoch is no identity";
}

}  // namespace
}  // namespace dp::pong
