// Pong as its players saw it: who sat where, every score a client was shown, game overs,
// failover as the clients measured it, and the checks on each client's view (order and
// scores, see invariants.h). The per-game part of a run; another game brings its own.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/services/pong/score.h"
#include "sim/match_checks.h"
#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class PongMatches final : public SimObserver {
 public:
  PongMatches(RunContext& run, InvariantObserver& invariants);

  // A leader fault (crash or cut-inbound): measure until every seated client sees a newer
  // leader.
  void client_fault(TimeUs now, HostIndex leader, const char* what);
  // Fills the client and match figures and the last client checks.
  void finish();

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  void on_node_event(HostIndex h, const NodeEvent& e) override;
  void on_host_started(TimeUs now, HostIndex h, bool restart) override;
  void on_host_crashing(TimeUs now, HostIndex h) override;
  // A server's disk is gone (wipe-disk): copies of what players saw may be gone with it.
  void on_disk_lost(TimeUs now, HostIndex h);
  void after_step(TimeUs now, HostIndex h) override {
    if (run_.is_client(h)) client_step(now, h);
  }

 private:
  // By (the client's count of rebuilt clusters, room id): a cluster rebuilt from empty disks
  // numbers its rooms from 1 again.
  using RoomKey = std::pair<std::uint64_t, std::uint32_t>;
  static RoomKey key_of(const ClientNode* c, std::uint32_t room) {
    return {c != nullptr ? c->stats().clusters_changed : 0, room};
  }
  struct ClientTrack {
    explicit ClientTrack(std::string name) : view(std::move(name)) {}
    ClientViewCheck view;
    std::uint64_t states_seen = 0;
    std::uint64_t clusters_seen = 0;  // The client's count of cluster identity changes.
    RoomKey room{0, 0};
    int matches_seen = 0;  // Game overs this client reached (bots may rematch).
    TimeUs started_us = 0;
    std::uint64_t rx_bytes = 0;
    TimeUs first_rx_us = 0;
    TimeUs last_rx_us = 0;
  };
  struct RoomTrack {
    MatchSummary summary;
    pong::Score shown;  // Highest score any player was shown.
    bool over_reported = false;
    std::optional<FinalResult> results[2];  // What each seat's player saw at game over.
  };

  void on_client_event(HostIndex h, const NodeEvent& e);
  void on_state_shown(HostIndex h, const NodeEvent& e, std::uint32_t room, pong::Score score);
  void client_step(TimeUs now, HostIndex h);
  void forget_lost_scores(TimeUs now, HostIndex lost);
  void report_game_over(TimeUs now, int client, const FinalResult& f);
  std::size_t completed_client_failovers() const;
  void report_completed_failovers(std::size_t done_before, const Epoch& epoch);
  std::string since_fault(TimeUs now) const;
  int skill_of(HostIndex h) const { return run_.result.hosts[h].skill_percent; }

  RunContext& run_;
  InvariantObserver& invariants_;
  bool detailed_ = true;
  std::vector<ClientTrack> clients_;  // By client number - 1.
  std::map<RoomKey, RoomTrack> rooms_;
  bool total_outage_ = false;         // Enough disks were lost since a score was shown.
  std::vector<TimeUs> last_loss_us_;  // By server: its last disk loss; -1 until one.
  // When a leader last scored each (room, score): every copy of the point was made after
  // that, so a crash since then may have taken one.
  std::map<std::pair<std::uint32_t, pong::Score>, TimeUs> scored_at_;
  std::set<std::pair<std::uint32_t, pong::Score>> displayed_;  // Counted in point_to_display.
  ClientFailoverTracker client_failovers_;
  std::set<std::size_t> reported_failovers_;
  TimeUs last_fault_us_ = -1;
  int over_lines_ = 0;
  int seated_count_ = 0;
};

}  // namespace dp::sim
