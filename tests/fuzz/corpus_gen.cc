// Writes the seed corpora under tests/fuzz/corpus/: valid datagrams of every message type
// (Replicates carrying entry blocks of Pong events and of another service), snapshot bytes of
// a few Pong room books, chunked transfers of the log's composite snapshot (in order,
// reversed, duplicated, restarted), and datagram sequences that walk a server through
// following and leading. Run it by hand when a wire or snapshot format changes:
//   build-fuzz/tests/fuzz/fuzz_corpus_gen tests/fuzz/corpus
// It replays the server seeds through a ServerNode and fails unless each reaches the state it
// was written for, so a seed that no longer gets past the first checks is noticed.
// Scenario seeds are copied from scenarios/*.toml by hand; they are text.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/replication/service_registry.h"
#include "core/replication/snapshot_assembler.h"
#include "core/services/chat/service.h"
#include "core/services/pong/book.h"
#include "core/services/pong/event.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"
#include "tests/fuzz/auth_records.h"
#include "tests/fuzz/server_records.h"

namespace {

namespace fs = std::filesystem;
namespace pong = dp::pong;
namespace wire = dp::wire;
using Bytes = std::vector<std::uint8_t>;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "fuzz_corpus_gen: %s\n", what.c_str());
  std::exit(1);
}

void write_file(const fs::path& dir, const std::string& name, const Bytes& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) fail("cannot write " + (dir / name).string());
}

