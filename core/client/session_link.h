// A client's session with a keyed cluster (core/security/session.h), shared by the game and
// the chat client: whether the cluster wants one (its discovery answers say so), the key pair
// and the client id that goes with it, the request for a ticket, and the seal on every
// request. Against a cluster without a key it does nothing and requests go out as before.
#pragma once

#include <cstdint>

#include "core/common/outbox.h"
#include "core/common/rng.h"
#include "core/security/session.h"
#include "core/wire/send.h"

namespace dp {

class SessionLink {
 public:
  // `seed`: the process's secret bytes; all zero (tests, the simulator): drawn from `rng`.
  void configure(const SessionSeed& seed, Rng& rng) {
    seed_ = seed;
    if (seed_ != SessionSeed{}) return;
    for (std::size_t i = 0; i < seed_.size(); i += 8) {
      std::uint64_t word = rng.next_u64();
      for (std::size_t j = 0; j < 8; ++j, word >>= 8) {
        seed_[i + j] = static_cast<std::uint8_t>(word);
      }
    }
  }

  bool required() const { return required_; }
  bool established() const { return session_.established(); }
  // A discovery answer said the cluster takes requests only within a session. Returns true
  // the first time: the caller then takes new_identity()'s client id.
  bool note_required(bool required) {
    if (!required || required_) return false;
    required_ = true;
    return true;
  }
  // A new key pair (a new match, or the first session): the client id that goes with it.
  std::uint64_t new_identity() {
    session_.reset(seed_, ++index_);
    return session_.client_id();
  }
  // The ticket may be stale (a new leader after a key rotation): ask again, same key pair.
  void renew() { session_.renew(); }

  // Sends `msg` to `to` sealed with the session, or, without one yet, asks `to` for a ticket
  // (at most once per `retry_us`) and drops `msg`: every request is retried by its sender.
  template <class Msg>
  void send(TimeUs now, Outbox& outbox, const NodeId& sender, Endpoint to, const Msg& msg,
            TimeUs retry_us) {
    if (!required_) {
      wire::send_message(outbox, sender, Epoch{}, Channel::kClient, to, msg);
      return;
    }
    if (!session_.established()) {
      if (to != asked_ || asked_at_us_ == 0 || now - asked_at_us_ >= retry_us) {
        asked_ = to;
        asked_at_us_ = now;
        ++requests_;
        wire::send_message(outbox, sender, Epoch{}, Channel::kClient, to, session_.request());
      }
      return;
    }
    if (wire::send_message(outbox, sender, Epoch{}, Channel::kClient, to, msg)) {
      outbox.set_sealer(&session_);
      outbox.seal_last();
    }
  }

  // A grant from the server we asked; true if it gave us a session.
  bool on_grant(Endpoint from, const wire::SessionGrant& grant) {
    if (!required_ || session_.established() || from != asked_) return false;
    if (!session_.accept(grant)) return false;
    asked_at_us_ = 0;
    return true;
  }
  std::uint64_t requests() const { return requests_; }

 private:
  SessionSealer session_;
  SessionSeed seed_{};
  std::uint64_t index_ = 0;
  bool required_ = false;
  Endpoint asked_;
  TimeUs asked_at_us_ = 0;
  std::uint64_t requests_ = 0;
};

}  // namespace dp
