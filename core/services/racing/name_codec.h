// A room's or player's name in the racing service's encodings (entries, snapshots, records):
// length u8, then the bytes. Reading is strict: longer than `max`, cut short or not printable
// ASCII is refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/common/byte_io.h"
#include "core/wire/room_name.h"

namespace dp::racing {

inline void put_name(ByteWriter& w, std::string_view name) {
  w.put(static_cast<std::uint8_t>(name.size()));
  for (const char c : name) w.put(static_cast<std::uint8_t>(c));
}

template <class Name>
bool get_name(ByteReader& r, std::size_t max, Name& out) {
  const auto size = r.get<std::uint8_t>();
  if (size > max) return false;
  const auto bytes = r.get_bytes(size);
  out = Name{};
  if (!bytes.empty()) out.assign({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
  return !r.failed() && wire::valid_name(out.view());
}

}  // namespace dp::racing
