// The run's trace digest: every delivered and dropped datagram and every node event, with
// times, fed through one canonical byte stream (sim/digest.h). Same scenario and seed, same
// digest, on every machine.
#pragma once

#include "sim/digest.h"
#include "sim/simulator.h"

namespace dp::sim {

class DigestObserver final : public SimObserver {
 public:
  std::uint64_t value() const { return digest_.value(); }

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override {
    digest_.add_u8(kTagDeliver);
    digest_.add_i64(now);
    digest_.add_i64(t.sent_at);
    digest_.add_u64(t.from_host);
    digest_.add_u64(t.to_host);
    digest_.add_u8(static_cast<std::uint8_t>(t.channel));
    digest_.add_u8(static_cast<std::uint8_t>((t.duplicate ? 1 : 0) | (t.reordered ? 2 : 0)));
    digest_.add_bytes(bytes);
  }
  void on_drop(TimeUs now, const Transit& t, DropReason why) override {
    digest_.add_u8(kTagDrop);
    digest_.add_i64(now);
    digest_.add_i64(t.sent_at);
    digest_.add_u64(t.from_host);
    digest_.add_u64(t.to_host);
    digest_.add_u8(t.kind);
    digest_.add_u8(static_cast<std::uint8_t>(why));
  }
  void on_node_event(HostIndex h, const NodeEvent& e) override {
    digest_.add_u8(kTagNodeEvent);
    digest_.add_u64(h);
    digest_.add_i64(e.at);
    digest_.add_u8(static_cast<std::uint8_t>(e.kind));
    digest_.add_u64(e.peer.hi);
    digest_.add_u64(e.peer.lo);
    digest_.add_u64(e.epoch.term);
    digest_.add_u64(e.epoch.leader.hi);
    digest_.add_u64(e.epoch.leader.lo);
    digest_.add_u64(e.seq);
    digest_.add_u64(e.attempt);
    digest_.add_u8(e.reason);
    digest_.add_u8(static_cast<std::uint8_t>(e.channel));
    if (e.kind == NodeEventKind::kServiceNote) {
      digest_.add_u8(e.note.service);
      digest_.add_u8(e.note.kind);
      digest_.add_bytes({e.note.bytes.data(), e.note.size});
    }
  }
  void on_host_started(TimeUs now, HostIndex h, bool) override {
    digest_.add_u8(kTagStart);
    digest_.add_i64(now);
    digest_.add_u64(h);
  }
  void on_host_crashing(TimeUs now, HostIndex h) override {
    digest_.add_u8(kTagCrash);
    digest_.add_i64(now);
    digest_.add_u64(h);
  }

 private:
  // One tag per kind of thing fed into the canonical stream.
  enum Tag : std::uint8_t {
    kTagDeliver = 1,
    kTagDrop = 2,
    kTagNodeEvent = 3,
    kTagStart = 4,
    kTagCrash = 5,
  };
  Digest digest_;
};

}  // namespace dp::sim
