// ServerNode: the peer table, the cluster's size, and the periodic heartbeats and discovery.
#include <algorithm>

#include "core/cluster/server_node.h"

namespace dp {

PeerInfo& ServerNode::note_peer(TimeUs now, const NodeId& peer, Endpoint control, Endpoint client) {
  auto [it, inserted] = peers_.try_emplace(peer);
  PeerInfo& info = it->second;
  if (inserted && peers_.size() > wire::kMaxServers) {
    // Bounded membership: forget the quietest peer rather than grow without limit.
    auto quietest = std::min_element(peers_.begin(), peers_.end(), [&](auto& a, auto& b) {
      return a.second.last_heard_us < b.second.last_heard_us && a.first != peer;
    });
    if (quietest != it) peers_.erase(quietest);
  }
  if (!control.is_unset()) info.control = control;
  if (!client.is_unset()) info.client = client;
  info.last_heard_us = now;
  if (!info.alive) {
    info.alive = true;
    emit(now, NodeEventKind::kPeerDiscovered, peer);
  }
  if (info.datagrams_heard < kDatagramsToCount) {
    ++info.datagrams_heard;
    update_peers_known();
  }
  return info;
}

void ServerNode::heard_from(TimeUs now, const NodeId& peer) {
  if (auto it = peers_.find(peer); it != peers_.end()) it->second.last_heard_us = now;
}

void ServerNode::update_peers_known() {
  std::uint32_t counted = 0;
  for (const auto& [id, info] : peers_)
    counted += info.datagrams_heard >= kDatagramsToCount ? 1 : 0;
  // The operator's count is exact: more ids than that means machines were replaced (a new
  // id for an old seat), not that the cluster grew.
  if (config_.cluster_size > 0) counted = std::min(counted, config_.cluster_size - 1);
  if (counted > peers_known_) {
    peers_known_ = counted;
    persist();
  }
}

void ServerNode::note_leader_size_claim(std::uint32_t servers_known) {
  if (servers_known == leader_size_claim_) {
    leader_size_claims_ = std::min(leader_size_claims_ + 1, kDatagramsToCount);
  } else {
    leader_size_claim_ = servers_known;
    leader_size_claims_ = 1;
  }
  if (config_.cluster_size > 0) servers_known = std::min(servers_known, config_.cluster_size);
  if (leader_size_claims_ >= kDatagramsToCount && servers_known > peers_known_ + 1) {
    peers_known_ = servers_known - 1;
    persist();
  }
}

void ServerNode::expire_peers(TimeUs now) {
  for (auto& [id, info] : peers_) {
    if (info.alive && now - info.last_heard_us > config_.timing.heartbeat_timeout_us) {
      info.alive = false;
      emit(now, NodeEventKind::kPeerLost, id);
    }
  }
}

wire::Heartbeat ServerNode::own_heartbeat() const {
  wire::Heartbeat hb;
  hb.role = static_cast<std::uint8_t>(role());
  hb.control = config_.endpoints.control;
  hb.client = config_.endpoints.client;
  // How far the replica got: its stream position, or the durable state it loaded from disk.
  const Position position = replica_.position();
  hb.applied_seq = position.seq;
  hb.commit_seq = replica_.commit_seq();
  hb.synced_epoch = position.epoch;
  hb.standing = static_cast<std::uint8_t>(replica_.standing());
  hb.servers_known = static_cast<std::uint8_t>(
      std::min<std::uint32_t>(peers_known_ + 1, static_cast<std::uint32_t>(wire::kMaxServers)));
  return hb;
}

void ServerNode::send_heartbeats(TimeUs now) {
  wire::Heartbeat hb = own_heartbeat();
  if (is_leader()) {
    for (const auto& [id, info] : peers_) {
      if (info.alive && now - info.last_heard_us <= config_.timing.heartbeat_timeout_us) {
        hb.hears.push_back(id);
      }
    }
    // Known peers that went quiet get heartbeats too, so they learn our epoch on healing.
    for (const auto& [id, info] : peers_) send(info.control, hb);
  } else if (has_leader()) {
    if (auto it = peers_.find(epoch_.leader); it != peers_.end()) send(it->second.control, hb);
  } else {
    // Leaderless: keep every peer hearing us, so a leader we gave up on can list us again.
    for (const auto& [id, info] : peers_) send(info.control, hb);
  }
}

void ServerNode::send_discovery(TimeUs now) {
  last_discovery_us_ = now;
  wire::DiscoverRequest request;
  request.asker_role = static_cast<std::uint8_t>(role());
  request.control = config_.endpoints.control;
  request.client = config_.endpoints.client;
  broadcast(request);
  // Jitter keeps servers started together from answering in lock-step.
  next_discovery_us_ = now + config_.timing.discovery_interval_us +
                       rng_.range(0, config_.timing.discovery_interval_us / 10);
}

}  // namespace dp
