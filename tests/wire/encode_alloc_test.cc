// Encoding a message writes into the caller's buffer and performs no heap allocation;
// decoding likewise allocates nothing (bodies use fixed-capacity containers).
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "core/wire/codec.h"

namespace {
std::atomic<long> g_allocations{0};
}

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
// The replacement new above allocates with malloc, so free is the matching release.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace dp::wire {
namespace {

TEST(EncodeAlloc, NoHeapAllocationPerMessage) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  Replicate r;
  r.first_seq = 1;
  for (int i = 0; i < 50; ++i) {
    RoomEvent e;
    e.kind = EventKind::kTick;
    e.room = static_cast<std::uint32_t>(i);
    r.events.push_back(e);
  }
  auto warm = encode(NodeId{1, 2}, Epoch{}, hb, buf);  // First use may touch locale state.
  ASSERT_TRUE(warm.ok());
  Decoded decoded;
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    auto a = encode(NodeId{1, 2}, Epoch{}, hb, buf);
    ASSERT_TRUE(a.ok());
    auto b = encode(NodeId{1, 2}, Epoch{}, r, buf);
    ASSERT_TRUE(b.ok());
    auto status = decode_into(std::span<const std::uint8_t>(buf.data(), *b), decoded);
    ASSERT_TRUE(std::holds_alternative<std::monostate>(status));
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
}

}  // namespace
}  // namespace dp::wire
