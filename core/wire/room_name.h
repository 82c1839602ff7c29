// The name of a game room, as players type it and as it travels (at most kRoomNameMax bytes;
// longer names are truncated). Shared by every game's room messages.
#pragma once

#include "core/wire/fixed.h"

namespace dp::wire {

constexpr std::size_t kRoomNameMax = 24;
using RoomName = FixedString<kRoomNameMax>;

}  // namespace dp::wire
