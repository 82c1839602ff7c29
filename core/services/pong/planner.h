// Leader-side planning: which Pong events the leader should order next.
//
// Pure functions of the current RoomBook: they only append Events to `out`. The leader gives
// each planned event a sequence number and applies it to its own book before planning again,
// so plans always see the state their events will meet. Points and match ends are not
// planned: they come out of applying a kTick (or a forfeiting kLeave), and plan_checks turns
// that ApplyResult into the kPoint / kMatchOver check events.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/common/types.h"
#include "core/services/pong/book.h"
#include "core/services/pong/event.h"

namespace dp::pong {

// The paddle direction (-1, 0, 1) each client last asked for, by client id. Holds at most
// one entry per seated client (2 * kMaxRooms); the caller drops entries of departed clients.
using InputTable = std::map<std::uint64_t, std::int8_t>;

// How long a finished room lingers (so both players receive the final state) before closing.
constexpr std::uint32_t kDefaultGameOverLingerTicks = 2 * kTicksPerSecond;

// A client asks to play. Named room: join the first waiting room of that name with a free
// slot, else open one. Empty name: join the first waiting unnamed room with a free slot, else
// open one (rooms::place). A client already seated gets nothing, even in a finished room: its
// Join is a re-attach after a failover, and it must still see its result (a client that
// wants another match joins under a fresh id). Appends at most 2 events (nothing if the book
// is full).
// `player` is the name the player gave; without one it is default_player_name(client_id).
// `room_id` (the lobby's pick): that room if it still has a free seat, else as above.
void plan_join(const RoomBook& book, std::uint64_t client_id, Endpoint client,
               std::string_view room_name, std::vector<Event>& out,
               const wire::PlayerName& player = {}, std::uint32_t room_id = 0);

// "player-1a2b": what a player who gave no name is called (the low 16 bits of its id).
wire::PlayerName default_player_name(std::uint64_t client_id);

// A client leaves or has been silent past the forfeit timeout: kLeave for its seat, if any.
void plan_leave(const RoomBook& book, std::uint64_t client_id, std::vector<Event>& out);

// One tick of every room, in room id order: for Countdown/Playing rooms a kInput per slot
// whose wanted direction differs from the paddle's, then a kTick; for GameOver rooms a kTick
// while lingering, then kClose; empty waiting rooms are closed. At most 3 events per room.
void plan_tick(const RoomBook& book, const InputTable& inputs, std::vector<Event>& out,
               std::uint32_t linger_ticks = kDefaultGameOverLingerTicks);

// After applying an event of `room` that gave `result`: the check events to order next
// (kPoint when a point was scored, kMatchOver when the match ended). At most 2 events.
void plan_checks(std::uint32_t room, const ApplyResult& result, std::vector<Event>& out);

}  // namespace dp::pong