// The leader of the seeds' epochs (a higher id than the server under test).
const dp::NodeId kLeader{7, 0x1234'5678'9abc'def0ull};
// A follower of the server under test (a lower id).
const dp::NodeId kFollower{3, 0x3333};
// A player.
const dp::NodeId kPlayer{0, 42};

template <class Msg>
Bytes datagram(const Msg& m, const dp::NodeId& sender, const dp::Epoch& epoch) {
  std::array<std::uint8_t, wire::kMaxDatagramSize> buf{};
  auto n = wire::encode(sender, epoch, m, buf);
  if (!n.ok())
    fail(std::string("encode failed: ") +
         wire::msg_type_name(static_cast<std::uint8_t>(Msg::kType)));
  Bytes out(buf.begin(), buf.begin() + static_cast<long>(n.value()));
  // Every seed is a datagram the decoder accepts.
  auto back = wire::decode(out);
  if (!back.ok())
    fail(std::string("seed does not decode: ") + wire::decode_error_name(back.error()));
  return out;
}
// From the leader of epoch `term`.
template <class Msg>
Bytes datagram(const Msg& m, std::uint64_t term = 3) {
  return datagram(m, kLeader, dp::Epoch{term, kLeader});
}

dp::Endpoint ep(std::uint32_t ip, std::uint16_t port) { return dp::Endpoint{ip, port}; }

// Appends a Pong event to a block, encoded as the Pong service orders it.
void append(wire::EntryBlock& block, const pong::Event& e) {
  std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
  const std::size_t n = e.encode(payload);
  if (!block.append(wire::EntryView{
          wire::kPongService, static_cast<std::uint8_t>(e.kind), {payload.data(), n}})) {
    fail("entry block full");
  }
}

pong::Event open_room(std::uint32_t room, const char* name) {
  auto e = pong::make_event(pong::EventKind::kOpenRoom, room);
  e.name.assign(name);
  return e;
}
pong::Event join(std::uint32_t room, std::uint8_t slot, std::uint64_t client_id) {
  auto e = pong::make_event(pong::EventKind::kJoin, room);
  e.slot = slot;
  e.client_id = client_id;
  e.client = ep(0x7f020001u + static_cast<std::uint32_t>(client_id), 40000);
  return e;
}
pong::Event input(std::uint32_t room, std::uint8_t slot, std::int8_t direction) {
  auto e = pong::make_event(pong::EventKind::kInput, room);
  e.slot = slot;
  e.direction = direction;
  return e;
}

// The events of a room opened with two seated players and `ticks` ticks of play.
std::vector<pong::Event> room_events(std::uint32_t room, int ticks) {
  std::vector<pong::Event> events{open_room(room, room % 2 ? "lobby" : ""),
                                  join(room, 0, 100u + 2 * room), join(room, 1, 101u + 2 * room)};
  for (int i = 0; i < ticks; ++i) {
    events.push_back(
        input(room, static_cast<std::uint8_t>(i % 2), static_cast<std::int8_t>((i % 3) - 1)));
    events.push_back(pong::make_event(pong::EventKind::kTick, room));
  }
  return events;
}

// A book with `rooms` rooms, each with two seated players and some play.
pong::RoomBook sample_book(int ticks, std::uint32_t rooms = 1) {
  pong::RoomBook book(3);
  for (std::uint32_t room = 1; room <= rooms; ++room) {
    for (const pong::Event& e : room_events(room, ticks)) {
      if (!book.apply(e).ok()) fail("sample book: event refused");
    }
  }
  return book;
}

// The log's composite snapshot (what a follower installs) of the same rooms.
Bytes registry_snapshot(int ticks, std::uint32_t rooms = 1) {
  dp::ServiceRegistry registry(pong::pong_services(pong::PongConfig{3}));
  for (std::uint32_t room = 1; room <= rooms; ++room) {
    for (const pong::Event& e : room_events(room, ticks)) {
      std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
      const std::size_t n = e.encode(payload);
      if (!registry
               .apply(wire::EntryView{
                   wire::kPongService, static_cast<std::uint8_t>(e.kind), {payload.data(), n}})
               .ok()) {
        fail("registry snapshot: entry refused");
      }
    }
  }
  Bytes bytes;
  registry.save_snapshot(bytes);
  return bytes;
}

void wire_corpus(const fs::path& dir) {
  using namespace dp::wire;
  DiscoverRequest dr;
  dr.asker_role = 0;
  dr.control = ep(0x7f010001, 50010);
  dr.client = ep(0x7f010001, 50020);
  write_file(dir, "discover_request", datagram(dr, kLeader, dp::Epoch{}));
  DiscoverResponse dres;
  dres.role = 2;
  dres.control = ep(0x7f010002, 50010);
  dres.leader_client = ep(0x7f010003, 50020);
  dres.identity.push_back(dp::Epoch{1, dp::NodeId{3, 4}});
  write_file(dir, "discover_response", datagram(dres));
  Heartbeat hb;
  hb.role = 2;
  hb.applied_seq = 41;
  hb.commit_seq = 40;
  hb.hears.push_back(dp::NodeId{1, 2});
  hb.hears.push_back(dp::NodeId{3, 4});
  hb.servers_known = 3;
  hb.synced_epoch = dp::Epoch{2, dp::NodeId{3, 4}};
  hb.standing = 1;
  write_file(dir, "heartbeat", datagram(hb));
  write_file(dir, "election", datagram(Election{}, 4));
  Answer answer;
  answer.has_leader = 1;
  write_file(dir, "answer", datagram(answer));
  write_file(dir, "coordinator", datagram(Coordinator{}, 5));
  write_file(dir, "resign", datagram(Resign{}, 5));

  // Every Pong event kind in one block.
  Replicate rep;
  rep.first_seq = 10;
  rep.commit_seq = 9;
  append(rep.entries, open_room(1, "room-a"));
  append(rep.entries, join(1, 1, 77));
  append(rep.entries, pong::make_event(pong::EventKind::kLeave, 1));
  append(rep.entries, input(1, 1, -1));
  append(rep.entries, pong::make_event(pong::EventKind::kTick, 1));
  auto point = pong::make_event(pong::EventKind::kPoint, 1);
  point.score = pong::Score{2, 1};
  append(rep.entries, point);
  auto over = pong::make_event(pong::EventKind::kMatchOver, 1);
  over.slot = 1;
  over.score = pong::Score{2, 3};
  append(rep.entries, over);
  append(rep.entries, pong::make_event(pong::EventKind::kClose, 1));
  write_file(dir, "replicate", datagram(rep));
  // Entries of another service, with both length forms and the largest payload.
  Replicate other;
  other.first_seq = 200;
  other.commit_seq = 150;
  Bytes payload(kMaxEntryPayload);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 31);
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{0x80}, kMaxEntryPayload}) {
    if (!other.entries.append(
            EntryView{9, static_cast<std::uint8_t>(n & 0xff), {payload.data(), n}})) {
      fail("other-service block full");
    }
  }
  write_file(dir, "replicate_other_service", datagram(other));
  // A full batch of ticks and inputs, as a busy leader sends.
  Replicate full;
  full.first_seq = 5000;
  full.commit_seq = 4990;
  for (std::uint32_t i = 0;; ++i) {
    const pong::Event e = i % 4 == 0 ? input(i, static_cast<std::uint8_t>(i & 1), 1)
                                     : pong::make_event(pong::EventKind::kTick, i);
    std::array<std::uint8_t, pong::Event::kMaxPayload> p{};
    const std::size_t n = e.encode(p);
    if (!full.entries.append(
            EntryView{kPongService, static_cast<std::uint8_t>(e.kind), {p.data(), n}})) {
      break;
    }
  }
  write_file(dir, "replicate_full", datagram(full));

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
  Join j;
  j.client_id = 5;
  j.room_name.assign("lobby");
  write_file(dir, "join", datagram(j, kPlayer, dp::Epoch{}));
  Input in;
  in.client_id = 5;
  in.room = 1;
  in.input_seq = 17;
  for (int d : {1, 1, 0, -1}) in.recent.push_back(static_cast<std::int8_t>(d));
  write_file(dir, "input", datagram(in, kPlayer, dp::Epoch{}));
  RoomState rs;
  rs.room = 1;
  rs.seq = 30;
  rs.name.assign("lobby");
  rs.phase = 1;
  rs.target_score = 5;
  rs.score_left = 2;
  rs.ball_x = 100 * 256;
  rs.ball_vx = -3 * 256;
  rs.leader_control = ep(0x7f010003, 50010);
  write_file(dir, "room_state", datagram(rs));
  LeaderboardState board;
  board.room = 1;
  board.result = 4;
  board.you.name.assign("ada");
  board.you.matches = 4;
  board.you.wins = 3;
  board.you.best = 5;
  board.top.push_back(board.you);
  write_file(dir, "leaderboard_state", datagram(board));
  Leave leave;
  leave.client_id = 5;
  leave.room = 1;
  write_file(dir, "leave", datagram(leave, kPlayer, dp::Epoch{}));
}

