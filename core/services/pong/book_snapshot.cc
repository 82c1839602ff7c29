// RoomBook's canonical encoding: snapshots, loading them, and digests.
//
// Layout (little-endian): magic u32, version u8, target_score u8, identity (term u64, leader
// hi u64, lo u64; zero for none), next_room_id u32, room_count u32, then each room in id order: id
// u32, name length u8 and bytes, the match (fixed 42 bytes) and both player slots (15 bytes each).
#include <string_view>
#include <utility>

#include "core/common/byte_io.h"
#include "core/services/pong/book.h"
#include "core/services/pong/book_codec.h"

namespace dp::pong {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x42525044;  // "DPRB" read little-endian.
constexpr std::uint8_t kSnapshotVersion = 3;          // 2: players' names; 3: identity.
constexpr std::size_t kMatchBytes = 42;
constexpr std::size_t kPlayerBytes = 16;  // Without the name's bytes.
constexpr std::size_t kMinRoomBytes = 4 + 1 + kMatchBytes + 2 * kPlayerBytes;

}  // namespace

namespace codec {

void put_room(ByteWriter& w, const Room& room) {
  const MatchState& m = room.match;
  w.put(room.id);
  const std::string_view name = room.name.view();
  w.put(static_cast<std::uint8_t>(name.size()));
  for (const char c : name) w.put(static_cast<std::uint8_t>(c));
  w.put(static_cast<std::uint8_t>(m.phase));
  w.put(m.countdown_ticks);
  w.put(m.tick);
  w.put(m.linger_ticks);
  w.put(m.ball_x);
  w.put(m.ball_y);
  w.put(m.ball_vx);
  w.put(m.ball_vy);
  w.put(m.paddle_y[0]);
  w.put(m.paddle_y[1]);
  w.put(m.paddle_dir[0]);
  w.put(m.paddle_dir[1]);
  w.put(m.score[0]);
  w.put(m.score[1]);
  w.put(m.target_score);
  w.put(m.winner);
  w.put(m.serve_toward);
  for (const Seat& p : room.seats) {
    w.put(static_cast<std::uint8_t>(p.present ? 1 : 0));
    w.put(p.client_id);
    w.put(p.client.ip);
    w.put(p.client.port);
    w.put(static_cast<std::uint8_t>(p.name.size()));
    for (const char c : p.name.view()) w.put(static_cast<std::uint8_t>(c));
  }
}

bool get_room(ByteReader& r, Room& room) {
  room.id = r.get<std::uint32_t>();
  const auto name_size = r.get<std::uint8_t>();
  if (r.failed() || name_size > wire::kRoomNameMax) return false;
  const auto name = r.get_bytes(name_size);
  if (!name.empty()) {
    room.name.assign(std::string_view(reinterpret_cast<const char*>(name.data()), name.size()));
  }
  MatchState& m = room.match;
  const auto phase = r.get<std::uint8_t>();
  m.phase = static_cast<Phase>(phase);
  m.countdown_ticks = r.get<std::uint16_t>();
  m.tick = r.get<std::uint32_t>();
  m.linger_ticks = r.get<std::uint32_t>();
  m.ball_x = r.get<std::int32_t>();
  m.ball_y = r.get<std::int32_t>();
  m.ball_vx = r.get<std::int32_t>();
  m.ball_vy = r.get<std::int32_t>();
  m.paddle_y[0] = r.get<std::int32_t>();
  m.paddle_y[1] = r.get<std::int32_t>();
  m.paddle_dir[0] = r.get<std::int8_t>();
  m.paddle_dir[1] = r.get<std::int8_t>();
  m.score[0] = r.get<std::uint8_t>();
  m.score[1] = r.get<std::uint8_t>();
  m.target_score = r.get<std::uint8_t>();
  m.winner = r.get<std::uint8_t>();
  m.serve_toward = r.get<std::uint8_t>();
  for (Seat& p : room.seats) {
    const auto present = r.get<std::uint8_t>();
    p.present = present == 1;
    p.client_id = r.get<std::uint64_t>();
    p.client.ip = r.get<std::uint32_t>();
    p.client.port = r.get<std::uint16_t>();
    const auto name_bytes = r.get<std::uint8_t>();
    if (name_bytes > wire::kPlayerNameMax) return false;
    const auto player = r.get_bytes(name_bytes);
    p.name = wire::PlayerName{};
    if (!player.empty()) {
      p.name.assign({reinterpret_cast<const char*>(player.data()), player.size()});
    }
    if (present > 1 || (p.present && p.client_id == 0) || !wire::valid_name(p.name.view())) {
      return false;
    }
  }
  if (r.failed() || phase > kMaxPhaseValue || !valid_match_state(m)) return false;
  // Players and phase must agree: a match runs only with both players seated.
  const int players = room.player_count();
  if (m.phase == Phase::kWaiting) return players <= 1;
  if (m.phase == Phase::kCountdown || m.phase == Phase::kPlaying) return players == 2;
  return true;
}

}  // namespace codec

