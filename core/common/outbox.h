// The effects a node step produces, for its driver to carry out: datagrams to send or
// broadcast, observations for logs and traces, and state to persist.
//
// The outbox owns one reusable byte arena; a step appends encoded datagrams to it and the
// driver drains it. After warm-up no step allocates. Both lists are bounded per step
// (kMaxDatagramsPerStep, kMaxEventsPerStep): beyond that an effect is dropped and counted, never
// silently lost, so no input can make one step grow memory without limit.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/common/durable.h"
#include "core/common/node_event.h"
#include "core/common/position.h"
#include "core/common/types.h"

namespace dp {

// State a server keeps across crashes (written to disk on real hosts, kept by the
// simulator across a simulated crash). It stops a restarted node from reusing a term.
struct PersistentState {
  std::uint64_t highest_term = 0;
  // The newest epoch the node led or followed: after a restart it must not adopt an older one.
  Epoch last_epoch;
  // The most other servers this node has known at once: after a restart it does not take
  // itself for a cluster of one (and show scores nobody else holds) before it finds them.
  std::uint32_t peers_known = 0;
  // It replaces a machine whose disk was lost (see Standing::kJoining).
  bool replacement = false;
  auto operator<=>(const PersistentState&) const = default;
};

// One record write of a step (see durable.h): a put of `size` bytes at `offset` in the
// record arena, or an erase.
struct OutRecord {
  RecordKey key;
  bool erase = false;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

struct OutDatagram {
  Channel from = Channel::kControl;  // The socket to send from.
  bool broadcast = false;            // If true, `to.port` is the broadcast port; ip ignored.
  Endpoint to;
  std::uint32_t offset = 0;  // Into the arena.
  std::uint32_t size = 0;
  std::uint8_t kind = 0;  // Message type, for statistics and traces.
};

// Appends an authentication trailer to a datagram a node sends to another server
// (core/security/datagram_auth.h).
class DatagramSealer {
 public:
  virtual ~DatagramSealer() = default;
  // `room` starts with the datagram's `size` bytes; returns its size with the trailer.
  virtual std::size_t seal(std::span<std::uint8_t> room, std::size_t size) = 0;
};

class Outbox final : public RecordSink {
 public:
  // Maximum datagram size in bytes; every encoder writes at most this much (tied to
  // wire::kMaxDatagramSize by a static_assert in core/wire/send.h).
  static constexpr std::size_t kMaxDatagram = 1200;
  // Room a sealer may add after a datagram of up to kMaxDatagram bytes (seal_last()).
  static constexpr std::size_t kMaxSealBytes = 128;
  // A leader tick of 10,000 rooms sends 20,000 client states; a snapshot of the largest
  // state is 8,192 chunks per follower.
  static constexpr std::size_t kMaxDatagramsPerStep = 32768;
  static constexpr std::size_t kMaxEventsPerStep = 4096;
  // A snapshot install rewrites a whole durable state: every room of the largest leader.
  static constexpr std::size_t kMaxRecordsPerStep = 1 << 18;

  Outbox() {
    arena_.reserve(64 * 1024);
    datagrams_.reserve(256);
    events_.reserve(64);
  }

