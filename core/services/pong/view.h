// What a client sees of its room: a wire::RoomState built from the replicated Room.
//
// Phase numbering on the wire is pong::Phase: 0 waiting, 1 countdown, 2 playing, 3 game over,
// 4 closed. your_slot is 0 (left) or 1 (right), 2 for a spectator; winner is slot + 1, or 0
// while undecided. Positions are fixed-point 1/256 px as in pong_rules.h.
#pragma once

#include <cstdint>

#include "core/services/pong/book.h"
#include "core/wire/pong_messages.h"

namespace dp::pong {

constexpr std::uint8_t kSpectatorSlot = 2;

// The state of `room` as shown to `slot`, reflecting total-order position `seq`.
// leader_control is left unset for the sender to fill in.
wire::RoomState room_state_for(const Room& room, std::uint8_t slot, std::uint64_t seq);

// The last word to a client whose room is being removed: the final state (score, winner)
// with phase Closed, so a player never sees the final score replaced by 0-0.
wire::RoomState closed_room_state(const Room& room, std::uint8_t slot, std::uint64_t seq);

// The leaderboard a player of a just-finished room `room` is sent (result: its number): the
// player's own record (zero for a player the board no longer lists) and the best players.
wire::LeaderboardState leaderboard_state_for(const Leaderboard& board, std::uint32_t room,
                                             std::uint64_t result, const wire::PlayerName& you);

}  // namespace dp::pong
