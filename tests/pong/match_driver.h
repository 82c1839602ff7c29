// Test helper: a minimal stand-in for the leader's sequencer loop (plan, apply, check), with
// every applied event also recorded so other books can replay it.
#pragma once

#include <cstdint>
#include <vector>

#include "core/game/room_book.h"
#include "core/game/room_planner.h"
#include "core/wire/replication_messages.h"

namespace dp::game::testing {

struct Driver {
  RoomBook book;
  std::vector<wire::RoomEvent> log;  // Every event applied, in order.

  explicit Driver(std::uint8_t target_score = kDefaultTargetScore) : book(target_score) {}

  // Applies planned events one by one, ordering each one's check events right after it.
  // Returns false if any event was refused.
  bool apply_all(const std::vector<wire::RoomEvent>& planned) {
    bool all_ok = true;
    for (const wire::RoomEvent& e : planned) {
      const ApplyResult result = book.apply(e);
      log.push_back(e);
      all_ok = all_ok && result.ok();
      std::vector<wire::RoomEvent> checks;
      plan_checks(e.room, result, checks);
      for (const wire::RoomEvent& c : checks) {
        all_ok = book.apply(c).ok() && all_ok;
        log.push_back(c);
      }
    }
    return all_ok;
  }

  bool join(std::uint64_t client_id, std::string_view room_name = {}) {
    std::vector<wire::RoomEvent> planned;
    plan_join(book, client_id, Endpoint{0x0a000000u + static_cast<std::uint32_t>(client_id), 4000},
              room_name, planned);
    return apply_all(planned);
  }

  bool tick(const InputTable& inputs) {
    std::vector<wire::RoomEvent> planned;
    plan_tick(book, inputs, planned);
    return apply_all(planned);
  }
};

inline wire::RoomEvent make_event(wire::EventKind kind, std::uint32_t room, std::uint8_t slot = 0,
                                  std::int32_t value = 0, std::uint64_t client_id = 0) {
  wire::RoomEvent e;
  e.kind = kind;
  e.room = room;
  e.slot = slot;
  e.value = value;
  e.client_id = client_id;
  return e;
}

}  // namespace dp::game::testing
