// Test helper: a minimal stand-in for the leader's sequencer loop (plan, apply, check), with
// every applied event also recorded so other books can replay it.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

#include "core/services/pong/book.h"
#include "core/services/pong/event.h"
#include "core/services/pong/planner.h"

namespace dp::pong {

// Lets gtest print a score as "3-2".
inline void PrintTo(const Score& score, std::ostream* os) { *os << score.str(); }

}  // namespace dp::pong

namespace dp::pong::testing {

struct Driver {
  RoomBook book;
  std::vector<Event> log;  // Every event applied, in order.

  explicit Driver(std::uint8_t target_score = kDefaultTargetScore) : book(target_score) {}

  // Applies planned events one by one, ordering each one's check events right after it.
  // Returns false if any event was refused.
  bool apply_all(const std::vector<Event>& planned) {
    bool all_ok = true;
    for (const Event& e : planned) {
      const ApplyResult result = book.apply(e);
      log.push_back(e);
      all_ok = all_ok && result.ok();
      std::vector<Event> checks;
      plan_checks(e.room, result, checks);
      for (const Event& c : checks) {
        all_ok = book.apply(c).ok() && all_ok;
        log.push_back(c);
      }
    }
    return all_ok;
  }

  bool join(std::uint64_t client_id, std::string_view room_name = {}, std::uint32_t room_id = 0) {
    std::vector<Event> planned;
    plan_join(book, client_id, Endpoint{0x0a000000u + static_cast<std::uint32_t>(client_id), 4000},
              room_name, planned, {}, room_id);
    return apply_all(planned);
  }

  bool tick(const InputTable& inputs) {
    std::vector<Event> planned;
    plan_tick(book, inputs, planned);
    return apply_all(planned);
  }
};

// An event of `kind` for `room` with the fields the tests set most.
inline Event make_event(EventKind kind, std::uint32_t room, std::uint8_t slot,
                        std::int8_t direction = 0, std::uint64_t client_id = 0) {
  Event e = pong::make_event(kind, room);
  e.slot = slot;
  e.direction = direction;
  e.client_id = client_id;
  return e;
}

// A kPoint check (or, with `winner`, a kMatchOver) for `room` claiming `score`.
inline Event check_event(EventKind kind, std::uint32_t room, Score score, std::uint8_t winner = 0) {
  Event e = pong::make_event(kind, room);
  e.slot = winner;
  e.score = score;
  return e;
}

}  // namespace dp::pong::testing
