#include "sim/run/completeness_checks.h"

#include <string>

namespace dp::sim {

CompletenessChecks::CompletenessChecks(RunContext& run, InvariantObserver& invariants)
    : run_(run), invariants_(invariants) {}

void CompletenessChecks::after_step(TimeUs now, HostIndex h) {
  if (!run_.is_server(h) || !run_.live(h)) return;
  const LogReplica& replica = run_.server(h).replica();
  if (!replica.hosting()) return;
  const Key key{run_.is_game_server(h), replica.synced_epoch()};
  auto it = epochs_.find(key);
  if (it == epochs_.end()) {
    // The step that finished its recovery: nothing is applied past the base before the base
    // is committed, so applied_seq is the seq it resumed from.
    on_hosting(now, h, key.second, replica.applied_seq());
    it = epochs_.emplace(key, Committed{h, 0, false}).first;
  }
  if (it->second.leader == h) it->second.seq = std::max(it->second.seq, replica.commit_seq());
}

void CompletenessChecks::on_hosting(TimeUs now, HostIndex h, const Epoch& epoch,
                                    std::uint64_t base) {
  ++leaders_checked_;
  const bool game = run_.is_game_server(h);
  for (const auto& [key, committed] : epochs_) {
    if (key.first != game || !(key.second < epoch) || committed.unchecked) continue;
    if (base >= committed.seq) continue;
    invariants_.violate(Invariant::kLeaderComplete,
                        run_.name(h) + " began to lead epoch " + run_.epoch_name(epoch) + " at " +
                            RunContext::seconds_str(now) + " from seq " + std::to_string(base) +
                            ", short of seq " + std::to_string(committed.seq) + ", which " +
                            run_.name(committed.leader) + " had committed in epoch " +
                            run_.epoch_name(key.second));
    return;
  }
}

void CompletenessChecks::on_host_crashing(TimeUs, HostIndex h) {
  if (!run_.is_server(h)) return;
  const bool game = run_.is_game_server(h);
  for (auto& [key, committed] : epochs_) {
    if (key.first == game && committed.leader != h) committed.unchecked = true;
  }
}

void CompletenessChecks::on_host_started(TimeUs, HostIndex h, bool restart) {
  if (!restart || !run_.is_server(h)) return;
  const bool game = run_.is_game_server(h);
  for (auto& [key, committed] : epochs_) {
    if (key.first == game && committed.leader == h) committed.unchecked = true;
  }
}

}  // namespace dp::sim