void snapshot_corpus(const fs::path& dir) {
  for (int ticks : {0, 3, 40}) {
    Bytes bytes;
    sample_book(ticks).save_snapshot(bytes);
    write_file(dir, "book_" + std::to_string(ticks), bytes);
  }
  Bytes three_rooms;
  sample_book(10, 3).save_snapshot(three_rooms);
  write_file(dir, "book_3_rooms", three_rooms);
  Bytes empty;
  pong::RoomBook().save_snapshot(empty);
  write_file(dir, "book_empty", empty);
}

// Records as the assembler target reads them: [u16 LE length][datagram].
void append_record(Bytes& out, const Bytes& d) {
  out.push_back(static_cast<std::uint8_t>(d.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(d.size() >> 8));
  out.insert(out.end(), d.begin(), d.end());
}

void assembler_corpus(const fs::path& dir) {
  // A real composite snapshot larger than two chunks, so transfers have several chunks and a
  // completed one installs.
  std::uint32_t rooms = 1;
  Bytes state = registry_snapshot(5, rooms);
  while (state.size() <= 2 * wire::kSnapshotChunkBytes) state = registry_snapshot(5, ++rooms);
  {
    dp::ServiceRegistry check(pong::pong_services(pong::PongConfig{3}));
    if (!check.load_snapshot(state)) fail("assembler seed: the snapshot does not install");
  }
  std::vector<Bytes> chunks;
  wire::Snapshot chunk;
  dp::for_each_snapshot_chunk(state, 9, 120, chunk,
                              [&](const wire::Snapshot& c) { chunks.push_back(datagram(c)); });
  Bytes in_order, reversed, duplicated, restarted;
  for (const Bytes& c : chunks) append_record(in_order, c);
  for (auto it = chunks.rbegin(); it != chunks.rend(); ++it) append_record(reversed, *it);
  for (const Bytes& c : chunks) {
    append_record(duplicated, c);
    append_record(duplicated, c);
  }
  // A transfer interrupted by a newer one.
  append_record(restarted, chunks[0]);
  const Bytes small = registry_snapshot(3);
  dp::for_each_snapshot_chunk(small, 10, 130, chunk, [&](const wire::Snapshot& c) {
    append_record(restarted, datagram(c));
  });
  write_file(dir, "in_order", in_order);
  write_file(dir, "reversed", reversed);
  write_file(dir, "duplicated", duplicated);
  write_file(dir, "restarted", restarted);
}

// Records as the server target reads them: [u8 channel][u8 step ms][u16 LE length][datagram].
// The target seals a server's datagram itself; `as_is` sends it unsealed (a client's).
void record(Bytes& out, dp::Channel channel, std::uint8_t step_ms, const Bytes& d,
            bool as_is = false) {
  out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(channel) |
                                          (as_is ? dp::fuzz::kAsIs : 0)));
  out.push_back(step_ms);
  out.push_back(static_cast<std::uint8_t>(d.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(d.size() >> 8));
  out.insert(out.end(), d.begin(), d.end());
}

struct Replayed {
  dp::ServerRole role;
  dp::Epoch epoch;
  std::uint64_t applied_seq;
  std::uint64_t commit_seq;
  std::size_t followers;  // Leader: followers the sequencer streams to.
  std::uint64_t snapshots_sent;
  std::uint64_t snapshots_installed;
  std::uint64_t nacks_sent;
  std::size_t rooms;
  std::size_t seated;
  std::uint64_t rejected;
  std::uint64_t apply_errors;
};

