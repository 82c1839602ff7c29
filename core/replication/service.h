// What the replicated log needs of a service, and what it gives one.
//
// A service is a deterministic replicated state machine (a game's tables, a chat channel, the
// tests' counter). Every replica applies the same entries in the same order; entries are
// checked, never trusted: a bad one is a named error and changes nothing. On the leader the
// service also hosts clients: it turns their requests and the passing of time into entries
// (plan), and sends them their state (publish), showing an effect only once the entries
// behind it are committed (see commit_gate.h).
//
// The log calls, in this order on a leader's tick: plan(), then (after replicating)
// on_commit() whenever the commit point moves, then publish(). begin_hosting() and
// end_hosting() bracket a leadership that serves clients; a replica that follows never hosts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/common/durable.h"
#include "core/common/outbox.h"
#include "core/common/types.h"
#include "core/wire/codec.h"
#include "core/wire/log_entry.h"
#include "core/wire/send.h"

namespace dp {

// How often a server sends its spectators what they watch (20 Hz; players get 60).
constexpr TimeUs kSpectatorIntervalUs = 50 * kUsPerMs;

// How applying one entry went: 0 is success, anything else a service-defined error code
// (named by Service::apply_error_name). The registry adds kUnknownService.
struct ApplyStatus {
  static constexpr std::uint8_t kUnknownService = 0xff;
  std::uint8_t error = 0;
  bool ok() const { return error == 0; }
};

// The log as a leader's service sees it while planning.
class LogWriter {
 public:
  struct Appended {
    std::uint64_t seq = 0;
    ApplyStatus status;
  };
  // Orders `entry` after every entry before it and applies it to this replica at once, so the
  // next plan step sees its effect.
  virtual Appended append(const wire::EntryView& entry) = 0;
  // The epoch this leader orders in.
  virtual Epoch epoch() const = 0;

 protected:
  ~LogWriter() = default;
};

// Sends a service's messages to its clients from the leader's client socket.
struct ClientLink {
  Outbox* outbox = nullptr;
  NodeId self;
  Epoch epoch;
  Endpoint self_control;  // Lets clients log which server leads.

  template <class Msg>
  bool send(Endpoint to, const Msg& msg) const {
    return wire::send_message(*outbox, self, epoch, Channel::kClient, to, msg);
  }
};

// What a service holds, for an operator's status: its groups of clients (a game's tables),
// the members seated in them and the clients that only watch.
struct Occupancy {
  std::uint32_t groups = 0;
  std::uint32_t members = 0;
  std::uint32_t watchers = 0;
};
// For a service whose groups (a map of id to group) count their members (player_count()).
template <class Groups>
Occupancy count_occupancy(const Groups& groups, std::size_t watchers) {
  Occupancy o;
  o.groups = static_cast<std::uint32_t>(groups.size());
  for (const auto& entry : groups)
    o.members += static_cast<std::uint32_t>(entry.second.player_count());
  o.watchers = static_cast<std::uint32_t>(watchers);
  return o;
}

class Service {
 public:
  virtual ~Service() = default;

  virtual wire::ServiceId service_id() const = 0;
  virtual const char* service_name() const = 0;

  // --- The replicated state machine, on every replica ---------------------------------------
  virtual ApplyStatus apply(const wire::EntryView& entry) = 0;
  virtual const char* apply_error_name(std::uint8_t error) const = 0;
  // Appends the canonical encoding of the whole state.
  virtual void save_snapshot(std::vector<std::uint8_t>& out) const = 0;
  // Replaces the state with the decoded bytes, which are untrusted; false (state unchanged)
  // when they do not decode.
  virtual bool load_snapshot(std::span<const std::uint8_t> bytes) = 0;
  // Equal digests mean equal states (up to hash collisions).
  virtual std::uint64_t digest() const = 0;
  // The epoch that founded this replicated state: the cluster's identity, the same on every
  // replica for ever; none if the service keeps none (or has not ordered it yet). Clients
  // use it to tell a cluster rebuilt from empty disks from a stale leader.
  virtual Epoch identity() const { return {}; }
  // Groups, members and watchers, for an operator; a service without them keeps zeros.
  virtual Occupancy occupancy() const { return {}; }

  // --- Durability (core/common/durable.h); a service without durable state keeps these ---
  // Whether `entry` must be on disk before it is acknowledged, and so before its effects are
  // shown. Entries that change every tick should not be: the disk sees only what a player
  // must never lose.
  virtual bool durable(const wire::EntryView& entry) const;
  // After a durable `entry` was applied: write the records it changed (table ids and keys
  // are the service's; the sink adds the service id).
  virtual void write_records(const wire::EntryView& entry, RecordSink& sink) const;
  // Every record of the durable state (a snapshot just replaced the state).
  virtual void write_all_records(RecordSink& sink) const;
  // At start-up: rebuild the durable state from the service's own records, which are
  // untrusted; false (state unchanged) when they do not decode.
  virtual bool load_records(std::span<const StoredRecord> records);

  // --- Hosting clients, on the leader only --------------------------------------------------
  // From now on this replica serves clients from the state it holds, all of it committed.
  virtual void begin_hosting(TimeUs now) = 0;
  // This replica stops serving (it follows, or lost its leader): forget client sessions.
  virtual void end_hosting() = 0;
  // A datagram of this service's family on the client socket, on any replica (a replica
  // that does not host ignores it once decoded). Returns why it was refused, if it was.
  virtual std::optional<wire::DecodeError> on_client_datagram(
      TimeUs now, Endpoint from, const wire::Header& header,
      std::span<const std::uint8_t> body) = 0;
  // Orders this tick's entries.
  virtual void plan(TimeUs now, LogWriter& log) = 0;
  // Entries up to commit_seq are committed: release the effects they hold back.
  virtual void on_commit(std::uint64_t commit_seq) = 0;
  // Sends clients their state; applied_seq is the log position it reflects.
  virtual void publish(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) = 0;

  // --- Spectators, on the replica that serves them -------------------------------------------
  // A follower (or the leader of a one-server cluster) sends its spectators what they watch,
  // from its own replica, every kSpectatorIntervalUs. Never changes the replicated state.
  virtual void serve_spectators(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) {
    (void)now;
    (void)link;
    (void)applied_seq;
  }

  // Where note() reports (the node's outbox); set once by the replica that carries the service.
  void attach(Outbox* outbox) { outbox_ = outbox; }

 protected:
  // Reports one of the service's own observations (a typed ServiceNote).
  template <class T>
  void note(TimeUs now, const T& value) {
    if (outbox_ == nullptr) return;
    NodeEvent event = node_event(now, NodeEventKind::kServiceNote);
    event.note = ServiceNote::of(value);
    outbox_->emit(event);
  }

 private:
  Outbox* outbox_ = nullptr;
};

}  // namespace dp
