// ClientNode as a spectator: choosing a server to watch from (a follower, spread by the
// client's id; the leader only when no follower answered) and the states it sends. The rest of
// the client is client_node.cc.
#include "core/client/client_node.h"

namespace dp {

void ClientNode::note_watch_candidate(TimeUs now, const wire::Header& h,
                                      const wire::DiscoverResponse& m) {
  const bool leader = m.role == static_cast<std::uint8_t>(wire::Role::kLeader);
  const bool follower = m.role == static_cast<std::uint8_t>(wire::Role::kFollower);
  if ((!leader && !follower) || h.epoch.is_none() || m.client.is_unset() ||
      m.client.ip != m.control.ip || watch_candidates_.size() >= wire::kMaxServers) {
    return;
  }
  for (const WatchCandidate& c : watch_candidates_) {
    if (c.id == h.sender) return;
  }
  watch_candidates_.push_back({h.sender, m.client, follower});
  if (choose_at_us_ == 0) choose_at_us_ = now + config_.discovery_window_us;
}

void ClientNode::choose_watched(TimeUs now) {
  std::vector<const WatchCandidate*> pick;
  for (int pass = 0; pass < 3 && pick.empty(); ++pass) {
    for (const WatchCandidate& c : watch_candidates_) {
      // Followers first (not the one that fell silent), then any follower, then the leader.
      const bool ok = pass == 0 ? c.follower && c.id != avoid_ : (pass == 1 ? c.follower : true);
      if (ok) pick.push_back(&c);
    }
  }
  watch_candidates_.clear();
  best_.reset();
  choose_at_us_ = 0;
  if (pick.empty()) {
    send_discovery(now);
    return;
  }
  const WatchCandidate& chosen = *pick[(client_id_ + watch_attempts_) % pick.size()];
  watched_ = chosen.id;
  leader_client_ = chosen.client;
  ++stats_.watch_servers;
  begin_joining(now);
}

void ClientNode::handle_spectator_state(TimeUs now, Endpoint from, const wire::Header& h,
                                        const wire::RoomState& m) {
  // Only the server we watch from; it sends from its replica, so it need not lead.
  if (h.sender != watched_ || h.epoch.is_none() || m.your_slot < players_per_room() ||
      (phase_ != ClientPhase::kJoining && phase_ != ClientPhase::kSeated)) {
    ++stats_.states_other_room;
    return;
  }
  const StatePosition position{h.epoch, m.seq};
  if (shown_ && !(position > shown_position_)) {
    // A repeat, or a server behind the one we watched before: it catches up soon.
    if (position == shown_position_) heard_us_ = now;
    ++stats_.states_stale;
    return;
  }
  if (m.room != room_) {  // The room we watched ended; the server shows the next live one.
    room_ = 0;
    result_.reset();
    score_baseline_valid_ = false;
  }
  accept_state(now, from, h, m);
}

}  // namespace dp
