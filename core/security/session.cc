#include "core/security/session.h"

#include <sodium.h>

#include <cstring>

#include "core/common/assert.h"
#include "core/common/big_endian.h"

namespace dp {
namespace {

constexpr std::size_t kNonceBytes = crypto_secretbox_NONCEBYTES;
constexpr std::size_t kPlainBytes = 8 + kSessionKeyBytes;
constexpr std::size_t kCounterOffset = wire::kSessionTicketBytes;
constexpr std::size_t kTagOffset = kCounterOffset + 8;
constexpr std::size_t kTagBytes = 16;
static_assert(kNonceBytes + kPlainBytes + crypto_secretbox_MACBYTES == wire::kSessionTicketBytes);
static_assert(kTagOffset + kTagBytes == kSessionTrailerBytes);
static_assert(crypto_kx_SESSIONKEYBYTES == kSessionKeyBytes &&
              crypto_kx_PUBLICKEYBYTES == wire::kSessionPublicKeyBytes &&
              crypto_kx_SEEDBYTES == 32);

// BLAKE2b keyed with `key` over a label and up to two numbers: every derived secret.
template <std::size_t N>
std::array<std::uint8_t, N> derive(std::span<const std::uint8_t> key, const char* label,
                                   std::uint64_t a = 0, std::uint64_t b = 0) {
  std::array<std::uint8_t, N> out{};
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), N);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(label),
                            std::strlen(label));
  std::uint8_t numbers[16];
  put_be64(numbers, a);
  put_be64(numbers + 8, b);
  crypto_generichash_update(&state, numbers, sizeof numbers);
  crypto_generichash_final(&state, out.data(), N);
  return out;
}

void compute_tag(std::span<const std::uint8_t> key, std::span<const std::uint8_t> message,
                 const std::uint8_t* trailer, std::uint8_t* tag) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kTagBytes);
  crypto_generichash_update(&state, message.data(), message.size());
  crypto_generichash_update(&state, trailer, kTagOffset);
  crypto_generichash_final(&state, tag, kTagBytes);
}

}  // namespace

std::uint64_t client_id_of(const wire::RawBytes<wire::kSessionPublicKeyBytes>& public_key) {
  std::uint8_t hash[8];
  crypto_generichash(hash, sizeof hash, public_key.bytes.data(), public_key.bytes.size(), nullptr,
                     0);
  const std::uint64_t id = get_be64(hash);
  return id == 0 ? 1 : id;
}

// ---------------------------------------------------------------------------------------------
// Server side

SessionIssuer::SessionIssuer(const ClusterKeys& keys, const SessionSeed& seed,
                             std::uint64_t boot_stamp)
    : seed_(seed), boot_stamp_(boot_stamp) {
  DP_ASSERT(sodium_init() >= 0, "libsodium failed to initialise");
  if (keys.primary) primary_ = derive<32>(*keys.primary, "dp session tickets v1");
  if (keys.previous) previous_ = derive<32>(*keys.previous, "dp session tickets v1");
  const auto kx_seed = derive<crypto_kx_SEEDBYTES>(seed_, "dp session server key", boot_stamp_);
  crypto_kx_seed_keypair(public_key_.data(), secret_key_.data(), kx_seed.data());
}

std::optional<wire::SessionGrant> SessionIssuer::grant(const wire::SessionRequest& request) {
  if (!enabled() || request.client_id != client_id_of(request.client_key)) return std::nullopt;
  std::uint8_t rx[kSessionKeyBytes];
  std::uint8_t tx[kSessionKeyBytes];
  if (crypto_kx_server_session_keys(rx, tx, public_key_.data(), secret_key_.data(),
                                    request.client_key.bytes.data()) != 0) {
    return std::nullopt;
  }
  wire::SessionGrant grant;
  grant.client_id = request.client_id;
  std::memcpy(grant.server_key.bytes.data(), public_key_.data(), public_key_.size());
  std::uint8_t* ticket = grant.ticket.bytes.data();
  const auto nonce = derive<kNonceBytes>(seed_, "dp session nonce", boot_stamp_, ++issued_);
  std::memcpy(ticket, nonce.data(), kNonceBytes);
  std::uint8_t plain[kPlainBytes];
  put_be64(plain, request.client_id);
  std::memcpy(plain + 8, rx, kSessionKeyBytes);  // What the client sends with (its tx).
  crypto_secretbox_easy(ticket + kNonceBytes, plain, kPlainBytes, nonce.data(), primary_->data());
  sodium_memzero(plain, sizeof plain);
  sodium_memzero(rx, sizeof rx);
  sodium_memzero(tx, sizeof tx);
  return grant;
}

