#include "tests/services/counter_service.h"

#include "core/common/byte_io.h"

namespace dp::testing {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x544e4344;  // "DCNT" read little-endian.

}  // namespace

ApplyStatus CounterService::apply(const wire::EntryView& entry) {
  ByteReader r(entry.payload);
  const auto amount = r.get<std::uint32_t>();
  if (entry.kind != 1 || r.failed() || r.remaining() != 0 || amount == 0 || amount > kMaxAdd) {
    return ApplyStatus{kBadEntry};
  }
  if (value_ + amount < value_) return ApplyStatus{kOverflow};
  value_ += amount;
  ++adds_;
  return ApplyStatus{};
}

const char* CounterService::apply_error_name(std::uint8_t error) const {
  switch (error) {
    case kOk:
      return "ok";
    case kBadEntry:
      return "bad entry";
    case kOverflow:
      return "overflow";
  }
  return "?";
}

void CounterService::save_snapshot(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(kSnapshotMagic);
  w.put(value_);
  w.put(adds_);
}

bool CounterService::load_snapshot(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  const auto magic = r.get<std::uint32_t>();
  const auto value = r.get<std::uint64_t>();
  const auto adds = r.get<std::uint64_t>();
  if (r.failed() || r.remaining() != 0 || magic != kSnapshotMagic || adds > value) return false;
  value_ = value;
  adds_ = adds;
  return true;
}

std::uint64_t CounterService::digest() const {
  return (value_ * 0x9e3779b97f4a7c15ull) ^ (adds_ + 0x632be59bd9b4e019ull);
}

void CounterService::begin_hosting(TimeUs) {
  hosting_ = true;
  shown_ = value_;  // A new leader serves from a state that is all committed.
  gate_.clear();
  pending_.clear();
}

void CounterService::end_hosting() {
  hosting_ = false;
  gate_.clear();
  pending_.clear();
  clients_.clear();
}

std::optional<wire::DecodeError> CounterService::on_client_datagram(
    TimeUs, Endpoint from, const wire::Header& header, std::span<const std::uint8_t> body) {
  if (header.type != CounterAdd::kType) return wire::DecodeError::kWrongChannel;
  CounterAdd add;
  if (auto error = wire::decode_body(body, add)) return error;
  if (!hosting_) return std::nullopt;
  if (pending_.size() < kMaxPending) pending_.push_back(add.amount);
  if (clients_.size() < kMaxClients) clients_.insert(from);
  return std::nullopt;
}

void CounterService::order(LogWriter& log, std::uint32_t amount) {
  std::uint8_t payload[4];
  for (int i = 0; i < 4; ++i) payload[i] = static_cast<std::uint8_t>((amount >> (8 * i)) & 0xffu);
  const auto appended = log.append(wire::EntryView{kServiceId, 1, {payload, 4}});
  if (appended.status.ok()) gate_.hold(appended.seq, value_);
}

void CounterService::plan(TimeUs, LogWriter& log) {
  if (gate_.size() + kMaxPending + 1 > CommitGate<std::uint64_t>::kMaxHeld) return;
  for (std::uint32_t amount : pending_) order(log, amount);
  pending_.clear();
  if (config_.add_per_tick > 0) order(log, config_.add_per_tick);
}

void CounterService::on_commit(std::uint64_t commit_seq) {
  gate_.release(commit_seq, [this](std::uint64_t value) { shown_ = value; });
}

void CounterService::publish(TimeUs, const ClientLink& link, std::uint64_t) {
  for (const Endpoint& client : clients_) link.send(client, CounterValue{shown_});
}

}  // namespace dp::testing
