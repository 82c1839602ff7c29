#include "core/services/racing/event.h"

#include "core/common/byte_io.h"
#include "core/services/racing/name_codec.h"

namespace dp::racing {

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
    case EventKind::kScores:
      return "scores";
    case EventKind::kRaceOver:
      return "race-over";
    case EventKind::kClose:
      return "close";
  }
  return "?";
}

Event make_event(EventKind kind, std::uint32_t room) {
  Event e;
  e.kind = kind;
  e.room = room;
  return e;
}

Event scores_event(std::uint32_t room, const RaceState& race) {
  Event e = make_event(EventKind::kScores, room);
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    e.scores[slot] = race.racers[slot].score;
    if (race.racers[slot].alive) e.alive = static_cast<std::uint8_t>(e.alive | (1u << slot));
  }
  return e;
}

void Event::encode(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(room);
  switch (kind) {
    case EventKind::kOpenRoom:
      w.put(seed);
      put_name(w, name.view());
      break;
    case EventKind::kJoin:
      w.put(slot);
      w.put(client_id);
      w.put(client.ip);
      w.put(client.port);
      put_name(w, player.view());
      break;
    case EventKind::kLeave:
      w.put(slot);
      break;
    case EventKind::kInput:
      w.put(slot);
      w.put(direction);
      break;
    case EventKind::kScores:
      for (const std::uint16_t s : scores) w.put(s);
      w.put(alive);
      break;
    case EventKind::kRaceOver:
      w.put(slot);
      for (const std::uint16_t s : scores) w.put(s);
      break;
    case EventKind::kTick:
    case EventKind::kClose:
      break;
  }
}

std::optional<Event> Event::decode(const wire::EntryView& entry) {
  if (entry.kind < 1 || entry.kind > kMaxEventKindValue) return std::nullopt;
  ByteReader r(entry.payload);
  Event e;
  e.kind = static_cast<EventKind>(entry.kind);
  e.room = r.get<std::uint32_t>();
  bool slot_ok = true;
  switch (e.kind) {
    case EventKind::kOpenRoom:
      e.seed = r.get<std::uint64_t>();
      if (!get_name(r, wire::kRoomNameMax, e.name)) return std::nullopt;
      break;
    case EventKind::kJoin:
      e.slot = r.get<std::uint8_t>();
      e.client_id = r.get<std::uint64_t>();
      e.client.ip = r.get<std::uint32_t>();
      e.client.port = r.get<std::uint16_t>();
      if (!get_name(r, wire::kPlayerNameMax, e.player)) return std::nullopt;
      break;
    case EventKind::kLeave:
      e.slot = r.get<std::uint8_t>();
      break;
    case EventKind::kInput:
      e.slot = r.get<std::uint8_t>();
      e.direction = r.get<std::int8_t>();
      if (e.direction < -1 || e.direction > 1) return std::nullopt;
      break;
    case EventKind::kScores:
      for (std::uint16_t& s : e.scores) s = r.get<std::uint16_t>();
      e.alive = r.get<std::uint8_t>();
      if (e.alive >= (1u << kMaxRacers)) return std::nullopt;
      break;
    case EventKind::kRaceOver:
      e.slot = r.get<std::uint8_t>();
      for (std::uint16_t& s : e.scores) s = r.get<std::uint16_t>();
      slot_ok = e.slot < kMaxRacers || e.slot == kDraw;
      break;
    case EventKind::kTick:
    case EventKind::kClose:
      break;
  }
  if (e.kind != EventKind::kRaceOver) slot_ok = e.slot < kMaxRacers;
  if (r.failed() || r.remaining() != 0 || !slot_ok) return std::nullopt;
  for (const std::uint16_t s : e.scores) {
    if (s > kMaxScore) return std::nullopt;
  }
  return e;
}

}  // namespace dp::racing
