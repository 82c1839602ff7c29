// Client sessions: the ticket a server issues, and the trailer every client request carries.
//
//   client                                       any server of the cluster
//   SessionRequest(client id, X25519 pk_c)  ->   client id must be client_id_of(pk_c)
//                                           <-   SessionGrant(pk_s, ticket)
//   session key = crypto_kx(pk_c, pk_s): both sides derive it; it never travels in clear.
//   ticket      = nonce(24) | secretbox_{ticket key}(client id, session key)
//   ticket key  = keyed BLAKE2b of the cluster key: every server opens every ticket, so a new
//                 leader takes the session of a client the old leader let in.
//
// A client's id is a hash of its public key, so nobody can get a session for another client's
// id: a grant for a stolen public key is useless without its secret key.
//
// Trailer of a client request to a server (after its header and body):
//   offset size
//   0      80   ticket
//   80     8    counter (big-endian): 1, 2, ... within the session
//   88     16   tag: BLAKE2b-128 keyed with the session key over header, body, ticket, counter
//
// A server takes a client request only if the ticket opens, names the client id the request
// is for (the first field of every client request), the tag checks and the counter is fresh
// (a replay window per session). So whoever sees a player's datagrams cannot send inputs or
// leaves for that player's seat.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "core/common/outbox.h"
#include "core/security/cluster_keys.h"
#include "core/security/replay_window.h"
#include "core/wire/session_messages.h"

namespace dp {

constexpr std::size_t kSessionKeyBytes = 32;
constexpr std::size_t kSessionTrailerBytes = wire::kSessionTicketBytes + 8 + 16;
static_assert(kSessionTrailerBytes <= Outbox::kMaxSealBytes, "the outbox leaves room to seal");

// 32 secret bytes a process draws at start (libsodium's randombytes on real hosts, the
// scenario's generator in the simulator): every key pair and nonce derives from them.
using SessionSeed = std::array<std::uint8_t, 32>;

// The client id that goes with a session public key (never 0).
std::uint64_t client_id_of(const wire::RawBytes<wire::kSessionPublicKeyBytes>& public_key);

enum class SessionError : std::uint8_t {
  kMissing,      // No session trailer (or one of the wrong size).
  kBadTicket,    // The ticket does not open with this cluster's keys.
  kWrongClient,  // The ticket is another client's.
  kBadTag,
  kReplayed,
};

// Server side: issues tickets and checks client requests.
class SessionIssuer {
 public:
  // `boot_stamp` makes the nonces of a restarted server new even if `seed` repeats.
  SessionIssuer(const ClusterKeys& keys, const SessionSeed& seed, std::uint64_t boot_stamp);
  bool enabled() const { return primary_.has_value(); }

  // A grant for the request; none if its id is not its key's or the key is not a valid point.
  std::optional<wire::SessionGrant> grant(const wire::SessionRequest& request);
  // `message`: the datagram's header and body; `client_id`: the request's.
  std::optional<SessionError> verify(std::span<const std::uint8_t> message,
                                     std::span<const std::uint8_t> trailer,
                                     std::uint64_t client_id);
  std::size_t open_sessions() const { return open_.size(); }

  // Tickets opened lately are kept (with their replay windows), at most this many.
  static constexpr std::size_t kMaxOpen = 4096;

 private:
  using Key = std::array<std::uint8_t, 32>;
  using Nonce = std::array<std::uint8_t, 24>;
  struct Open {
    std::uint64_t client_id = 0;
    Key key{};
    ReplayWindow window;
  };
  std::optional<Open> open_ticket(std::span<const std::uint8_t> ticket) const;

  std::optional<Key> primary_;
  std::optional<Key> previous_;
  Key seed_{};
  std::uint64_t boot_stamp_ = 0;
  std::uint64_t issued_ = 0;
  std::array<std::uint8_t, 32> public_key_{};
  std::array<std::uint8_t, 32> secret_key_{};
  std::map<Nonce, Open> open_;
};

// Client side: asks for a session and seals every request with it.
class SessionSealer final : public DatagramSealer {
 public:
  // A key pair derived from `seed` and `index` (a new one per match), and no session yet.
  void reset(const SessionSeed& seed, std::uint64_t index);
  // Forgets the ticket but keeps the key pair (and so the client id): ask again.
  void renew() { established_ = false; }
  std::uint64_t client_id() const { return client_id_; }
  wire::SessionRequest request() const;
  // Takes a grant for our request; false if it does not fit (another client id, a bad key).
  bool accept(const wire::SessionGrant& grant);
  bool established() const { return established_; }

  std::size_t seal(std::span<std::uint8_t> room, std::size_t size) override;

 private:
  wire::RawBytes<wire::kSessionPublicKeyBytes> public_key_;
  std::array<std::uint8_t, 32> secret_key_{};
  std::array<std::uint8_t, kSessionKeyBytes> key_{};
  wire::RawBytes<wire::kSessionTicketBytes> ticket_;
  std::uint64_t client_id_ = 0;
  std::uint64_t counter_ = 0;
  bool established_ = false;
};

}  // namespace dp