  // Reserves kMaxDatagram bytes at the end of the arena for an encoder to write into.
  // Returns an empty span when the step already holds kMaxDatagramsPerStep datagrams (the
  // encoder then fails and the send is counted in dropped_datagrams()).
  std::span<std::uint8_t> begin_datagram() {
    pending_offset_ = arena_.size();
    if (datagrams_.size() >= kMaxDatagramsPerStep) {
      ++dropped_datagrams_;
      return {};
    }
    arena_.resize(pending_offset_ + kMaxDatagram);
    return {arena_.data() + pending_offset_, kMaxDatagram};
  }
  // Commits `size` bytes written after begin_datagram().
  void commit_datagram(Channel from, bool broadcast, Endpoint to, std::size_t size,
                       std::uint8_t kind) {
    arena_.resize(pending_offset_ + size);
    datagrams_.push_back(OutDatagram{from, broadcast, to,
                                     static_cast<std::uint32_t>(pending_offset_),
                                     static_cast<std::uint32_t>(size), kind});
  }
  void abort_datagram() { arena_.resize(pending_offset_); }
  // Datagrams to other servers are sealed (authenticated) by the node's sealer, if it set one.
  void set_sealer(DatagramSealer* sealer) { sealer_ = sealer; }
  // Takes back the datagram committed last (it ends the arena).
  void drop_last() {
    if (datagrams_.empty()) return;
    arena_.resize(datagrams_.back().offset);
    datagrams_.pop_back();
  }
  // Seals the datagram committed last (it ends the arena).
  void seal_last() {
    if (sealer_ == nullptr || datagrams_.empty()) return;
    OutDatagram& d = datagrams_.back();
    arena_.resize(d.offset + d.size + kMaxSealBytes);
    const std::size_t sealed =
        sealer_->seal({arena_.data() + d.offset, d.size + kMaxSealBytes}, d.size);
    d.size = static_cast<std::uint32_t>(sealed);
    arena_.resize(d.offset + sealed);
  }

  void emit(const NodeEvent& event) {
    if (events_.size() >= kMaxEventsPerStep) {
      ++dropped_events_;
      return;
    }
    events_.push_back(event);
  }
  void persist(const PersistentState& state) { persist_ = state; }

  // Durable state (durable.h). A step that records more than kMaxRecordsPerStep is a bug (the
  // bound is above any state the services can hold), so it asserts rather than drop.
  void put(const RecordKey& key, std::span<const std::uint8_t> value) override;
  void erase(const RecordKey& key) override;
  // The records of this step replace every record on disk (a snapshot was installed).
  void replace_records() {
    records_.clear();
    record_bytes_.clear();
    replace_records_ = true;
  }
  // The last durable entry the step's records reflect.
  void durable_position(const Position& position) { durable_position_ = position; }
  const std::vector<OutRecord>& records() const { return records_; }
  std::span<const std::uint8_t> record_value(const OutRecord& r) const {
    return {record_bytes_.data() + r.offset, r.size};
  }
  bool records_replace() const { return replace_records_; }
  const std::optional<Position>& stored_position() const { return durable_position_; }
  bool has_durable_writes() const {
    return replace_records_ || !records_.empty() || durable_position_.has_value();
  }

  const std::vector<OutDatagram>& datagrams() const { return datagrams_; }
  std::span<const std::uint8_t> bytes(const OutDatagram& d) const {
    return {arena_.data() + d.offset, d.size};
  }
  const std::vector<NodeEvent>& events() const { return events_; }
  const std::optional<PersistentState>& persisted() const { return persist_; }

  // Effects refused because a step hit its bound, since the node started (monotonic).
  std::uint64_t dropped_datagrams() const { return dropped_datagrams_; }
  std::uint64_t dropped_events() const { return dropped_events_; }

  bool empty() const {
    return datagrams_.empty() && events_.empty() && !persist_ && !has_durable_writes();
  }
  void clear() {
    arena_.clear();
    datagrams_.clear();
    events_.clear();
    persist_.reset();
    records_.clear();
    record_bytes_.clear();
    replace_records_ = false;
    durable_position_.reset();
  }

 private:
  std::vector<std::uint8_t> arena_;
  std::size_t pending_offset_ = 0;
  std::vector<OutDatagram> datagrams_;
  std::vector<NodeEvent> events_;
  std::optional<PersistentState> persist_;
  std::vector<OutRecord> records_;
  std::vector<std::uint8_t> record_bytes_;
  bool replace_records_ = false;
  std::optional<Position> durable_position_;
  std::uint64_t dropped_datagrams_ = 0;
  std::uint64_t dropped_events_ = 0;
  DatagramSealer* sealer_ = nullptr;
};

}  // namespace dp
