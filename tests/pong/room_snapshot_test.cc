#include <gtest/gtest.h>

#include "core/common/rng.h"
#include "core/services/pong/book.h"
#include "tests/pong/match_driver.h"

namespace dp::pong {
namespace {

using testing::Driver;

// A book with rooms in three phases: room 1 finished (lingering), room 2 playing, room 3
// waiting for a second player.
Driver busy_driver() {
  Driver d(2);
  EXPECT_TRUE(d.join(1, "snap"));
  EXPECT_TRUE(d.join(2, "snap"));
  const InputTable inputs{{1, -1}, {2, 1}, {3, 1}, {4, 0}};
  // Room 2 opens at room 1's first point, so that its own first serve (three seconds in) has
  // come by the time room 1 has finished and lingered a little.
  for (int t = 0; t < 5000 && score_of(d.book.find(1)->match).total() == 0; ++t) {
    EXPECT_TRUE(d.tick(inputs));
  }
  EXPECT_TRUE(d.join(3, "snap"));
  EXPECT_TRUE(d.join(4, "snap"));
  for (int t = 0; t < 5000 && d.book.find(1)->match.phase != Phase::kGameOver; ++t) {
    EXPECT_TRUE(d.tick(inputs));
  }
  for (int t = 0; t < 100; ++t) EXPECT_TRUE(d.tick(inputs));
  EXPECT_TRUE(d.join(5, "snap"));
  return d;
}

std::vector<std::uint8_t> snapshot_of(const RoomBook& book) {
  std::vector<std::uint8_t> bytes;
  book.save_snapshot(bytes);
  return bytes;
}

TEST(RoomSnapshot, RestoredBookHasTheSameDigestAndEvolvesIdentically) {
  Driver d = busy_driver();
  ASSERT_EQ(d.book.rooms().size(), 3u);
  EXPECT_EQ(d.book.find(1)->match.phase, Phase::kGameOver);
  EXPECT_EQ(d.book.find(2)->match.phase, Phase::kPlaying);
  EXPECT_EQ(d.book.find(3)->match.phase, Phase::kWaiting);
  const std::vector<std::uint8_t> bytes = snapshot_of(d.book);
  RoomBook restored;
  ASSERT_TRUE(restored.load_snapshot(bytes).ok());
  EXPECT_EQ(restored.digest(), d.book.digest());
  EXPECT_EQ(restored.rooms(), d.book.rooms());
  EXPECT_EQ(restored.next_room_id(), d.book.next_room_id());
  ASSERT_TRUE(restored.seat_of(5).has_value());
  EXPECT_EQ(restored.seat_of(5)->room, d.book.seat_of(5)->room);

  // Both go on identically, including the seat index rebuilt from the snapshot.
  const std::size_t applied = d.log.size();
  InputTable inputs{{1, 1}, {2, -1}, {3, 0}, {4, 1}};
  for (int t = 0; t < 200; ++t) ASSERT_TRUE(d.tick(inputs));
  ASSERT_TRUE(d.join(6, "snap"));
  for (std::size_t i = applied; i < d.log.size(); ++i) ASSERT_TRUE(restored.apply(d.log[i]).ok());
  EXPECT_EQ(restored.digest(), d.book.digest());
}

TEST(RoomSnapshot, EveryTruncationIsRejectedAndLeavesTheBookUnchanged) {
  const std::vector<std::uint8_t> bytes = snapshot_of(busy_driver().book);
  Driver other = busy_driver();
  other.join(42);
  const std::uint64_t before = other.book.digest();
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    const auto result = other.book.load_snapshot(std::span(bytes.data(), size));
    ASSERT_FALSE(result.ok()) << "size " << size;
    ASSERT_EQ(other.book.digest(), before);
  }
  std::vector<std::uint8_t> trailing = bytes;
  trailing.push_back(0);
  const auto result = other.book.load_snapshot(trailing);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), SnapshotError::kTrailingBytes);
  EXPECT_EQ(other.book.digest(), before);
}

