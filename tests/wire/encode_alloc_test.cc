// Encoding a message writes into the caller's buffer and performs no heap allocation;
// decoding likewise allocates nothing (bodies use fixed-capacity containers, and a Replicate's
// entries live inline in its EntryBlock).
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>

#include "core/services/pong/event.h"
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

// The leader's batch of one tick: an input and a tick for each of 50 rooms, as Pong entries.
void fill_batch(Replicate& r) {
  r.first_seq = 1;
  r.commit_seq = 0;
  r.entries.clear();
  std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
  for (std::uint32_t room = 0; room < 50; ++room) {
    pong::Event input = pong::make_event(pong::EventKind::kInput, room);
    input.slot = static_cast<std::uint8_t>(room & 1);
    input.direction = 1;
    std::size_t n = input.encode(payload);
    EXPECT_TRUE(r.entries.append(
        EntryView{kPongService, static_cast<std::uint8_t>(input.kind), {payload.data(), n}}));
    const pong::Event tick = pong::make_event(pong::EventKind::kTick, room);
    n = tick.encode(payload);
    EXPECT_TRUE(r.entries.append(
        EntryView{kPongService, static_cast<std::uint8_t>(tick.kind), {payload.data(), n}}));
  }
}

TEST(EncodeAlloc, NoHeapAllocationPerMessage) {
  std::array<std::uint8_t, kMaxDatagramSize> buf{};
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  Replicate r;
  RoomState state;
  state.room = 3;
  state.name.assign("finals");
  auto warm = encode(NodeId{1, 2}, Epoch{}, hb, buf);  // First use may touch locale state.
  ASSERT_TRUE(warm.ok());
  Decoded decoded;
  ServerMessage server_message;
  Header header;
  std::size_t entries_walked = 0;
  const long before = g_allocations.load();
  for (int i = 0; i < 100; ++i) {
    auto a = encode(NodeId{1, 2}, Epoch{}, hb, buf);
    ASSERT_TRUE(a.ok());
    ASSERT_FALSE(decode_into(std::span<const std::uint8_t>(buf.data(), *a), decoded).has_value());

    fill_batch(r);
    auto b = encode(NodeId{1, 2}, Epoch{}, r, buf);
    ASSERT_TRUE(b.ok());
    const std::span<const std::uint8_t> bytes(buf.data(), *b);
    ASSERT_FALSE(decode_into(bytes, decoded).has_value());
    // The receive path a server takes: header, then the body into its family's variant.
    ASSERT_FALSE(decode_header(bytes, header).has_value());
    ASSERT_FALSE(decode_message(header.type, body_of(bytes), server_message).has_value());
    for (const EntryView& entry : std::get<Replicate>(server_message).entries) {
      entries_walked += pong::Event::decode(entry).has_value() ? 1 : 0;
    }

    auto c = encode(NodeId{1, 2}, Epoch{}, state, buf);
    ASSERT_TRUE(c.ok());
    ASSERT_FALSE(decode_into(std::span<const std::uint8_t>(buf.data(), *c), decoded).has_value());
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_EQ(entries_walked, 100u * 100u);
}

}  // namespace
}  // namespace dp::wire
