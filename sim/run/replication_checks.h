// Two invariants about what the replication core claims against what replicas really hold
// (see invariants.h):
//
//   kShownImpliesReplicated  when a player is first shown a score of epoch E, the leader of E
//                            that ordered the point had it applied, by the time it sent that
//                            state, on at least as many servers synced to E as its commit
//                            rule requires (itself and quorum().required_replicas followers).
//                            A server counts with what it applied, even if it crashed since.
//   kLeaderCountsApplied     no leader ever counts a follower (FollowerLink::acked) further
//                            than that follower really applied in the leader's epoch.
//   kAppliedMonotonic        a server never goes back on what it applied within one synced
//                            epoch while it runs (a late, older snapshot must not undo what it
//                            acknowledged); a restart may, from its disk.
//   kRingBounds              after every leader step its entry ring holds at most its capacity
//                            and claims nothing older than its first entry (an off-by-one at
//                            the wrap would resend an overwritten slot as that seq).
//
// Both compare a node's beliefs with the simulator's view of every replica, which no single
// node has; so only the simulator can check them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <vector>

#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class ReplicationChecks final : public SimObserver {
 public:
  // Points remembered at most (a longer run stops checking newer ones).
  static constexpr std::size_t kMaxPoints = 1 << 20;

  ReplicationChecks(RunContext& run, InvariantObserver& invariants);

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void after_step(TimeUs now, HostIndex h) override;
  void on_host_started(TimeUs, HostIndex h, bool) override { running_.erase(h); }

  std::uint64_t points_checked() const { return points_checked_; }

 private:
  // (epoch, room, left, right): the point a leader of that epoch ordered.
  using PointKey = std::tuple<Epoch, std::uint32_t, std::uint8_t, std::uint8_t>;
  struct Point {
    std::uint64_t seq = 0;
    std::size_t required = 0;     // Servers that must hold it (the leader included).
    std::vector<TimeUs> applied;  // By game server: when it first held it; -1 not yet.
    bool checked = false;
  };

  void on_point(TimeUs now, HostIndex leader, std::uint32_t room, const pong::Score& score,
                std::uint64_t seq);
  void on_shown(HostIndex client, const NodeEvent& e, std::uint32_t room, const pong::Score& score);
  void mark_applied(TimeUs now, HostIndex h);
  void check_leader_counts(HostIndex h);
  void check_ring(HostIndex h);

  RunContext& run_;
  InvariantObserver& invariants_;
  std::map<PointKey, Point> points_;
  std::map<Epoch, std::vector<Point*>> by_epoch_;  // In seq order (a leader orders upwards).
  std::map<std::pair<HostIndex, Epoch>, std::size_t> cursor_;  // Next of by_epoch_ to mark.
  std::vector<TimeUs> last_sent_at_;  // By client: when the last datagram it got was sent.
  // The most each server (by id) ever applied while synced to an epoch.
  std::map<std::pair<NodeId, Epoch>, std::uint64_t> max_applied_;
  // Since each server's last start: its synced epoch and the most it applied in it.
  std::map<HostIndex, std::pair<Epoch, std::uint64_t>> running_;
  std::uint64_t points_checked_ = 0;
};

}  // namespace dp::sim
