// New-leader recovery: before a new leader serves, it learns how far its followers got and,
// if one of them is ahead, pulls that follower's state.
//
// The procedure, step by step (Step() is called every leader tick while recovering):
//   1. Wait for reports (followers' heartbeats carry their Position and their Standing) until
//      enough servers vouch that they overlap every group which could have confirmed an entry
//      (Quorum::reports_needed; one more when the leader itself does not vouch), or until
//      every known server has reported. A server that lost its state vouches for nothing; a
//      fresh one (it never led or followed: a replaced machine with a new id) was in no
//      group that confirmed anything, so it vouches only in a brand-new cluster, where
//      nobody in the recovery holds a history.
//   2. Wait out the recovery window (ended early once every live follower has reported).
//   3. Choose the most advanced live follower ahead of the leader's own Position. None:
//      finish, resuming from the leader's own state. Else pull its state (a NACK asking for a
//      snapshot) and wait up to the pull timeout; a timed-out pull chooses again.
//   4. A pulled state older than the report it answered (the follower restarted since), or
//      one that does not install, is refused: its report is forgotten and step 3 runs again.
// Pure bookkeeping: the log replica sends the pull and installs the state.
#pragma once

#include <cstdint>
#include <map>

#include "core/common/position.h"
#include "core/common/types.h"
#include "core/replication/quorum.h"

namespace dp {

struct RecoveryTiming {
  // How long (at most) a new leader waits for its followers' positions.
  TimeUs window_us = 40 * kUsPerMs;
  // How long a pull of a follower's state may take before another is chosen.
  TimeUs pull_timeout_us = 150 * kUsPerMs;
};

// The live followers (id -> control endpoint).
using FollowerSet = std::map<NodeId, Endpoint>;

class Recovery {
 public:
  // At most this many reports are kept (one per server of the largest cluster).
  static constexpr std::size_t kMaxReports = 32;

  struct Report {
    Position position;
    Standing standing = Standing::kHolds;
  };
  enum class Decision : std::uint8_t { kWait, kFinish, kPull };
  struct Pull {
    NodeId from;
    std::uint64_t from_seq = 0;  // What to ask for (a newer stream may be shorter).
    std::uint64_t to_seq = 0;
  };

  Recovery(TimeUs now, const RecoveryTiming& timing);

  void on_report(TimeUs now, const NodeId& id, const Report& report, const FollowerSet& live);
  // One step of the procedure; on kPull, `pull` says what to ask of whom.
  Decision step(TimeUs now, const Position& own, Standing own_standing, const Quorum& quorum,
                const FollowerSet& live, Pull& pull);
  // Whether a snapshot from `id` answers the pull in progress.
  bool pulling_from(const NodeId& id) const { return !pull_from_.is_nil() && id == pull_from_; }
  // The pulled state arrived complete, as of `seq`. True: install it and finish. False: it is
  // older than the report it answered; the report is forgotten and another is chosen.
  bool accept_pulled(TimeUs now, std::uint64_t seq);
  // The pulled state did not install (it does not decode): forget that report, choose again.
  void refuse_pulled(TimeUs now);

  const std::map<NodeId, Report>& reports() const { return reports_; }
  std::uint64_t pulls() const { return pulls_; }

 private:
  RecoveryTiming timing_;
  TimeUs deadline_us_;
  NodeId pull_from_;
  std::uint64_t pull_seq_ = 0;
  std::map<NodeId, Report> reports_;  // Bounded: kMaxReports.
  std::uint64_t pulls_ = 0;
};

}  // namespace dp
