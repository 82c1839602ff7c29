#include "core/replication/recovery.h"

#include <algorithm>

namespace dp {

Recovery::Recovery(TimeUs now, const RecoveryTiming& timing)
    : timing_(timing), deadline_us_(now + timing.window_us) {}

void Recovery::on_report(TimeUs now, const NodeId& id, const Report& report,
                         const FollowerSet& live) {
  if (reports_.size() >= kMaxReports && !reports_.count(id)) return;
  reports_[id] = report;
  // The window may end early once every live follower has reported.
  if (pull_from_.is_nil()) {
    bool all = !live.empty();
    for (const auto& [fid, control] : live) all = all && reports_.count(fid) != 0;
    if (all) deadline_us_ = std::min(deadline_us_, now);
  }
}

Recovery::Decision Recovery::step(TimeUs now, const Position& own, Standing own_standing,
                                  const Quorum& quorum, const FollowerSet& live, Pull& pull) {
  if (!pull_from_.is_nil()) {
    if (now < deadline_us_) return Decision::kWait;  // Still pulling.
    pull_from_ = NodeId{};  // The pull timed out: choose again (and ask again) below.
  }
  std::size_t reported = 0;
  std::size_t vouching = 0;
  for (const auto& [id, report] : reports_) {
    if (!live.count(id)) continue;
    ++reported;
    vouching += vouches(report.standing) ? 1 : 0;
  }
  // A server that cannot load its state, or that may replace a lost disk and has not synced
  // yet, vouches for nothing, the leader included (see Standing). When every server we know
  // has reported, the best of them is the best there is: whoever confirmed an entry, one of
  // them kept its disk. A leader that hears too few (it may be deaf) never serves stale
  // state; its followers will notice and elect another.
  const std::size_t needed = quorum.reports_needed + (vouches(own_standing) ? 0 : 1);
  if (vouching < needed && reported < quorum.known_servers) return Decision::kWait;
  // The window ends early once every live follower has reported (on_report checks it when a
  // report arrives; a follower that reported before it counted as live is seen here).
  const bool all_live_reported =
      !live.empty() && std::all_of(live.begin(), live.end(),
                                   [&](const auto& f) { return reports_.count(f.first) != 0; });
  if (now < deadline_us_ && !all_live_reported) return Decision::kWait;
  NodeId best;
  Position best_position = own;
  for (const auto& [id, report] : reports_) {
    if (report.position > best_position && live.count(id)) {
      best = id;
      best_position = report.position;
    }
  }
  if (best.is_nil()) return Decision::kFinish;
  pull_from_ = best;
  pull_seq_ = best_position.seq;
  deadline_us_ = now + timing_.pull_timeout_us;
  ++pulls_;
  pull.from = best;
  pull.from_seq = std::min(own.seq + 1, best_position.seq);
  pull.to_seq = best_position.seq;
  return Decision::kPull;
}

bool Recovery::accept_pulled(TimeUs now, std::uint64_t seq) {
  if (seq >= pull_seq_) return true;
  // Not the state it reported (it restarted since, and its report was stale).
  refuse_pulled(now);
  return false;
}

void Recovery::refuse_pulled(TimeUs now) {
  reports_.erase(pull_from_);
  pull_from_ = NodeId{};
  deadline_us_ = now;
}

}  // namespace dp
