// Test helpers for driving LogReplicas by hand: what a replica sent (decoded), Pong events as
// generic log entries, and a leader carrying Pong with one follower whose messages the test
// plays itself.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/common/outbox.h"
#include "core/replication/log_replica.h"
#include "core/services/pong/event.h"
#include "core/wire/codec.h"
#include "tests/support/pong_replica.h"

namespace dp::testing {

struct Sent {
  Endpoint to;
  wire::Decoded message;
};

// Decodes and clears everything `out` holds.
inline std::vector<Sent> drain(Outbox& out) {
  std::vector<Sent> sent;
  for (const auto& d : out.datagrams()) {
    auto decoded = wire::decode(out.bytes(d));
    EXPECT_TRUE(decoded.ok());
    if (decoded.ok()) sent.push_back({d.to, *decoded});
  }
  out.clear();
  return sent;
}

// The messages sent to `to`, in order (everything else is dropped with them).
inline std::vector<wire::Decoded> drain_to(Outbox& out, Endpoint to) {
  std::vector<wire::Decoded> result;
  for (Sent& s : drain(out)) {
    if (s.to == to) result.push_back(s.message);
  }
  return result;
}

// The RoomStates among `messages`.
inline std::vector<wire::RoomState> room_states(const std::vector<wire::Decoded>& messages) {
  std::vector<wire::RoomState> states;
  for (const auto& m : messages) {
    if (const auto* st = std::get_if<wire::RoomState>(&m.body)) states.push_back(*st);
  }
  return states;
}

inline bool sent_type(const std::vector<wire::Decoded>& messages, wire::MsgType type) {
  for (const auto& m : messages) {
    if (m.header.type == type) return true;
  }
  return false;
}

// A pong::Event encoded as the leader orders it: a log entry of the Pong service.
class PongEntry {
 public:
  explicit PongEntry(const pong::Event& event)
      : kind_(static_cast<std::uint8_t>(event.kind)), size_(event.encode(bytes_)) {}
  wire::EntryView view() const { return {wire::kPongService, kind_, {bytes_.data(), size_}}; }

 private:
  std::array<std::uint8_t, pong::Event::kMaxPayload> bytes_{};
  std::uint8_t kind_;
  std::size_t size_;
};

inline void append(wire::Replicate& batch, const pong::Event& event) {
  EXPECT_TRUE(batch.entries.append(PongEntry(event).view()));
}

inline pong::Event join_event(std::uint32_t room, std::uint8_t slot, std::uint64_t client_id) {
  pong::Event e = pong::make_event(pong::EventKind::kJoin, room);
  e.slot = slot;
  e.client_id = client_id;
  e.client = Endpoint{0x0a000001u, static_cast<std::uint16_t>(5000 + client_id)};
  return e;
}

// A leader carrying Pong, with one follower (a cluster of two: an entry commits once the
// follower ACKs it) whose side the test plays.
class PongLeader {
 public:
  static constexpr NodeId kSelf{9, 0};
  static constexpr NodeId kFollower{5, 0};
  static constexpr Endpoint kFollowerControl{0x7f010005, 50010};
  static constexpr Epoch kEpoch{3, kSelf};

  explicit PongLeader(const pong::PongConfig& pong = {}, const ReplicaConfig& config = {})
      : config_(config), replica(make_pong_replica(kSelf, out, config, pong)) {}

  // Recovers (its only follower has reported) and leads; true when the follower was sent a
  // snapshot to start from.
  bool start_with_follower() {
    replica.become_recovering(now, kEpoch);
    replica.set_followers(now, {{kFollower, kFollowerControl}}, 1);
    replica.on_follower_position(now, kFollower, {}, Standing::kFresh);
    // Its only follower has reported: the leader need not wait out the recovery window.
    for (int i = 0; i < 100 && replica.recovering(); ++i) tick();
    EXPECT_TRUE(replica.hosting());
    return sent_type(drain_to(out, kFollowerControl), wire::MsgType::kSnapshot);
  }
  void join(std::uint64_t client_id, Endpoint from, std::string_view room = {}) {
    wire::Join j;
    j.client_id = client_id;
    if (!room.empty()) j.room_name.assign(room);
    EXPECT_FALSE(client_send(replica, now, from, j).has_value());
  }
  void input(std::uint64_t client_id, Endpoint from, std::uint32_t input_seq,
             std::int8_t direction) {
    wire::Input in;
    in.client_id = client_id;
    in.input_seq = input_seq;
    in.recent.push_back(direction);
    EXPECT_FALSE(client_send(replica, now, from, in).has_value());
  }
  void tick() {
    now += config_.tick_interval_us;
    replica.on_tick(now);
  }
  // The follower ACKs everything the leader ordered so far.
  void ack_all() {
    wire::Ack ack;
    ack.applied_seq = replica.applied_seq();
    replica.on_ack(now, kFollower, ack);
  }
  const pong::RoomBook& book() const { return book_of(replica); }

 private:
  ReplicaConfig config_;

 public:
  Outbox out;
  LogReplica replica;
  TimeUs now = 1'000'000;
};

}  // namespace dp::testing
