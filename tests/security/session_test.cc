// Client sessions: a ticket any server of the cluster opens, the session key derived on both
// sides (never sent), and the seal on every client request: a passive listener who saw every
// datagram cannot forge, alter or replay one, nor get a session for another client's id.
#include "core/security/session.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/wire/codec.h"

namespace dp {
namespace {

ClusterKeys keys_of(std::uint8_t primary, std::uint8_t previous = 0) {
  ClusterKeys k;
  k.primary = ClusterKey{};
  k.primary->fill(primary);
  if (previous != 0) {
    k.previous = ClusterKey{};
    k.previous->fill(previous);
  }
  return k;
}
SessionSeed seed_of(std::uint8_t fill) {
  SessionSeed s{};
  s.fill(fill);
  return s;
}

struct Sealed {
  std::vector<std::uint8_t> message;
  std::vector<std::uint8_t> trailer;
};

// An Input of `client_id`, sealed by `session`.
Sealed sealed_input(SessionSealer& session, std::uint64_t client_id, std::uint32_t seq) {
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram + Outbox::kMaxSealBytes);
  wire::Input input;
  input.client_id = client_id;
  input.room = 1;
  input.input_seq = seq;
  auto size = wire::encode(NodeId{0, 7}, Epoch{}, input, room);
  EXPECT_TRUE(size.ok());
  const std::size_t total = session.seal(room, *size);
  Sealed s;
  s.message.assign(room.begin(), room.begin() + static_cast<long>(*size));
  s.trailer.assign(room.begin() + static_cast<long>(*size),
                   room.begin() + static_cast<long>(total));
  return s;
}

// A client with an established session from `issuer`.
SessionSealer client_of(SessionIssuer& issuer, std::uint8_t seed, std::uint64_t index = 1) {
  SessionSealer client;
  client.reset(seed_of(seed), index);
  auto grant = issuer.grant(client.request());
  EXPECT_TRUE(grant.has_value());
  if (grant) {
    EXPECT_TRUE(client.accept(*grant));
  }
  return client;
}

TEST(Session, ARequestSealedWithTheSessionPassesOnceOnAnyServerOfTheCluster) {
  SessionIssuer leader(keys_of(1), seed_of(10), 1);
  SessionIssuer next_leader(keys_of(1), seed_of(11), 1);
  SessionSealer client = client_of(leader, 5);
  const Sealed a = sealed_input(client, client.client_id(), 1);
  EXPECT_EQ(leader.verify(a.message, a.trailer, client.client_id()), std::nullopt);
  EXPECT_EQ(leader.verify(a.message, a.trailer, client.client_id()), SessionError::kReplayed);
  // After a failover the next leader, which never saw the grant, takes the session.
  const Sealed b = sealed_input(client, client.client_id(), 2);
  EXPECT_EQ(next_leader.verify(b.message, b.trailer, client.client_id()), std::nullopt);
  EXPECT_EQ(next_leader.verify(b.message, b.trailer, client.client_id()), SessionError::kReplayed);
}

TEST(Session, AlteredOrUnsealedOrForeignRequestsAreRefused) {
  SessionIssuer issuer(keys_of(1), seed_of(10), 1);
  SessionSealer client = client_of(issuer, 5);
  Sealed s = sealed_input(client, client.client_id(), 1);
  Sealed altered = s;
  altered.message.back() ^= 1;
  EXPECT_EQ(issuer.verify(altered.message, altered.trailer, client.client_id()),
            SessionError::kBadTag);
  EXPECT_EQ(issuer.verify(s.message, {}, client.client_id()), SessionError::kMissing);
  std::vector<std::uint8_t> short_trailer(s.trailer.begin(), s.trailer.end() - 1);
  EXPECT_EQ(issuer.verify(s.message, short_trailer, client.client_id()), SessionError::kMissing);
  Sealed bad_ticket = s;
  bad_ticket.trailer[30] ^= 1;
  EXPECT_EQ(issuer.verify(bad_ticket.message, bad_ticket.trailer, client.client_id()),
            SessionError::kBadTicket);
  // Another cluster's servers cannot open it.
  SessionIssuer other(keys_of(2), seed_of(10), 1);
  EXPECT_EQ(other.verify(s.message, s.trailer, client.client_id()), SessionError::kBadTicket);
  // The untouched one still passes (failures moved nothing).
  EXPECT_EQ(issuer.verify(s.message, s.trailer, client.client_id()), std::nullopt);
}

TEST(Session, ASessionSpeaksOnlyForItsOwnClient) {
  SessionIssuer issuer(keys_of(1), seed_of(10), 1);
  SessionSealer victim = client_of(issuer, 5);
  SessionSealer attacker = client_of(issuer, 6);
  // The attacker's own session, for the victim's seat.
  const Sealed s = sealed_input(attacker, victim.client_id(), 1);
  EXPECT_EQ(issuer.verify(s.message, s.trailer, victim.client_id()), SessionError::kWrongClient);
  // Nor can it get a ticket for the victim's id: ids are their keys' hashes.
  wire::SessionRequest forged = attacker.request();
  forged.client_id = victim.client_id();
  EXPECT_FALSE(issuer.grant(forged).has_value());
  // With the victim's public key (seen on the LAN) it gets a grant, but no session key: the
  // grant is useless without the victim's secret key.
  auto grant = issuer.grant(victim.request());
  ASSERT_TRUE(grant.has_value());
  EXPECT_FALSE(attacker.accept(*grant)) << "a grant for another id";
}

TEST(Session, DuringARotationTicketsOfThePreviousKeyStillOpen) {
  SessionIssuer old_cluster(keys_of(1), seed_of(10), 1);
  SessionSealer client = client_of(old_cluster, 5);
  SessionIssuer rotating(keys_of(2, 1), seed_of(11), 1);
  const Sealed a = sealed_input(client, client.client_id(), 1);
  EXPECT_EQ(rotating.verify(a.message, a.trailer, client.client_id()), std::nullopt);
  SessionIssuer rotated(keys_of(2), seed_of(12), 1);
  const Sealed b = sealed_input(client, client.client_id(), 2);
  EXPECT_EQ(rotated.verify(b.message, b.trailer, client.client_id()), SessionError::kBadTicket);
}

TEST(Session, KeyPairsAndIdsDependOnSeedAndIndexOnly) {
  SessionSealer a;
  SessionSealer b;
  a.reset(seed_of(5), 1);
  b.reset(seed_of(5), 1);
  EXPECT_EQ(a.client_id(), b.client_id());
  b.reset(seed_of(5), 2);
  EXPECT_NE(a.client_id(), b.client_id()) << "a new match, a new key pair and id";
  EXPECT_EQ(a.client_id(), client_id_of(a.request().client_key));
  SessionIssuer issuer(ClusterKeys{}, seed_of(10), 1);
  EXPECT_FALSE(issuer.enabled());
  EXPECT_FALSE(issuer.grant(a.request()).has_value()) << "no key, no sessions";
}

}  // namespace
}  // namespace dp
