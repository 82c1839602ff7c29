// The lobby's room-list requests a server answers, for any game: queued as they arrive and
// answered from this replica's rooms on the next serving step (the leader's publish, a
// follower's spectator step). Bounded: at most kMaxPending wait; more are dropped and counted.
#pragma once

#include <cstdint>
#include <vector>

#include "core/common/types.h"
#include "core/wire/pong_messages.h"

namespace dp::rooms {

class RoomListRequests {
 public:
  static constexpr std::size_t kMaxPending = 64;

  void add(Endpoint from) {
    if (pending_.size() >= kMaxPending) {
      ++dropped_;
      return;
    }
    pending_.push_back(from);
  }
  // Sends `list` to everyone waiting (send(endpoint)), then forgets them.
  template <class Send>
  void answer(Send&& send) {
    for (const Endpoint& to : pending_) send(to);
    pending_.clear();
  }
  bool empty() const { return pending_.empty(); }
  std::uint64_t dropped() const { return dropped_; }

 private:
  std::vector<Endpoint> pending_;
  std::uint64_t dropped_ = 0;
};

// The first wire::kRoomListMax rooms of `rooms` (id order), each summarized by
// summarize(room, summary), and the total.
template <class List, class RoomMap, class Summarize>
List room_list_of(const RoomMap& rooms, Summarize&& summarize) {
  List list;
  list.total = static_cast<std::uint32_t>(rooms.size());
  for (const auto& [id, room] : rooms) {
    if (list.rooms.full()) break;
    wire::RoomSummary s;
    s.room = id;
    s.name = room.name;
    s.players = static_cast<std::uint8_t>(room.player_count());
    summarize(room, s);
    list.rooms.push_back(s);
  }
  return list;
}

}  // namespace dp::rooms
