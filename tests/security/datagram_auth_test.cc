// Signing and checking the datagrams servers send each other: a member's datagram passes once;
// a forged, altered, replayed, unsigned or foreign-mode one is refused; two keys during a
// rotation.
#include "core/security/datagram_auth.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/wire/codec.h"

namespace dp {
namespace {

constexpr std::uint8_t kSticky = 1;
constexpr std::uint8_t kClassic = 0;

ClusterKey key_of(std::uint8_t fill) {
  ClusterKey key{};
  key.fill(fill);
  return key;
}
ClusterKeys keys(std::optional<ClusterKey> primary, std::optional<ClusterKey> previous = {}) {
  ClusterKeys k;
  k.primary = primary;
  k.previous = previous;
  return k;
}

// A Coordinator from `sender`, sealed by `auth`.
std::vector<std::uint8_t> sealed_coordinator(DatagramAuth& auth, NodeId sender,
                                             std::uint64_t term) {
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram + Outbox::kMaxSealBytes);
  wire::Coordinator c;
  auto size = wire::encode(sender, Epoch{term, sender}, c, room);
  EXPECT_TRUE(size.ok());
  room.resize(auth.seal(room, *size));
  return room;
}

const NodeId kAlice{1, 1};

TEST(DatagramAuth, AMembersDatagramPassesExactlyOnce) {
  DatagramAuth alice(kSticky, keys(key_of(7)), 100);
  DatagramAuth bob(kSticky, keys(key_of(7)), 200);
  const auto d = sealed_coordinator(alice, kAlice, 3);
  EXPECT_EQ(DatagramAuth::split(d).trailer.size(), kTrailerKeyedBytes);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(d)), std::nullopt);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(d)), AuthError::kReplayed);
  // Sealing again gives a new nonce, which passes.
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(alice, kAlice, 3))),
            std::nullopt);
}

TEST(DatagramAuth, AnyChangedByteFailsTheTag) {
  DatagramAuth alice(kSticky, keys(key_of(7)), 100);
  const auto d = sealed_coordinator(alice, kAlice, 3);
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (i == 44 || i == 45) continue;  // The body length: changes where the trailer starts.
    auto bad = d;
    bad[i] ^= 0x01;
    DatagramAuth bob(kSticky, keys(key_of(7)), 200);
    const auto result = bob.verify(kAlice, DatagramAuth::split(bad));
    EXPECT_TRUE(result.has_value()) << "flipped byte " << i << " passed";
  }
}

TEST(DatagramAuth, AnotherKeyAnotherSenderOrNoKeyIsRefused) {
  DatagramAuth mallory(kSticky, keys(key_of(9)), 100);
  DatagramAuth bob(kSticky, keys(key_of(7)), 200);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(mallory, kAlice, 3))),
            AuthError::kBadTag);
  DatagramAuth keyless(kSticky, keys(std::nullopt), 100);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(keyless, kAlice, 3))),
            AuthError::kUnsigned);
  // The sender id is under the tag: claiming another id fails.
  DatagramAuth alice(kSticky, keys(key_of(7)), 100);
  auto d = sealed_coordinator(alice, kAlice, 3);
  d[4] ^= 0x80;
  EXPECT_EQ(bob.verify(NodeId{1ull | (1ull << 63), 1}, DatagramAuth::split(d)), AuthError::kBadTag);
  // A truncated trailer.
  auto cut = sealed_coordinator(alice, kAlice, 3);
  cut.resize(cut.size() - 1);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(cut)), AuthError::kBadTag);
}

TEST(DatagramAuth, AServerOfAnotherElectionModeIsRefused) {
  DatagramAuth classic(kClassic, keys(key_of(7)), 100);
  DatagramAuth bob(kSticky, keys(key_of(7)), 200);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(classic, kAlice, 3))),
            AuthError::kForeignMode);
  DatagramAuth classic_keyless(kClassic, keys(std::nullopt), 100);
  DatagramAuth bob_keyless(kSticky, keys(std::nullopt), 200);
  EXPECT_EQ(bob_keyless.verify(kAlice,
                               DatagramAuth::split(sealed_coordinator(classic_keyless, kAlice, 3))),
            AuthError::kForeignMode);
}

TEST(DatagramAuth, KeylessServersCheckTheModeOnly) {
  DatagramAuth alice(kSticky, keys(std::nullopt), 100);
  DatagramAuth bob(kSticky, keys(std::nullopt), 200);
  const auto d = sealed_coordinator(alice, kAlice, 3);
  EXPECT_EQ(DatagramAuth::split(d).trailer.size(), kTrailerKeylessBytes);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(d)), std::nullopt);
  // A keyed sender is not understood by a keyless receiver.
  DatagramAuth keyed(kSticky, keys(key_of(7)), 100);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(keyed, kAlice, 3))),
            AuthError::kUnsigned);
}

TEST(DatagramAuth, DuringARotationBothKeysAreAccepted) {
  DatagramAuth old_key(kSticky, keys(key_of(7)), 100);
  DatagramAuth new_key(kSticky, keys(key_of(8)), 100);
  // Bob already signs with the new key and still accepts the old one.
  DatagramAuth bob(kSticky, keys(key_of(8), key_of(7)), 200);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(old_key, kAlice, 3))),
            std::nullopt);
  EXPECT_EQ(
      bob.verify(NodeId{2, 2}, DatagramAuth::split(sealed_coordinator(new_key, NodeId{2, 2}, 3))),
      std::nullopt);
  // After the rotation (old key dropped) the old key is refused.
  DatagramAuth carol(kSticky, keys(key_of(8)), 200);
  EXPECT_EQ(carol.verify(kAlice, DatagramAuth::split(sealed_coordinator(old_key, kAlice, 3))),
            AuthError::kBadTag);
}

TEST(DatagramAuth, ARestartedSenderIsTakenAndItsOldBootIsNot) {
  DatagramAuth bob(kSticky, keys(key_of(7)), 200);
  DatagramAuth first_boot(kSticky, keys(key_of(7)), 100);
  const auto old = sealed_coordinator(first_boot, kAlice, 3);
  DatagramAuth second_boot(kSticky, keys(key_of(7)), 5000);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(sealed_coordinator(second_boot, kAlice, 4))),
            std::nullopt);
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(old)), AuthError::kReplayed);
}

TEST(DatagramAuth, NoTrailerIsUnsigned) {
  DatagramAuth bob(kSticky, keys(key_of(7)), 200);
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram);
  auto size = wire::encode(kAlice, Epoch{3, kAlice}, wire::Coordinator{}, room);
  room.resize(*size);
  EXPECT_TRUE(DatagramAuth::split(room).trailer.empty());
  EXPECT_EQ(bob.verify(kAlice, DatagramAuth::split(room)), AuthError::kUnsigned);
}

}  // namespace
}  // namespace dp
