// libFuzzer target: game::RoomBook::load_snapshot on untrusted snapshot bytes.
//
// Oracles: a rejected snapshot leaves the book unchanged (same digest as before); an accepted
// one re-saves to bytes that load again into a book with the same digest, and saving that
// book gives the same bytes again.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/game/room_book.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dp::game::RoomBook book;
  const std::uint64_t empty_digest = book.digest();
  auto loaded = book.load_snapshot(std::span<const std::uint8_t>(data, size));
  if (!loaded.ok()) {
    FUZZ_CHECK(book.digest() == empty_digest);
    return 0;
  }
  std::vector<std::uint8_t> saved;
  book.save_snapshot(saved);
  dp::game::RoomBook copy;
  auto reloaded = copy.load_snapshot(saved);
  FUZZ_CHECK(reloaded.ok());
  FUZZ_CHECK(copy.digest() == book.digest());
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