// Replays a server seed as the fuzz target does and reports where the node got.
Replayed replay(const Bytes& seed) {
  dp::ServerNode node(dp::fuzz::server_config(), pong::pong_services(pong::PongConfig{}));
  dp::TimeUs now = 0;
  node.start(now);
  node.outbox().clear();
  dp::fuzz::replay(node, now, seed, [](dp::ServerNode& n) { n.outbox().clear(); });
  const auto& book = node.replica().services().find<pong::PongService>()->book();
  std::size_t seated = 0;
  for (const auto& [id, room] : book.rooms()) {
    for (const auto& seat : room.seats) seated += seat.present ? 1 : 0;
  }
  return Replayed{node.role_kind(),
                  node.epoch(),
                  node.replica().applied_seq(),
                  node.replica().commit_seq(),
                  node.replica().sequencer().followers().size(),
                  node.replica().stats().snapshots_sent,
                  node.replica().stats().snapshots_installed,
                  node.replica().stats().nacks_sent,
                  book.rooms().size(),
                  seated,
                  node.stats().datagrams_rejected,
                  node.replica().stats().apply_errors};
}

void print(const char* name, const Replayed& r) {
  auto u = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf(
      "server_datagram/%s: %s epoch %s applied %llu commit %llu followers %zu "
      "snapshots sent %llu installed %llu nacks %llu rooms %zu seated %zu rejected %llu "
      "apply-errors %llu\n",
      name, dp::server_role_name(r.role), r.epoch.str().c_str(), u(r.applied_seq), u(r.commit_seq),
      r.followers, u(r.snapshots_sent), u(r.snapshots_installed), u(r.nacks_sent), r.rooms,
      r.seated, u(r.rejected), u(r.apply_errors));
}

