// The canonical encoding of one room, shared by the book's snapshot and its durable records.
//
// A room: id u32, name length u8 and bytes, the match (fixed 42 bytes) and both seats
// (present u8, client id u64, ip u32, port u16, name length u8 and bytes).
#pragma once

#include "core/common/byte_io.h"
#include "core/services/pong/book.h"

namespace dp::pong::codec {

void put_room(ByteWriter& w, const Room& room);
// Reads one room; false on truncation or any out-of-range field (players and phase must
// agree: a match runs only with both players seated).
bool get_room(ByteReader& r, Room& room);

}  // namespace dp::pong::codec
