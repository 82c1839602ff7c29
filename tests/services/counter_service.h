// The tests' second service: a replicated counter, built on the generic log exactly as a new
// game or the chat would be (docs/ARCHITECTURE.md walks through it). Nothing in core/ knows
// it exists; it proves the core carries any deterministic state machine.
//
// Entries (service 9): kind 1 "add", payload the amount as u32 little-endian (1..kMaxAdd).
// Client messages (types 100-101): CounterAdd asks the leader to add; CounterValue tells a
// client the counter's value, but only the committed value: an add is shown once the entry
// behind it is on enough servers.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "core/replication/commit_gate.h"
#include "core/replication/service.h"

namespace dp::testing {

constexpr wire::ServiceId kCounterService = 9;

struct CounterAdd {
  static constexpr wire::MsgType kType = static_cast<wire::MsgType>(wire::first_type_of(9));
  std::uint64_t client_id = 0;
  std::uint32_t amount = 0;
  template <class A>
  void serialize(A& ar) {
    ar(client_id, amount);
  }
  bool valid() const { return client_id != 0 && amount >= 1 && amount <= 1000; }
};

struct CounterValue {
  static constexpr wire::MsgType kType = static_cast<wire::MsgType>(wire::first_type_of(9) + 1);
  std::uint64_t value = 0;
  template <class A>
  void serialize(A& ar) {
    ar(value);
  }
  bool valid() const { return true; }
};

struct CounterConfig {
  // The leader adds this much on every tick by itself (0: only clients add).
  std::uint32_t add_per_tick = 1;
};

class CounterService final : public Service {
 public:
  static constexpr wire::ServiceId kServiceId = kCounterService;
  static constexpr std::uint32_t kMaxAdd = 1000;
  static constexpr std::size_t kMaxPending = 256;
  static constexpr std::size_t kMaxClients = 64;
  enum Error : std::uint8_t { kOk = 0, kBadEntry = 1, kOverflow = 2 };

  explicit CounterService(const CounterConfig& config = {}) : config_(config) {}

  wire::ServiceId service_id() const override { return kServiceId; }
  const char* service_name() const override { return "counter"; }

  ApplyStatus apply(const wire::EntryView& entry) override;
  const char* apply_error_name(std::uint8_t error) const override;
  void save_snapshot(std::vector<std::uint8_t>& out) const override;
  bool load_snapshot(std::span<const std::uint8_t> bytes) override;
  std::uint64_t digest() const override;

  void begin_hosting(TimeUs now) override;
  void end_hosting() override;
  std::optional<wire::DecodeError> on_client_datagram(TimeUs now, Endpoint from,
                                                      const wire::Header& header,
                                                      std::span<const std::uint8_t> body) override;
  void plan(TimeUs now, LogWriter& log) override;
  void on_commit(std::uint64_t commit_seq) override;
  void publish(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) override;

  std::uint64_t value() const { return value_; }  // Applied on this replica.
  std::uint64_t shown() const { return shown_; }  // Committed, as clients see it.
  std::uint64_t adds() const { return adds_; }    // Entries applied.
  bool hosting() const { return hosting_; }

 private:
  void order(LogWriter& log, std::uint32_t amount);

  CounterConfig config_;
  std::uint64_t value_ = 0;
  std::uint64_t adds_ = 0;
  // Leader only.
  bool hosting_ = false;
  std::uint64_t shown_ = 0;
  CommitGate<std::uint64_t> gate_;
  std::vector<std::uint32_t> pending_;  // Bounded: kMaxPending.
  std::set<Endpoint> clients_;          // Bounded: kMaxClients.
};

}  // namespace dp::testing
