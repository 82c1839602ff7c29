// The spectators one server serves, for any game: who watches which room, from where.
//
// Spectators are served by followers from their own replicas (the leader of a one-server
// cluster serves them too), so watching costs the leader nothing and never changes any
// replica's state: a Watch only lands here, never in the log. A spectator repeats its Watch
// every second; one silent for kExpireUs is forgotten.
//
// With no live room to show, a spectator is sent room 0 (closed): it keeps waiting with this
// server instead of looking for another.
//
// Bounded: at most kMaxPerServer spectators; a Watch beyond that is refused (and counted),
// and the spectator, hearing nothing, moves on to another server.
#pragma once

#include <cstdint>
#include <map>

#include "core/common/types.h"
#include "core/wire/room_name.h"

namespace dp::rooms {

class Spectators {
 public:
  static constexpr std::size_t kMaxPerServer = 64;
  static constexpr TimeUs kExpireUs = 3 * kUsPerSecond;

  struct Spectator {
    Endpoint client;
    std::uint32_t asked_room = 0;  // 0: any live room named `name`.
    wire::RoomName name;
    std::uint32_t room = 0;  // The room being shown (resolved from the request).
    TimeUs last_heard_us = 0;
  };

  // A Watch: returns false when refused (the server is full).
  bool on_watch(TimeUs now, std::uint64_t client_id, Endpoint from, std::uint32_t room,
                const wire::RoomName& name) {
    auto it = spectators_.find(client_id);
    if (it == spectators_.end()) {
      if (spectators_.size() >= kMaxPerServer) {
        ++refused_;
        return false;
      }
      it = spectators_.emplace(client_id, Spectator{}).first;
      it->second.room = room;
    }
    Spectator& s = it->second;
    if (s.asked_room != room || !(s.name == name)) s.room = room;
    s.client = from;
    s.asked_room = room;
    s.name = name;
    s.last_heard_us = now;
    return true;
  }

  // Forgets the silent; then calls serve(spectator) for each, which may re-point s.room.
  template <class Serve>
  void serve(TimeUs now, Serve&& serve) {
    for (auto it = spectators_.begin(); it != spectators_.end();) {
      if (now - it->second.last_heard_us > kExpireUs) {
        it = spectators_.erase(it);
        continue;
      }
      serve(it->second);
      ++it;
    }
  }

  // The room a spectator is shown: the one it shows already while it lasts, else the room it
  // asked for, else the first room (in id order) named as asked (any name when it asked for
  // none) in which live(room) holds: a match or race under way.
  template <class RoomMap, class Live>
  static std::uint32_t resolve(const Spectator& s, const RoomMap& rooms, Live&& live) {
    if (s.room != 0 && rooms.count(s.room) != 0) return s.room;
    if (s.asked_room != 0) return rooms.count(s.asked_room) != 0 ? s.asked_room : 0;
    for (const auto& [id, room] : rooms) {
      if ((s.name.empty() || room.name == s.name) && live(room)) return id;
    }
    return 0;
  }

  std::size_t size() const { return spectators_.size(); }
  std::uint64_t refused() const { return refused_; }
  void clear() { spectators_.clear(); }

 private:
  std::map<std::uint64_t, Spectator> spectators_;
  std::uint64_t refused_ = 0;
};

}  // namespace dp::rooms
