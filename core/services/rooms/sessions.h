// The leader's side of the rooms layer: the clients it serves and their pending requests.
//
// Requests arrive between ticks (joins, inputs, leaves) and are turned into entries on the
// next tick; a seated player silent for longer than the forfeit timeout is made to leave.
// Input is the game's own per-player input (Pong: a paddle direction), newest wins; inputs
// that arrive out of order (by input_seq) are ignored, and so is one further ahead than
// kInputSeqWindow (a forged 0xFFFFFFFF must not pin the paddle and make every real input look
// old). Sequence numbers compare modulo 2^32, so the count may wrap.
//
// Bounded: one Client per seated player (the caller drops the unseated after each tick); at
// most kMaxPending joins and leaves wait; a request beyond that is refused and counted.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/common/types.h"
#include "core/wire/room_name.h"

namespace dp::rooms {

template <class Input>
class Sessions {
 public:
  static constexpr std::size_t kMaxPending = 4096;
  // At 60 inputs a second, 18 minutes of inputs lost in a row.
  static constexpr std::uint32_t kInputSeqWindow = 1u << 16;

  struct Client {
    Input input{};
    std::uint32_t last_input_seq = 0;
    TimeUs last_heard_us = 0;
  };
  struct JoinRequest {
    std::uint64_t client_id = 0;
    Endpoint from;
    wire::RoomName name;
    wire::PlayerName player;
    std::uint32_t room = 0;  // A room asked for by number (0: by name).
  };

  void clear() {
    clients_.clear();
    joins_.clear();
    leaves_.clear();
  }

  void on_join(TimeUs now, std::uint64_t client_id, Endpoint from, const wire::RoomName& name,
               const wire::PlayerName& player = {}, std::uint32_t room = 0) {
    if (auto it = clients_.find(client_id); it != clients_.end()) {
      it->second.last_heard_us = now;  // Already seated (a re-attach after failover).
    }
    for (const auto& j : joins_) {
      if (j.client_id == client_id) return;
    }
    if (joins_.size() >= kMaxPending) {
      ++refused_;
      return;
    }
    joins_.push_back(JoinRequest{client_id, from, name, player, room});
  }

  void on_input(TimeUs now, std::uint64_t client_id, std::uint32_t input_seq, const Input& input) {
    auto it = clients_.find(client_id);
    if (it == clients_.end()) return;
    Client& c = it->second;
    c.last_heard_us = now;
    if (c.last_input_seq != 0) {
      const std::uint32_t ahead = input_seq - c.last_input_seq;  // Modulo 2^32.
      if (ahead == 0 || ahead > kInputSeqWindow) {
        ++stale_inputs_;  // Reordered, repeated, or too far ahead to be the client's.
        return;
      }
    }
    c.last_input_seq = input_seq;
    c.input = input;
  }

  void on_leave(std::uint64_t client_id) {
    if (leaves_.size() >= kMaxPending) {
      ++refused_;
      return;
    }
    leaves_.push_back(client_id);
  }

  // Calls leave(client_id) for every explicit leave and every player silent for longer than
  // forfeit_after_us, then forgets them.
  template <class Leave>
  void take_leaves(TimeUs now, TimeUs forfeit_after_us, Leave&& leave) {
    for (const auto& [client_id, c] : clients_) {
      if (now - c.last_heard_us > forfeit_after_us && leaves_.size() < kMaxPending) {
        leaves_.push_back(client_id);
      }
    }
    for (std::uint64_t client_id : leaves_) {
      leave(client_id);
      clients_.erase(client_id);
    }
    leaves_.clear();
  }

  // Calls join(request) for every waiting join, in arrival order; it returns whether the
  // client is seated afterwards.
  template <class Join>
  void take_joins(TimeUs now, Join&& join) {
    for (const auto& request : joins_) {
      if (join(request)) clients_[request.client_id].last_heard_us = now;
    }
    joins_.clear();
  }

  // A player seated before this leader took over: serve it as if just heard.
  void resume(TimeUs now, std::uint64_t client_id) {
    clients_[client_id] = Client{Input{}, 0, now};
  }

  // Forgets clients that no longer sit anywhere (their room closed).
  template <class IsSeated>
  void drop_unseated(IsSeated&& is_seated) {
    for (auto it = clients_.begin(); it != clients_.end();) {
      it = is_seated(it->first) ? std::next(it) : clients_.erase(it);
    }
  }

  const std::map<std::uint64_t, Client>& clients() const { return clients_; }
  // Requests refused because a queue was full (monotonic).
  std::uint64_t refused() const { return refused_; }
  // Inputs ignored: reordered, repeated or too far ahead (monotonic).
  std::uint64_t stale_inputs() const { return stale_inputs_; }

 private:
  std::map<std::uint64_t, Client> clients_;
  std::vector<JoinRequest> joins_;
  std::vector<std::uint64_t> leaves_;
  std::uint64_t refused_ = 0;
  std::uint64_t stale_inputs_ = 0;
};

}  // namespace dp::rooms
