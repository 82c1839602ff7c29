// RaceBook's canonical encoding (snapshots, digests) and its durable records.
//
// Snapshot layout (little-endian): magic u32 "DPRC", version u8, next_room_id u32, room
// count u32, each room in id order (put_room), then the leaderboard (RaceBoard::save).
#include <string_view>

#include "core/common/byte_io.h"
#include "core/services/racing/book.h"
#include "core/services/racing/name_codec.h"

namespace dp::racing {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x43525044;  // "DPRC" read little-endian.
constexpr std::uint8_t kSnapshotVersion = 1;
constexpr std::size_t kMinRoomBytes =
    4 + 1 + 40 + kMaxTraffic * 9 + kMaxRacers * 9 + kMaxRacers * 16;
constexpr std::uint64_t kMetaKey = 0;

void put_room(ByteWriter& w, const Room& room) {
  const RaceState& race = room.match;
  w.put(room.id);
  put_name(w, room.name.view());
  w.put(static_cast<std::uint8_t>(race.phase));
  w.put(race.countdown_ticks);
  w.put(race.tick);
  w.put(race.linger_ticks);
  w.put(race.seed);
  w.put(race.rng);
  w.put(race.traffic_digest);
  w.put(race.winner);
  w.put(static_cast<std::uint8_t>(race.recorded ? 1 : 0));
  for (const TrafficCar& car : race.traffic) {
    w.put(static_cast<std::uint8_t>(car.active ? 1 : 0));
    w.put(car.x);
    w.put(car.y);
  }
  for (const Racer& r : race.racers) {
    w.put(static_cast<std::uint8_t>((r.racing ? 1 : 0) | (r.alive ? 2 : 0)));
    w.put(r.x);
    w.put(r.dir);
    w.put(r.score);
  }
  for (const Seat& s : room.seats) {
    w.put(static_cast<std::uint8_t>(s.present ? 1 : 0));
    w.put(s.client_id);
    w.put(s.client.ip);
    w.put(s.client.port);
    put_name(w, s.name.view());
  }
}

bool get_room(ByteReader& r, Room& room) {
  room.id = r.get<std::uint32_t>();
  if (!get_name(r, wire::kRoomNameMax, room.name)) return false;
  RaceState& race = room.match;
  const auto phase = r.get<std::uint8_t>();
  race.phase = static_cast<Phase>(phase);
  race.countdown_ticks = r.get<std::uint16_t>();
  race.tick = r.get<std::uint32_t>();
  race.linger_ticks = r.get<std::uint32_t>();
  race.seed = r.get<std::uint64_t>();
  race.rng = r.get<std::uint64_t>();
  race.traffic_digest = r.get<std::uint64_t>();
  race.winner = r.get<std::uint8_t>();
  const auto recorded = r.get<std::uint8_t>();
  race.recorded = recorded == 1;
  bool ok = phase <= kMaxPhaseValue && recorded <= 1;
  for (TrafficCar& car : race.traffic) {
    const auto active = r.get<std::uint8_t>();
    car.active = active == 1;
    car.x = r.get<std::int32_t>();
    car.y = r.get<std::int32_t>();
    ok = ok && active <= 1;
  }
  for (Racer& racer : race.racers) {
    const auto flags = r.get<std::uint8_t>();
    racer.racing = (flags & 1) != 0;
    racer.alive = (flags & 2) != 0;
    racer.x = r.get<std::int32_t>();
    racer.dir = r.get<std::int8_t>();
    racer.score = r.get<std::uint16_t>();
    ok = ok && flags <= 3;
  }
  for (Seat& s : room.seats) {
    const auto present = r.get<std::uint8_t>();
    s.present = present == 1;
    s.client_id = r.get<std::uint64_t>();
    s.client.ip = r.get<std::uint32_t>();
    s.client.port = r.get<std::uint16_t>();
    if (!get_name(r, wire::kPlayerNameMax, s.name)) return false;
    ok = ok && present <= 1 && !(s.present && s.client_id == 0);
  }
  if (r.failed() || !ok || room.id == 0 || !valid_race_state(race)) return false;
  const int players = room.player_count();
  if (race.phase == Phase::kWaiting) return players <= 1;
  if (race.phase == Phase::kCountdown) return players >= kMinRacers;
  return true;
}

std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::uint8_t b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

std::uint64_t name_key(const wire::PlayerName& name) {
  return fnv1a({reinterpret_cast<const std::uint8_t*>(name.view().data()), name.size()});
}

RecordKey key(RaceBook::Table table, std::uint64_t k) { return RecordKey{0, table, k}; }

}  // namespace

void RaceBook::save_snapshot(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(kSnapshotMagic);
  w.put(kSnapshotVersion);
  w.put(table_.next_room_id());
  w.put(static_cast<std::uint32_t>(table_.rooms().size()));
  for (const auto& [id, room] : table_.rooms()) put_room(w, room);
  board_.save(w);
}

