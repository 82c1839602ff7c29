// libFuzzer target: pong::RoomBook::load_snapshot on untrusted snapshot bytes (what a follower
// installs, inside the log's composite snapshot, from a leader it has never met).
//
// Oracles: a rejected snapshot leaves the book unchanged (same digest as before); an accepted
// one re-saves to bytes that load again into a book with the same digest, and saving that
// book gives the same bytes again.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/services/pong/book.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dp::pong::RoomBook book;
  const std::uint64_t empty_digest = book.digest();
  auto loaded = book.load_snapshot(std::span<const std::uint8_t>(data, size));
  if (!loaded.ok()) {
    FUZZ_CHECK(book.digest() == empty_digest);
    FUZZ_CHECK(book.rooms().empty());
    return 0;
  }
  std::vector<std::uint8_t> saved;
  book.save_snapshot(saved);
  dp::pong::RoomBook copy;
  auto reloaded = copy.load_snapshot(saved);
  FUZZ_CHECK(reloaded.ok());
  FUZZ_CHECK(copy.digest() == book.digest());
  FUZZ_CHECK(copy.rooms().size() == book.rooms().size());
  FUZZ_CHECK(copy.next_room_id() == book.next_room_id());
  std::vector<std::uint8_t> saved_again;
  copy.save_snapshot(saved_again);
  FUZZ_CHECK(saved_again == saved);
  // A loaded book must survive whatever comes next; a failing load must not disturb it.
  const std::uint64_t before = copy.digest();
  if (size > 0) {
    auto bad = copy.load_snapshot(std::span<const std::uint8_t>(data, size - 1));
    if (!bad.ok()) FUZZ_CHECK(copy.digest() == before);
  }
  return 0;
}
