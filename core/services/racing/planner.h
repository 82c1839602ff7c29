// Leader-side planning for racing: which events to order next. Pure functions of the
// RaceBook that only append Events (the leader applies each before planning the next).
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/services/racing/book.h"

namespace dp::racing {

// Each seated client's latest steering (-1, 0, 1), by client id.
using SteerTable = std::map<std::uint64_t, std::int8_t>;

// How long a finished race lingers before its room closes (if its result was shown).
constexpr std::uint32_t kGameOverLingerTicks = 3 * kTicksPerSecond;

// A client asks to race: the first room of that name (empty: any unnamed one) that waits or
// counts down with fewer than `seats` racers, else a new room whose traffic is drawn from
// `seed`. seats is clamped to [kMinRacers, kMaxRacers].
void plan_join(const RaceBook& book, std::uint64_t client_id, Endpoint client,
               std::string_view room_name, const wire::PlayerName& player, std::uint64_t seed,
               std::vector<Event>& out, std::uint8_t seats = kMaxRacers, std::uint32_t room_id = 0);
void plan_leave(const RaceBook& book, std::uint64_t client_id, std::vector<Event>& out);
// One tick of every room in id order: steering changes then a tick for running races; for a
// finished race its result (if no leader recorded it yet), lingering ticks, then close;
// empty waiting rooms are closed.
void plan_tick(const RaceBook& book, const SteerTable& steering, std::vector<Event>& out);
// After applying an event of `room` that gave `result`: the checks to order next.
void plan_checks(const RaceBook& book, std::uint32_t room, const ApplyResult& result,
                 std::vector<Event>& out);

}  // namespace dp::racing