void server_corpus(const fs::path& dir) {
  using namespace dp::wire;
  using dp::Channel;
  const dp::Endpoint peer = dp::fuzz::kPeer;
  const std::uint64_t term = 9;
  const dp::Epoch leader_epoch{term, kLeader};

  // The server follows a leader: the leader announces itself, heartbeats, streams entries (the
  // server is not synced and NACKs for a snapshot), sends the snapshot, streams on from it,
  // and skips ahead (a gap: the server NACKs it).
  Bytes follower;
  Coordinator coord;
  coord.control = peer;
  coord.client = ep(peer.ip, 50020);
  record(follower, Channel::kControl, 200, datagram(coord, term));
  Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(Role::kLeader);
  hb.control = peer;
  hb.client = coord.client;
  hb.servers_known = 2;
  hb.hears.push_back(dp::fuzz::kServerId);
  record(follower, Channel::kControl, 40, datagram(hb, term));
  Replicate rep;
  rep.first_seq = 1;
  rep.commit_seq = 0;
  for (const pong::Event& e : room_events(1, 1)) append(rep.entries, e);
  record(follower, Channel::kControl, 5, datagram(rep, term));
  const std::uint64_t snapshot_seq = 20;
  const Bytes state = registry_snapshot(3);
  Snapshot snap;
  dp::for_each_snapshot_chunk(state, 4, snapshot_seq, snap, [&](const Snapshot& c) {
    record(follower, Channel::kControl, 1, datagram(c, term));
  });
  rep.entries.clear();
  rep.first_seq = snapshot_seq + 1;
  rep.commit_seq = snapshot_seq;
  append(rep.entries, input(1, 0, 1));
  append(rep.entries, pong::make_event(pong::EventKind::kTick, 1));
  append(rep.entries, input(1, 1, -1));
  append(rep.entries, pong::make_event(pong::EventKind::kTick, 1));
  record(follower, Channel::kControl, 16, datagram(rep, term));
  record(follower, Channel::kControl, 10, datagram(hb, term));
  rep.first_seq = snapshot_seq + 10;  // A gap: the follower must NACK.
  record(follower, Channel::kControl, 16, datagram(rep, term));
  write_file(dir, "follower", follower);
  const Replayed f = replay(follower);
  print("follower", f);
  if (f.role != dp::ServerRole::kFollowing || f.epoch != leader_epoch ||
      f.snapshots_installed != 1 || f.applied_seq != snapshot_seq + 4 || f.rooms != 1 ||
      f.seated != 2 || f.nacks_sent < 2 || f.rejected != 0 || f.apply_errors != 0) {
    fail("the follower seed does not reach the state it was written for");
  }

  // The server leads a cluster of its own: a client discovers it, joins, plays and leaves;
  // replication messages from no follower of its epoch, and a client's message on the
  // control socket, are refused.
  Bytes leader;
  // A client's request is padded (so it may be answered) and unsigned.
  DiscoverRequest dr = client_discover_request(peer);
  record(leader, Channel::kDiscovery, 10, datagram(dr, kPlayer, dp::Epoch{}), true);
  Join jn;
  jn.client_id = 42;
  record(leader, Channel::kClient, 250, datagram(jn, kPlayer, dp::Epoch{}));
  Input in;
  in.client_id = 42;
  in.room = 1;
  in.input_seq = 1;
  in.recent.push_back(1);
  record(leader, Channel::kClient, 20, datagram(in, kPlayer, dp::Epoch{}));
  jn.client_id = 43;
  record(leader, Channel::kClient, 20, datagram(jn, kPlayer, dp::Epoch{}));
  in.client_id = 43;
  in.input_seq = 2;
  in.recent.push_back(-1);
  record(leader, Channel::kClient, 20, datagram(in, kPlayer, dp::Epoch{}));
  record(leader, Channel::kControl, 20, datagram(in, kPlayer, dp::Epoch{}));  // Wrong socket.
  const dp::Epoch own_epoch{1, dp::fuzz::kServerId};
  Ack ack;
  ack.applied_seq = 3;
  record(leader, Channel::kControl, 20, datagram(ack, kFollower, own_epoch));
  Nack nack;
  nack.from_seq = 1;
  nack.to_seq = 2;
  record(leader, Channel::kControl, 20, datagram(nack, kFollower, own_epoch));
  Leave lv;
  lv.client_id = 42;
  lv.room = 1;
  record(leader, Channel::kClient, 40, datagram(lv, kPlayer, dp::Epoch{}));
  // The next datagram comes after a few ticks, in which the leave is played.
  in.input_seq = 3;
  record(leader, Channel::kClient, 40, datagram(in, kPlayer, dp::Epoch{}));
  write_file(dir, "leader", leader);
  const Replayed l = replay(leader);
  print("leader", l);
  if (l.role != dp::ServerRole::kLeading || l.epoch != own_epoch || l.rooms != 1 ||
      l.applied_seq < 4 || l.rejected != 1) {
    fail("the leader seed does not reach the state it was written for");
  }

  // The server leads, and a follower joins its epoch: it reports, gets a snapshot (it asks
  // for one), ACKs the stream, and NACKs a gap, while a client plays.
  Bytes with_follower;
  dr.asker_role = static_cast<std::uint8_t>(Role::kFollower);
  dr.padding.clear();
  dr.control = peer;
  dr.client = ep(peer.ip, 50020);
  record(with_follower, Channel::kDiscovery, 10, datagram(dr, kFollower, dp::Epoch{}));
  jn.client_id = 42;
  record(with_follower, Channel::kClient, 250, datagram(jn, kPlayer, dp::Epoch{}));
  Heartbeat fhb;
  fhb.role = static_cast<std::uint8_t>(Role::kFollower);
  fhb.control = peer;
  fhb.client = dr.client;
  for (int i = 0; i < 3; ++i) {
    record(with_follower, Channel::kControl, 20, datagram(fhb, kFollower, own_epoch));
  }
  nack.from_seq = 1;
  nack.to_seq = 1;
  nack.want_snapshot = 1;
  record(with_follower, Channel::kControl, 5, datagram(nack, kFollower, own_epoch));
  jn.client_id = 43;
  record(with_follower, Channel::kClient, 5, datagram(jn, kPlayer, dp::Epoch{}));
  for (std::uint64_t seq : {2u, 4u, 8u}) {
    ack.applied_seq = seq;
    record(with_follower, Channel::kControl, 20, datagram(ack, kFollower, own_epoch));
    fhb.applied_seq = seq;
    fhb.synced_epoch = own_epoch;
    record(with_follower, Channel::kControl, 5, datagram(fhb, kFollower, own_epoch));
  }
  nack.from_seq = 9;
  nack.to_seq = 12;
  nack.want_snapshot = 0;
  record(with_follower, Channel::kControl, 5, datagram(nack, kFollower, own_epoch));
  write_file(dir, "leader_with_follower", with_follower);
  const Replayed w = replay(with_follower);
  print("leader_with_follower", w);
  if (w.role != dp::ServerRole::kLeading || w.epoch != own_epoch || w.rooms != 1 || w.seated != 2 ||
      w.rejected != 0) {
    fail("the leader_with_follower seed does not reach the state it was written for");
  }
}

void chat_wire_corpus(const fs::path& dir) {
  using namespace dp::wire;
  ChatSend send;
  send.client_id = 42;
  send.msg_id = 2;
  send.acked = 1;
  send.channel.assign("lobby");
  send.name.assign("ada");
  send.text.assign("h\xc3\xa9llo \xe2\x9c\x93");  // Multi-byte UTF-8.
  write_file(dir, "chat_send", datagram(send, kPlayer, dp::Epoch{}));
  ChatAck ack;
  ack.client_id = 42;
  ack.through = 2;
  write_file(dir, "chat_ack", datagram(ack));
  ack.status = ChatAck::kRateLimited;
  ack.msg_id = 3;
  ack.retry_after_ms = 50;
  write_file(dir, "chat_ack_limited", datagram(ack));
  ChatSubscribe sub;
  sub.client_id = 42;
  sub.channel.assign("pong:finals");
  sub.fresh = 1;
  write_file(dir, "chat_subscribe", datagram(sub, kPlayer, dp::Epoch{}));
  ChatHistory page;
  page.client_id = 42;
  page.channel.assign("lobby");
  page.before = 120;
  write_file(dir, "chat_history", datagram(page, kPlayer, dp::Epoch{}));
  ChatLines lines;
  lines.channel.assign("lobby");
  lines.head = 7;
  lines.first = 1;
  lines.start = 4;
  for (std::uint64_t n = 5; n <= 7; ++n) {
    ChatLine line;
    line.n = n;
    line.client_id = 42;
    line.msg_id = static_cast<std::uint32_t>(n);
    line.name.assign("ada");
    line.text.assign(std::string(280, 'x'));  // The longest lines: three fill a datagram.
    lines.lines.push_back(line);
  }
  write_file(dir, "chat_lines", datagram(lines));
}