bool RaceBook::load_snapshot(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  if (r.get<std::uint32_t>() != kSnapshotMagic || r.get<std::uint8_t>() != kSnapshotVersion) {
    return false;
  }
  const auto next_room_id = r.get<std::uint32_t>();
  const auto count = r.get<std::uint32_t>();
  if (r.failed() || count > rooms::kMaxRooms || count > r.remaining() / kMinRoomBytes) {
    return false;
  }
  std::map<std::uint32_t, Room> rooms;
  std::uint32_t last_id = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    Room room;
    if (!get_room(r, room) || room.id <= last_id) return false;
    if (next_room_id != 0 && room.id >= next_room_id) return false;
    last_id = room.id;
    rooms.emplace(room.id, room);
  }
  RaceBoard board;
  if (!board.load(r) || r.remaining() != 0) return false;
  if (!table_.replace(std::move(rooms), next_room_id)) return false;
  board_ = std::move(board);
  return true;
}

std::uint64_t RaceBook::digest() const {
  std::vector<std::uint8_t> bytes;
  save_snapshot(bytes);
  return fnv1a(bytes);
}

void RaceBook::write_records(const Event& event, RecordSink& sink) const {
  std::vector<std::uint8_t> value;
  auto put = [&](RecordKey k, auto&& encode) {
    value.clear();
    ByteWriter w(value);
    encode(w);
    sink.put(k, value);
  };
  auto put_meta = [&] {
    put(key(kMetaTable, kMetaKey), [&](ByteWriter& w) {
      w.put(table_.next_room_id());
      w.put(board_.results_recorded());
    });
  };
  if (event.kind == EventKind::kClose) {
    sink.erase(key(kRoomTable, event.room));
    return;
  }
  if (event.kind == EventKind::kOpenRoom) put_meta();
  if (const Room* room = find(event.room)) {
    put(key(kRoomTable, room->id), [&](ByteWriter& w) { put_room(w, *room); });
  }
  if (event.kind != EventKind::kRaceOver || board_.results().empty()) return;
  const RaceResult& result = board_.results().back();
  if (result.number != last_change_.result) return;
  put_meta();
  put(key(kResultTable, result.number), [&](ByteWriter& w) { RaceBoard::put_result(w, result); });
  for (const wire::PlayerName& name : result.racers) {
    if (const RacerStats* p = board_.find(name)) {
      put(key(kPlayerTable, name_key(name)), [&](ByteWriter& w) { RaceBoard::put_player(w, *p); });
    }
  }
  if (last_change_.evicted_result) sink.erase(key(kResultTable, *last_change_.evicted_result));
  for (const wire::PlayerName& gone : last_change_.evicted_players) {
    sink.erase(key(kPlayerTable, name_key(gone)));
  }
}

void RaceBook::write_all_records(RecordSink& sink) const {
  std::vector<std::uint8_t> value;
  auto put = [&](RecordKey k, auto&& encode) {
    value.clear();
    ByteWriter w(value);
    encode(w);
    sink.put(k, value);
  };
  put(key(kMetaTable, kMetaKey), [&](ByteWriter& w) {
    w.put(table_.next_room_id());
    w.put(board_.results_recorded());
  });
  for (const auto& entry : table_.rooms()) {
    const Room& room = entry.second;
    put(key(kRoomTable, entry.first), [&](ByteWriter& w) { put_room(w, room); });
  }
  for (const RaceResult& result : board_.results()) {
    put(key(kResultTable, result.number), [&](ByteWriter& w) { RaceBoard::put_result(w, result); });
  }
  for (const auto& entry : board_.players()) {
    const RacerStats& p = entry.second;
    put(key(kPlayerTable, name_key(entry.first)),
        [&](ByteWriter& w) { RaceBoard::put_player(w, p); });
  }
}

bool RaceBook::load_records(std::span<const StoredRecord> records) {
  std::uint32_t next_room_id = 1;
  std::uint64_t recorded = 0;
  std::map<std::uint32_t, Room> rooms;
  std::vector<RaceResult> results;
  std::vector<RacerStats> players;
  for (const StoredRecord& record : records) {
    ByteReader r(record.value);
    switch (record.key.table) {
      case kMetaTable:
        if (record.key.key != kMetaKey) return false;
        next_room_id = r.get<std::uint32_t>();
        recorded = r.get<std::uint64_t>();
        break;
      case kRoomTable: {
        Room room;
        if (!get_room(r, room) || room.id != record.key.key) return false;
        rooms.emplace(room.id, room);
        break;
      }
      case kResultTable: {
        RaceResult result;
        if (!RaceBoard::get_result(r, result) || result.number != record.key.key) return false;
        results.push_back(result);
        break;
      }
      case kPlayerTable: {
        RacerStats p;
        if (!RaceBoard::get_player(r, p) || name_key(p.name) != record.key.key) return false;
        players.push_back(p);
        break;
      }
      default:
        return false;
    }
    if (r.failed() || r.remaining() != 0) return false;
  }
  for (const auto& [id, room] : rooms) {
    if (next_room_id != 0 && id >= next_room_id) return false;
  }
  std::sort(players.begin(), players.end(),
            [](const RacerStats& a, const RacerStats& b) { return a.name < b.name; });
  RaceBoard board;
  if (!board.restore(std::move(results), std::move(players), recorded)) return false;
  if (!table_.replace(std::move(rooms), next_room_id)) return false;
  board_ = std::move(board);
  return true;
}

}  // namespace dp::racing