TEST(RoomSnapshot, HugeRoomCountsAreRejectedBeforeAnyAllocation) {
  std::vector<std::uint8_t> bytes = snapshot_of(busy_driver().book);
  // The room count sits at offset 34 (magic 4, version 1, target 1, identity 24, next id 4).
  for (const std::uint32_t count : {0xffffffffu, 100001u, 4u}) {
    std::vector<std::uint8_t> forged = bytes;
    for (int i = 0; i < 4; ++i) forged[34 + i] = static_cast<std::uint8_t>(count >> (8 * i));
    RoomBook book;
    const auto result = book.load_snapshot(forged);
    ASSERT_FALSE(result.ok());
    // One room too many reads the leaderboard's bytes as a room and fails there.
    if (count != 4u) {
      EXPECT_EQ(result.error(), SnapshotError::kTooManyRooms) << count;
    }
    EXPECT_TRUE(book.rooms().empty());
  }
}

TEST(RoomSnapshot, OutOfRangeFieldsAndDuplicateSeatsAreRejected) {
  const Driver d = busy_driver();
  const std::vector<std::uint8_t> bytes = snapshot_of(d.book);
  const std::size_t first_room = 38;
  const std::size_t name_size = d.book.rooms().begin()->second.name.size();
  const std::size_t phase_at = first_room + 4 + 1 + name_size;

  std::vector<std::uint8_t> bad_phase = bytes;
  bad_phase[phase_at] = 9;
  RoomBook book;
  ASSERT_FALSE(book.load_snapshot(bad_phase).ok());
  EXPECT_EQ(book.load_snapshot(bad_phase).error(), SnapshotError::kOutOfRange);

  std::vector<std::uint8_t> bad_magic = bytes;
  bad_magic[0] ^= 1;
  EXPECT_EQ(book.load_snapshot(bad_magic).error(), SnapshotError::kBadMagic);

  // Copy room 1's left player into room 2's left slot: one client seated twice. A seat is
  // 16 bytes and its name's.
  const Room& room1 = d.book.rooms().begin()->second;
  const std::size_t seat0 = 16 + room1.seats[0].name.size();
  const std::size_t room_bytes = 4 + 1 + name_size + 42 + seat0 + 16 + room1.seats[1].name.size();
  const std::size_t player0 = first_room + 4 + 1 + name_size + 42;
  std::vector<std::uint8_t> twice = bytes;
  ASSERT_EQ(std::next(d.book.rooms().begin())->second.seats[0].name.size(),
            room1.seats[0].name.size());
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(player0),
            bytes.begin() + static_cast<std::ptrdiff_t>(player0 + seat0),
            twice.begin() + static_cast<std::ptrdiff_t>(player0 + room_bytes));
  EXPECT_EQ(book.load_snapshot(twice).error(), SnapshotError::kInconsistent);
  EXPECT_TRUE(book.rooms().empty());
}

TEST(RoomSnapshot, GarbageAndBitFlipsNeverCrash) {
  const Driver d = busy_driver();
  const std::vector<std::uint8_t> bytes = snapshot_of(d.book);
  Rng rng(7);
  RoomBook book;
  int loaded = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<std::uint8_t> garbage(rng.uniform(400));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(rng.uniform(256));
    if (trial % 2 == 0 && garbage.size() >= 14) {
      std::copy(bytes.begin(), bytes.begin() + 14, garbage.begin());  // A plausible header.
    }
    loaded += book.load_snapshot(garbage).ok() ? 1 : 0;
  }
  EXPECT_EQ(loaded, 0);
  // Single bit flips either load a valid book or fail cleanly; a loaded one re-encodes to
  // exactly the flipped bytes (the encoding is canonical).
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    std::vector<std::uint8_t> flipped = bytes;
    flipped[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    RoomBook target;
    if (target.load_snapshot(flipped).ok()) {
      EXPECT_EQ(snapshot_of(target), flipped) << i;
    }
  }
}

}  // namespace
}  // namespace dp::pong