// Replays a chat server seed as the chat_server target does: the chat book's line count.
struct ChatReplayed {
  dp::ServerRole role;
  std::size_t lines;
  std::uint64_t rejected;
  std::uint64_t apply_errors;
};

ChatReplayed replay_chat(const Bytes& seed) {
  dp::ServerNode node(dp::fuzz::server_config(), dp::chat::chat_services());
  dp::TimeUs now = 0;
  node.start(now);
  node.outbox().clear();
  dp::fuzz::replay(node, now, seed, [](dp::ServerNode& n) { n.outbox().clear(); });
  return ChatReplayed{node.role_kind(),
                      node.replica().services().find<dp::chat::ChatService>()->book().line_count(),
                      node.stats().datagrams_rejected, node.replica().stats().apply_errors};
}

void append_post(wire::EntryBlock& block, std::uint64_t client, std::uint32_t msg,
                 const char* text) {
  dp::chat::Post post;
  post.client_id = client;
  post.msg_id = msg;
  post.channel.assign("lobby");
  post.name.assign("ada");
  post.text.assign(text);
  Bytes payload;
  post.encode(payload);
  if (!block.append(wire::EntryView{
          wire::kChatService, static_cast<std::uint8_t>(dp::chat::EntryKind::kPost), payload})) {
    fail("entry block full");
  }
}

void chat_server_corpus(const fs::path& dir) {
  using namespace dp::wire;
  using dp::Channel;
  const dp::Endpoint peer = dp::fuzz::kPeer;

  // A chat server leads a cluster of its own: a client subscribes, sends three messages (the
  // third before the second), resends the first, asks for a page, and sends a leader's
  // message the wrong way (refused).
  Bytes leader;
  // A client's request is padded (so it may be answered) and unsigned.
  DiscoverRequest dr = client_discover_request(peer);
  record(leader, Channel::kDiscovery, 10, datagram(dr, kPlayer, dp::Epoch{}), true);
  ChatSubscribe sub;
  sub.client_id = 42;
  sub.channel.assign("lobby");
  sub.fresh = 1;
  record(leader, Channel::kClient, 250, datagram(sub, kPlayer, dp::Epoch{}));
  ChatSend send;
  send.client_id = 42;
  send.channel.assign("lobby");
  send.name.assign("ada");
  for (std::uint32_t msg : {1u, 3u, 2u, 1u}) {
    send.msg_id = msg;
    send.text.assign("message " + std::to_string(msg));
    record(leader, Channel::kClient, 5, datagram(send, kPlayer, dp::Epoch{}));
  }
  ChatHistory page;
  page.client_id = 42;
  page.channel.assign("lobby");
  page.before = 3;
  record(leader, Channel::kClient, 40, datagram(page, kPlayer, dp::Epoch{}));
  ChatAck wrong;
  wrong.client_id = 42;
  wrong.through = 9;
  record(leader, Channel::kClient, 20, datagram(wrong, kPlayer, dp::Epoch{}));
  write_file(dir, "leader", leader);
  const ChatReplayed l = replay_chat(leader);
  std::printf("chat_server/leader: %s lines %zu rejected %llu apply-errors %llu\n",
              dp::server_role_name(l.role), l.lines, static_cast<unsigned long long>(l.rejected),
              static_cast<unsigned long long>(l.apply_errors));
  if (l.role != dp::ServerRole::kLeading || l.lines != 3 || l.rejected != 1 ||
      l.apply_errors != 0) {
    fail("the chat leader seed does not reach the state it was written for");
  }

  // A chat server follows a leader that streams posts, installing a snapshot on the way.
  const std::uint64_t term = 9;
  Bytes follower;
  Coordinator coord;
  coord.control = peer;
  coord.client = ep(peer.ip, 50021);
  record(follower, Channel::kControl, 200, datagram(coord, term));
  Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(Role::kLeader);
  hb.control = peer;
  hb.client = coord.client;
  hb.servers_known = 2;
  hb.hears.push_back(dp::fuzz::kServerId);
  record(follower, Channel::kControl, 40, datagram(hb, term));
  // The server is not synced: it asks for a snapshot (two posts in), then the stream goes on.
  Replicate rep;
  rep.first_seq = 1;
  rep.commit_seq = 0;
  append_post(rep.entries, 42, 1, "one");
  record(follower, Channel::kControl, 5, datagram(rep, term));
  dp::ServiceRegistry registry(dp::chat::chat_services());
  rep.entries.clear();
  append_post(rep.entries, 42, 1, "one");
  append_post(rep.entries, 42, 2, "two");
  for (const wire::EntryView& e : rep.entries) {
    if (!registry.apply(e).ok()) fail("chat registry snapshot: entry refused");
  }
  Bytes state;
  registry.save_snapshot(state);
  Snapshot snap;
  dp::for_each_snapshot_chunk(state, 5, 2, snap, [&](const Snapshot& c) {
    record(follower, Channel::kControl, 1, datagram(c, term));
  });
  rep.entries.clear();
  rep.first_seq = 3;
  rep.commit_seq = 2;
  append_post(rep.entries, 43, 1, "\xe2\x9c\x93");
  append_post(rep.entries, 42, 3, "three");
  record(follower, Channel::kControl, 16, datagram(rep, term));
  record(follower, Channel::kControl, 40, datagram(hb, term));
  write_file(dir, "follower", follower);
  const ChatReplayed f = replay_chat(follower);
  std::printf("chat_server/follower: %s lines %zu rejected %llu apply-errors %llu\n",
              dp::server_role_name(f.role), f.lines, static_cast<unsigned long long>(f.rejected),
              static_cast<unsigned long long>(f.apply_errors));
  if (f.role != dp::ServerRole::kFollowing || f.lines != 4 || f.rejected != 0 ||
      f.apply_errors != 0) {
    fail("the chat follower seed does not reach the state it was written for");
  }
}