std::optional<SessionIssuer::Open> SessionIssuer::open_ticket(
    std::span<const std::uint8_t> ticket) const {
  std::uint8_t plain[kPlainBytes];
  const std::uint8_t* nonce = ticket.data();
  const std::uint8_t* box = ticket.data() + kNonceBytes;
  const std::size_t box_bytes = wire::kSessionTicketBytes - kNonceBytes;
  for (const auto* key : {&primary_, &previous_}) {
    if (!key->has_value()) continue;
    if (crypto_secretbox_open_easy(plain, box, box_bytes, nonce, (*key)->data()) == 0) {
      Open open;
      open.client_id = get_be64(plain);
      std::memcpy(open.key.data(), plain + 8, kSessionKeyBytes);
      sodium_memzero(plain, sizeof plain);
      return open;
    }
  }
  return std::nullopt;
}

std::optional<SessionError> SessionIssuer::verify(std::span<const std::uint8_t> message,
                                                  std::span<const std::uint8_t> trailer,
                                                  std::uint64_t client_id) {
  if (trailer.size() != kSessionTrailerBytes) return SessionError::kMissing;
  Nonce nonce;
  std::memcpy(nonce.data(), trailer.data(), kNonceBytes);
  auto it = open_.find(nonce);
  Open fresh;
  Open* open = nullptr;
  if (it != open_.end()) {
    open = &it->second;
  } else {
    auto opened = open_ticket(trailer.first(wire::kSessionTicketBytes));
    if (!opened) return SessionError::kBadTicket;
    fresh = *opened;
    open = &fresh;
  }
  if (open->client_id != client_id) return SessionError::kWrongClient;
  std::uint8_t tag[kTagBytes];
  compute_tag(open->key, message, trailer.data(), tag);
  if (sodium_memcmp(tag, trailer.data() + kTagOffset, kTagBytes) != 0) {
    return SessionError::kBadTag;
  }
  const std::uint64_t counter = get_be64(trailer.data() + kCounterOffset);
  if (!open->window.fresh(1, counter)) return SessionError::kReplayed;
  open->window.accept(1, counter);
  if (open == &fresh) {
    // Only a ticket whose datagram checked is kept, so forgeries cannot crowd out real ones.
    if (open_.size() >= kMaxOpen) open_.erase(open_.begin());
    open_.emplace(nonce, fresh);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Client side

void SessionSealer::reset(const SessionSeed& seed, std::uint64_t index) {
  DP_ASSERT(sodium_init() >= 0, "libsodium failed to initialise");
  const auto kx_seed = derive<crypto_kx_SEEDBYTES>(seed, "dp session client key", index);
  crypto_kx_seed_keypair(public_key_.bytes.data(), secret_key_.data(), kx_seed.data());
  client_id_ = client_id_of(public_key_);
  counter_ = 0;
  established_ = false;
}

wire::SessionRequest SessionSealer::request() const {
  wire::SessionRequest request;
  request.client_id = client_id_;
  request.client_key = public_key_;
  return request;
}

bool SessionSealer::accept(const wire::SessionGrant& grant) {
  if (grant.client_id != client_id_) return false;
  std::uint8_t rx[kSessionKeyBytes];
  if (crypto_kx_client_session_keys(rx, key_.data(), public_key_.bytes.data(), secret_key_.data(),
                                    grant.server_key.bytes.data()) != 0) {
    return false;
  }
  sodium_memzero(rx, sizeof rx);
  ticket_ = grant.ticket;
  counter_ = 0;
  established_ = true;
  return true;
}

std::size_t SessionSealer::seal(std::span<std::uint8_t> room, std::size_t size) {
  DP_ASSERT(established_, "a request sealed without a session");
  DP_ASSERT(size + kSessionTrailerBytes <= room.size(), "no room to seal a datagram");
  std::uint8_t* t = room.data() + size;
  std::memcpy(t, ticket_.bytes.data(), wire::kSessionTicketBytes);
  put_be64(t + kCounterOffset, ++counter_);
  compute_tag(key_, room.first(size), t, t + kTagOffset);
  return size + kSessionTrailerBytes;
}

}  // namespace dp
