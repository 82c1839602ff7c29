// The racing book: joins fill a race of 2-4, checks are verified, a race's result goes on
// the leaderboard once, and snapshots and durable records give back the same book.
#include "core/services/racing/book.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "core/services/racing/planner.h"

namespace dp::racing {
namespace {

class MapSink final : public RecordSink {
 public:
  void put(const RecordKey& key, std::span<const std::uint8_t> value) override {
    records[key] = std::vector<std::uint8_t>(value.begin(), value.end());
  }
  void erase(const RecordKey& key) override { records.erase(key); }
  std::vector<StoredRecord> stored() const {
    std::vector<StoredRecord> out;
    for (const auto& [k, v] : records) out.push_back({k, v});
    return out;
  }
  std::map<RecordKey, std::vector<std::uint8_t>> records;
};

struct Driver {
  RaceBook book;
  MapSink sink;
  std::vector<Event> planned;

  ApplyResult apply(const Event& e) {
    const ApplyResult result = book.apply(e);
    if (result.ok() && e.kind != EventKind::kTick && e.kind != EventKind::kInput) {
      book.write_records(e, sink);
    }
    return result;
  }
  void run(std::vector<Event> events) {
    for (const Event& e : events) {
      const ApplyResult result = apply(e);
      ASSERT_TRUE(result.ok()) << event_kind_name(e.kind) << ": " << apply_error_name(result.error);
      std::vector<Event> checks;
      plan_checks(book, e.room, result, checks);
      run(checks);
    }
  }
  void join(std::uint64_t client, const char* name) {
    std::vector<Event> out;
    plan_join(book, client, Endpoint{0x7f000001, static_cast<std::uint16_t>(client)}, "",
              wire::PlayerName(name), 1234, out);
    run(out);
  }
  void tick(const SteerTable& steering = {}) {
    std::vector<Event> out;
    plan_tick(book, steering, out);
    run(out);
  }
};

TEST(RaceBook, TwoRacersStartTheCountdownAndFourFillTheRoom) {
  Driver d;
  d.join(1, "ann");
  ASSERT_EQ(d.book.rooms().size(), 1u);
  EXPECT_EQ(d.book.rooms().begin()->second.match.phase, Phase::kWaiting);
  d.join(2, "bob");
  EXPECT_EQ(d.book.rooms().begin()->second.match.phase, Phase::kCountdown);
  d.join(3, "cy");
  d.join(4, "di");
  EXPECT_EQ(d.book.rooms().size(), 1u);
  EXPECT_EQ(d.book.rooms().begin()->second.player_count(), 4);
  d.join(5, "ed");  // The fifth racer gets a room of its own.
  EXPECT_EQ(d.book.rooms().size(), 2u);
}

TEST(RaceBook, ALeaveBeforeGoReturnsToWaiting) {
  Driver d;
  d.join(1, "ann");
  d.join(2, "bob");
  std::vector<Event> out;
  plan_leave(d.book, 2, out);
  d.run(out);
  const Room& room = d.book.rooms().begin()->second;
  EXPECT_EQ(room.match.phase, Phase::kWaiting);
  EXPECT_EQ(room.player_count(), 1);
}

TEST(RaceBook, ARaceRunsToItsResultOnTheLeaderboardAndCloses) {
  Driver d;
  d.join(1, "ann");
  d.join(2, "bob");
  for (int i = 0; i < 20000 && !d.book.rooms().empty(); ++i) d.tick({{1, -1}, {2, 1}});
  EXPECT_TRUE(d.book.rooms().empty());
  ASSERT_EQ(d.book.board().results().size(), 1u);
  EXPECT_EQ(d.book.board().players().size(), 2u);
  const RacerStats* ann = d.book.board().find(wire::PlayerName("ann"));
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->races, 1u);
}

TEST(RaceBook, ChecksThatDisagreeAreRefusedAndChangeNothing) {
  Driver d;
  d.join(1, "ann");
  d.join(2, "bob");
  const std::uint64_t before = d.book.digest();
  Event wrong = make_event(EventKind::kScores, d.book.rooms().begin()->first);
  wrong.scores[0] = 9;
  EXPECT_EQ(d.book.apply(wrong).error, ApplyError::kCheckMismatch);
  Event over = make_event(EventKind::kRaceOver, d.book.rooms().begin()->first);
  EXPECT_EQ(d.book.apply(over).error, ApplyError::kWrongPhase);
  EXPECT_EQ(d.book.digest(), before);
}

TEST(RaceBook, SnapshotsAndRecordsRebuildTheSameBook) {
  Driver d;
  for (std::uint64_t c = 1; c <= 6; ++c) d.join(c, ("r" + std::to_string(c)).c_str());
  for (int i = 0; i < 400; ++i) d.tick({{1, 1}, {3, -1}});
  std::vector<std::uint8_t> bytes;
  d.book.save_snapshot(bytes);
  RaceBook copy;
  ASSERT_TRUE(copy.load_snapshot(bytes));
  EXPECT_EQ(copy.digest(), d.book.digest());

  // Truncated or altered bytes are refused and change nothing.
  RaceBook other;
  const std::uint64_t empty = other.digest();
  EXPECT_FALSE(other.load_snapshot(std::span(bytes).first(bytes.size() - 1)));
  bytes[9] ^= 0xff;
  EXPECT_FALSE(other.load_snapshot(bytes) && other.digest() == d.book.digest());
  RaceBook untouched;
  EXPECT_EQ(untouched.digest(), empty);

  RaceBook from_disk;
  ASSERT_TRUE(from_disk.load_records(d.sink.stored()));
  EXPECT_EQ(from_disk.next_room_id(), d.book.next_room_id());
  EXPECT_EQ(from_disk.rooms().size(), d.book.rooms().size());
  EXPECT_EQ(from_disk.board(), d.book.board());
}

TEST(RaceEvents, EveryKindRoundTripsAndJunkIsRefused) {
  for (std::uint8_t kind = 1; kind <= kMaxEventKindValue; ++kind) {
    Event e = make_event(static_cast<EventKind>(kind), 7);
    e.slot = kind == static_cast<std::uint8_t>(EventKind::kRaceOver) ? kDraw : 2;
    e.seed = 99;
    e.client_id = 5;
    e.player = wire::PlayerName("zed");
    e.scores = {1, 2, 3, 4};
    e.alive = 5;
    std::vector<std::uint8_t> payload;
    e.encode(payload);
    const auto back = Event::decode(wire::EntryView{2, kind, payload});
    ASSERT_TRUE(back.has_value()) << int{kind};
    payload.push_back(0);
    EXPECT_FALSE(Event::decode(wire::EntryView{2, kind, payload}).has_value());
  }
  EXPECT_FALSE(Event::decode(wire::EntryView{2, 0, {}}).has_value());
  EXPECT_FALSE(Event::decode(wire::EntryView{2, 9, {}}).has_value());
}

}  // namespace
}  // namespace dp::racing