// Records as the auth target reads them: [u8 op][u8 step ms][u8 arg0][u8 arg1][u16 LE
// length][message]; the target seals the message as `seal` says.
void auth_record(Bytes& out, dp::Channel channel, dp::fuzz::auth::Seal seal, std::uint8_t step_ms,
                 const Bytes& message, std::uint8_t arg0 = 0, std::uint8_t arg1 = 0) {
  out.push_back(static_cast<std::uint8_t>(static_cast<std::uint8_t>(seal) |
                                          (static_cast<std::uint8_t>(channel) << 4)));
  out.push_back(step_ms);
  out.push_back(arg0);
  out.push_back(arg1);
  out.push_back(static_cast<std::uint8_t>(message.size() & 0xff));
  out.push_back(static_cast<std::uint8_t>(message.size() >> 8));
  out.insert(out.end(), message.begin(), message.end());
}

dp::fuzz::auth::Summary replay_auth(const Bytes& seed) {
  return dp::fuzz::auth::run(seed.data(), seed.size(),
                             [](dp::ServerNode& n) { n.outbox().clear(); });
}

void print_auth(const char* name, const dp::fuzz::auth::Summary& r) {
  std::printf("auth/%s: %s epoch %s highest_term %llu rejected %llu (%s)\n", name,
              dp::server_role_name(r.role), r.epoch.str().c_str(),
              static_cast<unsigned long long>(r.highest_term),
              static_cast<unsigned long long>(r.stats.datagrams_rejected),
              [&] {
                std::string out;
                for (std::size_t e = 1; e < r.stats.rejected_by_error.size(); ++e) {
                  if (r.stats.rejected_by_error[e] == 0) continue;
                  out += std::string(out.empty() ? "" : " ") +
                         wire::decode_error_name(static_cast<wire::DecodeError>(e)) + "=" +
                         std::to_string(r.stats.rejected_by_error[e]);
                }
                return out;
              }()
                  .c_str());
}