namespace {

std::uint64_t fnv1a(std::span<const std::uint8_t> bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const std::uint8_t b : bytes) {
    hash ^= b;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

const char* snapshot_error_name(SnapshotError error) {
  switch (error) {
    case SnapshotError::kTruncated:
      return "truncated";
    case SnapshotError::kBadMagic:
      return "bad magic";
    case SnapshotError::kBadVersion:
      return "bad version";
    case SnapshotError::kTooManyRooms:
      return "too many rooms";
    case SnapshotError::kOutOfRange:
      return "out of range";
    case SnapshotError::kInconsistent:
      return "inconsistent";
    case SnapshotError::kTrailingBytes:
      return "trailing bytes";
  }
  return "?";
}

void RoomBook::save_snapshot(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(kSnapshotMagic);
  w.put(kSnapshotVersion);
  w.put(target_score_);
  w.put(identity_.term);
  w.put(identity_.leader.hi);
  w.put(identity_.leader.lo);
  w.put(table_.next_room_id());
  w.put(static_cast<std::uint32_t>(table_.rooms().size()));
  for (const auto& [id, room] : table_.rooms()) codec::put_room(w, room);
  leaderboard_.save(w);
}

Result<Loaded, SnapshotError> RoomBook::load_snapshot(std::span<const std::uint8_t> bytes) {
  using R = Result<Loaded, SnapshotError>;
  ByteReader r(bytes);
  const auto magic = r.get<std::uint32_t>();
  const auto version = r.get<std::uint8_t>();
  const auto target_score = r.get<std::uint8_t>();
  Epoch identity;
  identity.term = r.get<std::uint64_t>();
  identity.leader.hi = r.get<std::uint64_t>();
  identity.leader.lo = r.get<std::uint64_t>();
  const auto next_room_id = r.get<std::uint32_t>();
  const auto room_count = r.get<std::uint32_t>();
  if (r.failed()) return R::failure(SnapshotError::kTruncated);
  if (magic != kSnapshotMagic) return R::failure(SnapshotError::kBadMagic);
  if (version != kSnapshotVersion) return R::failure(SnapshotError::kBadVersion);
  if (target_score < 1 || target_score > kMaxTargetScore ||
      identity.is_none() != identity.leader.is_nil()) {
    return R::failure(SnapshotError::kOutOfRange);
  }
  // The count is checked against the bytes actually present before anything is built.
  if (room_count > kMaxRooms || room_count > r.remaining() / kMinRoomBytes) {
    return R::failure(SnapshotError::kTooManyRooms);
  }

  std::map<std::uint32_t, Room> rooms;
  std::uint32_t previous_id = 0;
  for (std::uint32_t i = 0; i < room_count; ++i) {
    Room room;
    if (!codec::get_room(r, room)) {
      return R::failure(r.failed() ? SnapshotError::kTruncated : SnapshotError::kOutOfRange);
    }
    // Ids are strictly increasing, non-zero, and below the next id to hand out (which is 0
    // only once ids have wrapped).
    if (room.id <= previous_id || (next_room_id != 0 && room.id >= next_room_id)) {
      return R::failure(SnapshotError::kInconsistent);
    }
    previous_id = room.id;
    rooms.emplace_hint(rooms.end(), room.id, room);
  }
  Leaderboard leaderboard;
  if (!leaderboard.load(r)) {
    return R::failure(r.failed() ? SnapshotError::kTruncated : SnapshotError::kOutOfRange);
  }
  if (r.remaining() != 0) return R::failure(SnapshotError::kTrailingBytes);

  // A client seated twice is refused; the table is then unchanged.
  if (!table_.replace(std::move(rooms), next_room_id)) {
    return R::failure(SnapshotError::kInconsistent);
  }
  target_score_ = target_score;
  identity_ = identity;
  leaderboard_ = std::move(leaderboard);
  return Loaded{};
}

std::uint64_t RoomBook::digest() const {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(16 + table_.rooms().size() * (kMinRoomBytes + wire::kRoomNameMax));
  save_snapshot(bytes);
  return fnv1a(bytes);
}

std::uint64_t RoomBook::room_digest(const Room& room) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(kMinRoomBytes + wire::kRoomNameMax);
  ByteWriter w(bytes);
  codec::put_room(w, room);
  return fnv1a(bytes);
}

}  // namespace dp::pong
