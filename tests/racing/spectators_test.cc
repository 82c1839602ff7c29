// Spectators on a replica that does not lead: a Watch changes nothing in the replicated
// state (the digest stays), the replica sends the watched room at every serving step (room 0
// when nothing is live), at most rooms::Spectators::kMaxPerServer spectators are taken, and
// the silent are forgotten. Both games' services.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/services/pong/service.h"
#include "core/services/racing/service.h"
#include "core/wire/codec.h"

namespace dp {
namespace {

template <class Msg>
std::vector<std::uint8_t> datagram(const Msg& msg) {
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  const auto size = wire::encode(NodeId{0, 77}, Epoch{}, msg, buf);
  return {buf.begin(), buf.begin() + static_cast<long>(*size)};
}

template <class Svc, class WatchMsg>
void check_spectators(Svc& service) {
  const std::uint64_t digest = service.digest();
  for (std::uint64_t id = 1; id <= rooms::Spectators::kMaxPerServer + 5; ++id) {
    const auto bytes = datagram(WatchMsg{id, 0, {}});
    wire::Header header;
    ASSERT_FALSE(wire::decode_header(bytes, header).has_value());
    const Endpoint from{0x7f000001, static_cast<std::uint16_t>(40000 + id)};
    EXPECT_FALSE(service.on_client_datagram(0, from, header, wire::body_of(bytes)).has_value());
  }
  EXPECT_EQ(service.digest(), digest) << "a Watch changed the replicated state";
  EXPECT_EQ(service.spectators().size(), rooms::Spectators::kMaxPerServer);
  EXPECT_EQ(service.spectators().refused(), 5u);

  Outbox out;
  const ClientLink link{&out, NodeId{9, 9}, Epoch{3, NodeId{9, 9}}, Endpoint{0x7f000001, 5000}};
  service.serve_spectators(kUsPerSecond, link, 42);
  EXPECT_EQ(out.datagrams().size(), rooms::Spectators::kMaxPerServer)
      << "every spectator gets a state (room 0: nothing live)";
  EXPECT_EQ(service.digest(), digest);

  out.clear();
  service.serve_spectators(10 * kUsPerSecond, link, 42);  // Nobody repeated the Watch.
  EXPECT_TRUE(out.datagrams().empty());
  EXPECT_EQ(service.spectators().size(), 0u);
}

TEST(Spectators, PongWatchersChangeNothingAndAreServedBounded) {
  pong::PongService service;
  check_spectators<pong::PongService, wire::Watch>(service);
}

TEST(Spectators, RaceWatchersChangeNothingAndAreServedBounded) {
  racing::RacingService service;
  check_spectators<racing::RacingService, wire::RaceWatch>(service);
}

}  // namespace
}  // namespace dp
