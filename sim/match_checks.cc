#include "sim/match_checks.h"

#include <cstdio>

namespace dp::sim {
namespace {

std::string at(TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e6);
  return buf;
}

std::string position_str(const Epoch& epoch, std::uint64_t seq) {
  return "(epoch " + epoch.str() + ", seq " + std::to_string(seq) + ")";
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

// --- ReplicaAgreementCheck ---

bool ReplicaAgreementCheck::add(TimeUs now, std::span<const ReplicaSample> samples) {
  for (const ReplicaSample& s : samples) {
    if (violation_) break;
    // A replica that is not synced (it applied nothing yet, or holds a state it loaded from
    // disk, without the stream's in-memory entries) has nothing to compare.
    if (s.synced_epoch.is_none()) continue;
    const auto key = std::make_pair(s.synced_epoch, s.applied_seq);
    auto [it, inserted] = seen_.emplace(key, Seen{s.digest, s.server, now});
    if (inserted) {
      if (seen_.size() > kMaxPositions) seen_.erase(seen_.begin());
      continue;
    }
    ++compared_;
    if (it->second.digest != s.digest) {
      violation_ = "node " + std::to_string(s.server) + " at " + at(now) + " and node " +
                   std::to_string(it->second.server) + " at " + at(it->second.at_us) +
                   " both applied " + position_str(s.synced_epoch, s.applied_seq) +
                   " but their states differ (digest " + hex(s.digest) + " vs " +
                   hex(it->second.digest) + ")";
    }
  }
  return !violation_;
}

const std::string& ReplicaAgreementCheck::detail() const {
  static const std::string kEmpty;
  return violation_ ? *violation_ : kEmpty;
}

// --- ClientViewCheck ---

void ClientViewCheck::on_state(TimeUs now, const StatePosition& position, std::uint32_t room,
                               pong::Score score) {
  ++states_;
  if (any_ && !(position > last_) && !order_violation_) {
    order_violation_ = name_ + " accepted " + position_str(position.epoch, position.seq) +
                       " after " + position_str(last_.epoch, last_.seq) + " at " + at(now);
  }
  if (any_ && !forgotten_ && room_ != 0 && room == room_ && !score.at_least(score_) &&
      !score_violation_) {
    score_violation_ = name_ + " saw room " + std::to_string(room) + " go from " + score_.str() +
                       " to " + score.str() + " at " + at(now);
  }
  if (room != room_ || score != score_) {
    score_at_ = now;
    forgotten_ = false;
  }
  any_ = true;
  last_ = position;
  room_ = room;
  score_ = score;
}

// --- ClientFailoverTracker ---

void ClientFailoverTracker::on_fault(TimeUs now, int server, std::string what,
                                     const Epoch& old_epoch, const std::vector<int>& seated) {
  if (failovers_.size() >= kMaxFaults) {
    ++dropped_;
    return;
  }
  ClientFailover f;
  f.fault_at_us = now;
  f.server = server;
  f.what = std::move(what);
  f.old_epoch = old_epoch;
  f.clients = static_cast<int>(seated.size());
  failovers_.push_back(f);
  std::map<int, bool> waiting;
  for (int c : seated) waiting[c] = true;
  waiting_.push_back(std::move(waiting));
  settle(failovers_.size() - 1, now);
}

void ClientFailoverTracker::on_state(TimeUs now, int client, const Epoch& epoch,
                                     bool other_cluster) {
  for (std::size_t i = 0; i < failovers_.size(); ++i) {
    ClientFailover& f = failovers_[i];
    if (f.completed || !(other_cluster || epoch > f.old_epoch)) continue;
    auto it = waiting_[i].find(client);
    if (it == waiting_[i].end() || !it->second) continue;
    it->second = false;
    ++f.rehomed;
    f.last_client = client;
    settle(i, now);
  }
}

void ClientFailoverTracker::on_unseated(TimeUs now, int client) {
  for (std::size_t i = 0; i < failovers_.size(); ++i) {
    if (failovers_[i].completed) continue;
    auto it = waiting_[i].find(client);
    if (it == waiting_[i].end() || !it->second) continue;
    it->second = false;
    ++failovers_[i].finished_first;
    settle(i, now);
  }
}

void ClientFailoverTracker::settle(std::size_t i, TimeUs now) {
  ClientFailover& f = failovers_[i];
  if (f.completed) return;
  for (const auto& [client, waiting] : waiting_[i]) {
    if (waiting) return;
  }
  f.completed = true;
  f.completed_at_us = now;
  waiting_[i].clear();
}

std::optional<TimeUs> ClientFailoverTracker::max_us() const {
  std::optional<TimeUs> best;
  for (const ClientFailover& f : failovers_) {
    if (f.completed && f.rehomed > 0) best = std::max(best.value_or(0), f.duration_us());
  }
  return best;
}

}  // namespace dp::sim
