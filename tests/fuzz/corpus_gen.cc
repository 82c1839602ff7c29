// Writes the seed corpora under tests/fuzz/corpus/: valid datagrams of every message type,
// snapshot bytes of a few room books, and chunked snapshot transfers (in order, reversed,
// duplicated). Run it by hand when the wire format changes:
//   build-fuzz/tests/fuzz/fuzz_corpus_gen tests/fuzz/corpus
// Scenario seeds are copied from scenarios/*.toml by hand; they are text.
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/game/room_book.h"
#include "core/replication/snapshot_assembler.h"
#include "core/wire/codec.h"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

void write_file(const fs::path& dir, const std::string& name, const Bytes& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

template <class Msg>
Bytes datagram(const Msg& m, std::uint64_t term = 3) {
  std::array<std::uint8_t, dp::wire::kMaxDatagramSize> buf{};
  const dp::NodeId sender{7, 0x1234'5678'9abc'def0ull};
  const dp::Epoch epoch{term, sender};
  auto n = dp::wire::encode(sender, epoch, m, buf);
  if (!n.ok()) {
    std::fprintf(stderr, "encode failed\n");
    std::exit(1);
  }
  return Bytes(buf.begin(), buf.begin() + static_cast<long>(n.value()));
}

dp::Endpoint ep(std::uint32_t ip, std::uint16_t port) {
  dp::Endpoint e;
  e.ip = ip;
  e.port = port;
  return e;
}

dp::wire::RoomEvent event(dp::wire::EventKind kind, std::uint32_t room) {
  dp::wire::RoomEvent e;
  e.kind = kind;
  e.room = room;
  return e;
}

// A book with an open room, two seated players and some play.
dp::game::RoomBook sample_book(int ticks) {
  dp::game::RoomBook book(3);
  auto open = event(dp::wire::EventKind::kOpenRoom, 1);
  open.name.assign("lobby");
  (void)book.apply(open);
  for (std::uint8_t slot = 0; slot < 2; ++slot) {
    auto join = event(dp::wire::EventKind::kJoin, 1);
    join.slot = slot;
    join.client_id = 100u + slot;
    join.client = ep(0x7f020001u + slot, 50020);
    (void)book.apply(join);
  }
  for (int i = 0; i < ticks; ++i) {
    auto input = event(dp::wire::EventKind::kInput, 1);
    input.slot = static_cast<std::uint8_t>(i % 2);
    input.value = (i % 3) - 1;
    (void)book.apply(input);
    (void)book.apply(event(dp::wire::EventKind::kTick, 1));
  }
  return book;
}

void wire_corpus(const fs::path& dir) {
  using namespace dp::wire;
  DiscoverRequest dr;
  dr.asker_role = 0;
  dr.control = ep(0x7f010001, 50010);
  dr.client = ep(0x7f010001, 50020);
  write_file(dir, "discover_request", datagram(dr, 0));
  DiscoverResponse dres;
  dres.role = 2;
  dres.control = ep(0x7f010002, 50010);
  dres.leader_client = ep(0x7f010003, 50020);
  write_file(dir, "discover_response", datagram(dres));
  Heartbeat hb;
  hb.role = 2;
  hb.applied_seq = 41;
  hb.commit_seq = 40;
  hb.hears.push_back(dp::NodeId{1, 2});
  hb.hears.push_back(dp::NodeId{3, 4});
  hb.servers_known = 3;
  hb.synced_epoch = dp::Epoch{2, dp::NodeId{3, 4}};
  hb.lost_state = 1;
  write_file(dir, "heartbeat", datagram(hb));
  write_file(dir, "election", datagram(Election{}, 4));
  write_file(dir, "answer", datagram(Answer{}));
  write_file(dir, "coordinator", datagram(Coordinator{}, 5));
  Replicate rep;
  rep.first_seq = 10;
  rep.commit_seq = 9;
  for (std::uint8_t k = 1; k <= kMaxEventKindValue; ++k) {
    auto e = event(static_cast<EventKind>(k), 1);
    e.slot = 1;
    e.value = k == 6 ? (2 << 8 | 1) : -1;
    e.client_id = 77;
    e.name.assign("room-a");
    rep.events.push_back(e);
  }
  write_file(dir, "replicate", datagram(rep));
  Ack ack;
  ack.applied_seq = 99;
  write_file(dir, "ack", datagram(ack));
  Nack nack;
  nack.from_seq = 5;
  nack.to_seq = 9;
  write_file(dir, "nack", datagram(nack));
  nack.want_snapshot = 1;
  write_file(dir, "nack_snapshot", datagram(nack));
  Snapshot snap;
  snap.snapshot_id = 1;
  snap.seq = 12;
  snap.chunk_count = 1;
  snap.total_bytes = 4;
  for (int b = 1; b <= 4; ++b) snap.data.push_back(static_cast<std::uint8_t>(b));
  write_file(dir, "snapshot", datagram(snap));
  Join join;
  join.client_id = 5;
  join.room_name.assign("lobby");
  write_file(dir, "join", datagram(join, 0));
  Input input;
  input.client_id = 5;
  input.room = 1;
  input.input_seq = 17;
  for (int d : {1, 1, 0, -1}) input.recent.push_back(static_cast<std::int8_t>(d));
  write_file(dir, "input", datagram(input, 0));
  RoomState rs;
  rs.room = 1;
  rs.seq = 30;
  rs.name.assign("lobby");
  rs.phase = 1;
  rs.target_score = 5;
  rs.ball_x = 100 * 256;
  rs.ball_vx = -3 * 256;
  write_file(dir, "room_state", datagram(rs));
  Leave leave;
  leave.client_id = 5;
  leave.room = 1;
  write_file(dir, "leave", datagram(leave, 0));
}

void snapshot_corpus(const fs::path& dir) {
  for (int ticks : {0, 3, 40}) {
    Bytes bytes;
    sample_book(ticks).save_snapshot(bytes);
    write_file(dir, "book_" + std::to_string(ticks), bytes);
  }
  Bytes empty;
  dp::game::RoomBook().save_snapshot(empty);
  write_file(dir, "book_empty", empty);
}

// Records as the assembler target reads them: [u16 LE length][datagram].
void append_record(Bytes& out, const Bytes& d) {
  out.push_back(static_cast<std::uint8_t>(d.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(d.size() >> 8));
  out.insert(out.end(), d.begin(), d.end());
}

void assembler_corpus(const fs::path& dir) {
  // A state larger than one chunk, so transfers have several chunks.
  Bytes state;
  sample_book(40).save_snapshot(state);
  while (state.size() < 2300) state.push_back(static_cast<std::uint8_t>(state.size()));
  std::vector<Bytes> chunks;
  dp::wire::Snapshot chunk;
  dp::for_each_snapshot_chunk(state, 9, 120, chunk,
                              [&](const dp::wire::Snapshot& c) { chunks.push_back(datagram(c)); });
  Bytes in_order, reversed, duplicated, restarted;
  for (const Bytes& c : chunks) append_record(in_order, c);
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) append_record(reversed, *it);
  for (const Bytes& c : chunks) {
    append_record(duplicated, c);
    append_record(duplicated, c);
  }
  // A transfer interrupted by a newer one.
  append_record(restarted, chunks[0]);
  Bytes small;
  sample_book(3).save_snapshot(small);
  dp::for_each_snapshot_chunk(small, 10, 130, chunk, [&](const dp::wire::Snapshot& c) {
    append_record(restarted, datagram(c));
  });
  write_file(dir, "in_order", in_order);
  write_file(dir, "reversed", reversed);
  write_file(dir, "duplicated", duplicated);
  write_file(dir, "restarted", restarted);
}

// Records as the server target reads them: [u8 channel][u8 step ms][u16 LE length][datagram].
void server_corpus(const fs::path& dir) {
  using namespace dp::wire;
  auto record = [](Bytes& out, std::uint8_t channel, std::uint8_t step_ms, const Bytes& d) {
    out.push_back(channel);
    out.push_back(step_ms);
    out.push_back(static_cast<std::uint8_t>(d.size() & 0xff));
    out.push_back(static_cast<std::uint8_t>(d.size() >> 8));
    out.insert(out.end(), d.begin(), d.end());
  };
  // A leader appears, replicates a room, and a client joins and plays.
  Bytes follower;
  Coordinator coord;
  coord.control = ep(0x7f010003, 50010);
  coord.client = ep(0x7f010003, 50020);
  record(follower, 1, 200, datagram(coord, 9));
  Heartbeat hb;
  hb.role = 2;
  hb.control = coord.control;
  hb.client = coord.client;
  hb.hears.push_back(dp::NodeId{5, 0x5555});
  record(follower, 1, 40, datagram(hb, 9));
  Replicate rep;
  rep.first_seq = 1;
  rep.commit_seq = 0;
  auto open = event(EventKind::kOpenRoom, 1);
  open.name.assign("lobby");
  rep.events.push_back(open);
  rep.events.push_back(event(EventKind::kTick, 1));
  record(follower, 1, 5, datagram(rep, 9));
  rep.first_seq = 5;  // A gap: the follower must NACK.
  record(follower, 1, 5, datagram(rep, 9));
  Snapshot snap;
  Bytes state;
  sample_book(3).save_snapshot(state);
  dp::for_each_snapshot_chunk(state, 4, 20, snap,
                              [&](const Snapshot& c) { record(follower, 1, 1, datagram(c, 9)); });
  write_file(dir, "follower", follower);

  Bytes leader;
  DiscoverRequest dr;
  dr.control = ep(0x7f010002, 50010);
  record(leader, 0, 10, datagram(dr, 0));
  record(leader, 1, 250, datagram(Election{}, 1));
  Join join;
  join.client_id = 42;
  record(leader, 2, 250, datagram(join, 0));
  Input input;
  input.client_id = 42;
  input.room = 1;
  input.input_seq = 1;
  input.recent.push_back(1);
  record(leader, 2, 20, datagram(input, 0));
  Ack ack;
  ack.applied_seq = 3;
  record(leader, 1, 20, datagram(ack, 2));
  Nack nack;
  nack.from_seq = 1;
  nack.to_seq = 2;
  record(leader, 1, 20, datagram(nack, 2));
  Leave leave;
  leave.client_id = 42;
  leave.room = 1;
  record(leader, 2, 20, datagram(leave, 0));
  write_file(dir, "leader", leader);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  wire_corpus(root / "wire_decode");
  snapshot_corpus(root / "room_snapshot");
  assembler_corpus(root / "snapshot_assembler");
  server_corpus(root / "server_datagram");
  return 0;
}
