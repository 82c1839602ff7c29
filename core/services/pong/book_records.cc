// RoomBook's durable records: what a server keeps on disk of Pong (rooms with their seats and
// scores, the leaderboard), written as durable entries are applied and read back at start-up.
#include <algorithm>
#include <map>

#include "core/services/pong/book.h"
#include "core/services/pong/book_codec.h"

namespace dp::pong {
namespace {

std::uint64_t name_key(const wire::PlayerName& name) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : name.view()) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

RecordKey key(RoomBook::Table table, std::uint64_t k) { return RecordKey{0, table, k}; }

constexpr std::uint64_t kMetaKey = 0;
constexpr std::uint64_t kIdentityKey = 1;

void put_identity(ByteWriter& w, const Epoch& identity) {
  w.put(identity.term);
  w.put(identity.leader.hi);
  w.put(identity.leader.lo);
}

}  // namespace

void RoomBook::write_records(const Event& event, RecordSink& sink) const {
  std::vector<std::uint8_t> value;
  auto put = [&](RecordKey k, auto&& encode) {
    value.clear();
    ByteWriter w(value);
    encode(w);
    sink.put(k, value);
  };
  auto put_meta = [&] {
    put(key(kMetaTable, kMetaKey), [&](ByteWriter& w) {
      w.put(target_score_);
      w.put(table_.next_room_id());
      w.put(leaderboard_.results_recorded());
    });
  };
  if (event.kind == EventKind::kClose) {
    sink.erase(key(kRoomTable, event.room));
    return;
  }
  if (event.kind == EventKind::kIdentity) {
    put(key(kMetaTable, kIdentityKey), [&](ByteWriter& w) { put_identity(w, identity_); });
    return;
  }
  if (event.kind == EventKind::kOpenRoom) put_meta();
  if (const Room* room = find(event.room)) {
    put(key(kRoomTable, room->id), [&](ByteWriter& w) { codec::put_room(w, *room); });
  }
  if (event.kind != EventKind::kMatchOver || leaderboard_.results().empty()) return;
  const MatchResult& result = leaderboard_.results().back();
  if (result.number != last_change_.result) return;
  put_meta();
  put(key(kResultTable, result.number), [&](ByteWriter& w) { Leaderboard::put_result(w, result); });
  for (const wire::PlayerName& name : result.players) {
    if (const PlayerStats* p = leaderboard_.find(name)) {
      put(key(kPlayerTable, name_key(name)),
          [&](ByteWriter& w) { Leaderboard::put_player(w, *p); });
    }
  }
  if (last_change_.evicted_result) sink.erase(key(kResultTable, *last_change_.evicted_result));
  for (const wire::PlayerName& gone : last_change_.evicted_players) {
    sink.erase(key(kPlayerTable, name_key(gone)));
  }
}

void RoomBook::write_all_records(RecordSink& sink) const {
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  w.put(target_score_);
  w.put(table_.next_room_id());
  w.put(leaderboard_.results_recorded());
  sink.put(key(kMetaTable, kMetaKey), value);
  if (!identity_.is_none()) {
    value.clear();
    put_identity(w, identity_);
    sink.put(key(kMetaTable, kIdentityKey), value);
  }
  for (const auto& [id, room] : table_.rooms()) {
    value.clear();
    codec::put_room(w, room);
    sink.put(key(kRoomTable, id), value);
  }
  for (const MatchResult& result : leaderboard_.results()) {
    value.clear();
    Leaderboard::put_result(w, result);
    sink.put(key(kResultTable, result.number), value);
  }
  for (const auto& [name, player] : leaderboard_.players()) {
    value.clear();
    Leaderboard::put_player(w, player);
    sink.put(key(kPlayerTable, name_key(name)), value);
  }
}

bool RoomBook::load_records(std::span<const StoredRecord> records) {
  std::uint8_t target_score = target_score_;
  std::uint32_t next_room_id = 1;
  std::uint64_t recorded = 0;
  bool meta = false;
  Epoch identity;
  std::map<std::uint32_t, Room> rooms;
  std::vector<MatchResult> results;
  std::vector<PlayerStats> players;
  for (const StoredRecord& record : records) {
    ByteReader r(record.value);
    switch (record.key.table) {
      case kMetaTable:
        if (record.key.key == kIdentityKey) {
          identity.term = r.get<std::uint64_t>();
          identity.leader.hi = r.get<std::uint64_t>();
          identity.leader.lo = r.get<std::uint64_t>();
          if (identity.is_none() || identity.leader.is_nil()) return false;
          break;
        }
        target_score = r.get<std::uint8_t>();
        next_room_id = r.get<std::uint32_t>();
        recorded = r.get<std::uint64_t>();
        meta = record.key.key == kMetaKey && target_score >= 1 && target_score <= kMaxTargetScore;
        if (!meta) return false;
        break;
      case kRoomTable: {
        Room room;
        if (!codec::get_room(r, room) || room.id != record.key.key || rooms.size() >= kMaxRooms) {
          return false;
        }
        rooms.emplace(room.id, room);
        break;
      }
      case kResultTable: {
        MatchResult result;
        if (!Leaderboard::get_result(r, result) || result.number != record.key.key) return false;
        results.push_back(result);
        break;
      }
      case kPlayerTable: {
        PlayerStats player;
        if (!Leaderboard::get_player(r, player) || name_key(player.name) != record.key.key) {
          return false;
        }
        players.push_back(player);
        break;
      }
      default:
        return false;
    }
    if (r.failed() || r.remaining() != 0) return false;
  }
  if (!meta) {
    // Nothing but the identity (ordered before any room opened), or nothing at all.
    if (!rooms.empty() || !results.empty() || !players.empty()) return false;
    identity_ = identity;
    table_ = rooms::RoomTable<MatchState, 2>{};
    leaderboard_ = Leaderboard{};
    return true;
  }
  // Records come in key order, so results are in number order already.
  for (const auto& [id, room] : rooms) {
    if (id == 0 || (next_room_id != 0 && id >= next_room_id)) return false;
  }
  // On disk players are keyed by a hash of their name; the leaderboard wants name order.
  std::sort(players.begin(), players.end(),
            [](const PlayerStats& a, const PlayerStats& b) { return a.name < b.name; });
  Leaderboard leaderboard;
  if (!leaderboard.restore(std::move(results), std::move(players), recorded)) return false;
  rooms::RoomTable<MatchState, 2> table;
  if (!table.replace(std::move(rooms), next_room_id)) return false;
  target_score_ = target_score;
  identity_ = identity;
  table_ = std::move(table);
  leaderboard_ = std::move(leaderboard);
  return true;
}

}  // namespace dp::pong