void auth_corpus(const fs::path& dir) {
  using namespace dp::wire;
  using dp::Channel;
  using Seal = dp::fuzz::auth::Seal;
  namespace auth = dp::fuzz::auth;
  const auto refused = [](const auth::Summary& r, DecodeError e) {
    return r.stats.rejected_by_error[static_cast<std::size_t>(e)];
  };
  const dp::Endpoint peer = dp::fuzz::kPeer;
  const std::uint64_t term = 9;
  Coordinator coord;
  coord.control = peer;
  coord.client = ep(peer.ip, 50020);
  Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(Role::kLeader);
  hb.control = peer;
  hb.client = coord.client;
  hb.servers_known = 2;
  hb.hears.push_back(dp::fuzz::kServerId);
  Replicate rep;
  rep.first_seq = 1;
  rep.commit_seq = 0;
  for (const pong::Event& e : room_events(1, 1)) append(rep.entries, e);
  // A usurper's claim, far ahead: what an attacker would like the cluster to follow.
  const dp::NodeId usurper{0xffff'ffff'ffff'ffffull, 0xffff'ffff'ffff'ffffull};
  const Bytes forged = datagram(Coordinator{coord}, usurper, dp::Epoch{1'000'000'000, usurper});

  // A member leads, signing with the cluster key: the server follows it; copies, old boots,
  // a zero counter, and every kind of forgery change nothing. The leader restarts (a newer
  // boot) and goes on, with counters that jump ahead and a late datagram inside the window.
  Bytes leader;
  auth_record(leader, Channel::kControl, Seal::kSigned, 200, datagram(coord, term));
  auth_record(leader, Channel::kControl, Seal::kSigned, 40, datagram(hb, term));
  auth_record(leader, Channel::kControl, Seal::kReplay, 5, {}, 0);
  auth_record(leader, Channel::kControl, Seal::kSignedPrevious, 5, datagram(rep, term));
  auth_record(leader, Channel::kControl, Seal::kCounterAhead, 5, datagram(hb, term), 40);
  auth_record(leader, Channel::kControl, Seal::kCounterBehind, 5, datagram(hb, term), 3);
  auth_record(leader, Channel::kControl, Seal::kCounterBehind, 5, datagram(hb, term), 0, 2);
  // The window's edge: 63 behind the newest is still fresh, 64 is not.
  auth_record(leader, Channel::kControl, Seal::kCounterBehind, 5, datagram(hb, term), 1, 1);
  auth_record(leader, Channel::kControl, Seal::kCounterBehind, 5, datagram(hb, term), 2, 1);
  auth_record(leader, Channel::kControl, Seal::kOldBoot, 5, datagram(hb, term), 0, 7);
  auth_record(leader, Channel::kControl, Seal::kCounterZero, 5, datagram(hb, term));
  auth_record(leader, Channel::kControl, Seal::kWrongKey, 5, forged, 1);
  auth_record(leader, Channel::kControl, Seal::kWrongKey, 5, forged, 0);
  auth_record(leader, Channel::kControl, Seal::kBitFlip, 5, forged, 200, 1);
  auth_record(leader, Channel::kControl, Seal::kTruncated, 5, forged, 17);
  auth_record(leader, Channel::kControl, Seal::kWrongSlot, 5, forged, 0);
  auth_record(leader, Channel::kControl, Seal::kWrongSlot, 5, forged, 9);
  auth_record(leader, Channel::kControl, Seal::kWrongMode, 5, forged);
  auth_record(leader, Channel::kControl, Seal::kKeyless, 5, forged);
  auth_record(leader, Channel::kControl, Seal::kUnsealed, 5, forged);
  auth_record(leader, Channel::kDiscovery, Seal::kUnsealed, 5, forged);
  auth_record(leader, Channel::kControl, Seal::kNewBoot, 20, datagram(hb, term), 3);
  auth_record(leader, Channel::kControl, Seal::kSigned, 20, datagram(hb, term));
  auth_record(leader, Channel::kControl, Seal::kReplay, 5, {}, 1);
  write_file(dir, "leader", leader);
  const auth::Summary l = replay_auth(leader);
  print_auth("leader", l);
  if (l.role != dp::ServerRole::kFollowing || l.epoch != dp::Epoch{term, kLeader} ||
      l.highest_term != term || refused(l, DecodeError::kReplayed) != 6 ||
      refused(l, DecodeError::kBadTag) != 5 || refused(l, DecodeError::kForeignMode) != 1 ||
      refused(l, DecodeError::kUnsigned) != 3 || refused(l, DecodeError::kWrongChannel) != 1) {
    fail("the auth leader seed does not reach the state it was written for");
  }

  // A member signs a claim 2^21 terms ahead (the server is at term 1, its own): the tag
  // checks, the term bound refuses it; then a wrong-key election and a keyless pre-vote.
  Bytes jump;
  auth_record(jump, Channel::kControl, Seal::kSigned, 200,
              datagram(coord, kLeader, dp::Epoch{1u << 21, kLeader}));
  auth_record(jump, Channel::kControl, Seal::kWrongKey, 5,
              datagram(Election{}, usurper, dp::Epoch{5, usurper}));
  PreVote pv;
  pv.control = peer;
  auth_record(jump, Channel::kControl, Seal::kKeyless, 5, datagram(pv, kFollower, dp::Epoch{}));
  write_file(dir, "term_jump", jump);
  const auth::Summary j = replay_auth(jump);
  print_auth("term_jump", j);
  if (j.epoch.term > 1 || j.highest_term > 1 || refused(j, DecodeError::kTermJump) != 1 ||
      refused(j, DecodeError::kBadTag) != 1 || refused(j, DecodeError::kUnsigned) != 1) {
    fail("the auth term_jump seed does not reach the state it was written for");
  }
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
  chat_wire_corpus(root / "wire_decode");
  chat_server_corpus(root / "chat_server");
  auth_corpus(root / "auth");
  return 0;
}
