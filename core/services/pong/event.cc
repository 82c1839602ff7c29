#include "core/services/pong/event.h"

#include "core/common/byte_io.h"

namespace dp::pong {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kOpenRoom:
      return "open-room";
    case EventKind::kJoin:
      return "join";
    case EventKind::kLeave:
      return "leave";
    case EventKind::kInput:
      return "input";
    case EventKind::kTick:
      return "tick";
    case EventKind::kPoint:
      return "point";
    case EventKind::kMatchOver:
      return "match-over";
    case EventKind::kClose:
      return "close";
    case EventKind::kIdentity:
      return "identity";
  }
  return "?";
}

Event make_event(EventKind kind, std::uint32_t room) {
  Event e;
  e.kind = kind;
  e.room = room;
  return e;
}

std::size_t Event::encode(std::span<std::uint8_t, kMaxPayload> out) const {
  std::uint8_t* p = out.data();
  std::size_t n = 0;
  auto put = [&](auto value) {
    for (std::size_t i = 0; i < sizeof(value); ++i) {
      p[n++] = static_cast<std::uint8_t>((static_cast<std::uint64_t>(value) >> (8 * i)) & 0xffu);
    }
  };
  put(room);
  switch (kind) {
    case EventKind::kOpenRoom:
      put(static_cast<std::uint8_t>(name.size()));
      for (char c : name.view()) put(static_cast<std::uint8_t>(c));
      break;
    case EventKind::kJoin:
      put(slot);
      put(client_id);
      put(client.ip);
      put(client.port);
      put(static_cast<std::uint8_t>(player.size()));
      for (char c : player.view()) put(static_cast<std::uint8_t>(c));
      break;
    case EventKind::kLeave:
      put(slot);
      break;
    case EventKind::kInput:
      put(slot);
      put(static_cast<std::uint8_t>(direction));
      break;
    case EventKind::kPoint:
      put(score.left);
      put(score.right);
      break;
    case EventKind::kMatchOver:
      put(slot);
      put(score.left);
      put(score.right);
      break;
    case EventKind::kIdentity:
      put(founding.term);
      put(founding.leader.hi);
      put(founding.leader.lo);
      break;
    case EventKind::kTick:
    case EventKind::kClose:
      break;
  }
  return n;
}

std::optional<Event> Event::decode(const wire::EntryView& entry) {
  if (entry.kind < 1 || entry.kind > kMaxEventKindValue) return std::nullopt;
  ByteReader r(entry.payload);
  Event e;
  e.kind = static_cast<EventKind>(entry.kind);
  e.room = r.get<std::uint32_t>();
  switch (e.kind) {
    case EventKind::kOpenRoom: {
      const auto size = r.get<std::uint8_t>();
      if (size > wire::kRoomNameMax) return std::nullopt;
      const auto bytes = r.get_bytes(size);
      if (!bytes.empty()) {
        e.name.assign({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      }
      break;
    }
    case EventKind::kJoin: {
      e.slot = r.get<std::uint8_t>();
      e.client_id = r.get<std::uint64_t>();
      e.client.ip = r.get<std::uint32_t>();
      e.client.port = r.get<std::uint16_t>();
      const auto size = r.get<std::uint8_t>();
      if (size > wire::kPlayerNameMax) return std::nullopt;
      const auto bytes = r.get_bytes(size);
      if (!bytes.empty()) {
        e.player.assign({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
      }
      if (!wire::valid_name(e.player.view())) return std::nullopt;
      break;
    }
    case EventKind::kLeave:
      e.slot = r.get<std::uint8_t>();
      break;
    case EventKind::kInput:
      e.slot = r.get<std::uint8_t>();
      e.direction = r.get<std::int8_t>();
      if (e.direction < -1 || e.direction > 1) return std::nullopt;
      break;
    case EventKind::kPoint:
      e.score.left = r.get<std::uint8_t>();
      e.score.right = r.get<std::uint8_t>();
      break;
    case EventKind::kMatchOver:
      e.slot = r.get<std::uint8_t>();
      e.score.left = r.get<std::uint8_t>();
      e.score.right = r.get<std::uint8_t>();
      break;
    case EventKind::kIdentity:
      e.founding.term = r.get<std::uint64_t>();
      e.founding.leader.hi = r.get<std::uint64_t>();
      e.founding.leader.lo = r.get<std::uint64_t>();
      if (e.room != 0 || e.founding.is_none() || e.founding.leader.is_nil()) return std::nullopt;
      break;
    case EventKind::kTick:
    case EventKind::kClose:
      break;
  }
  if (r.failed() || r.remaining() != 0 || e.slot > 1) return std::nullopt;
  return e;
}

}  // namespace dp::pong
