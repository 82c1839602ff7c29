#include "sim/run/replication_checks.h"

#include "core/services/pong/notes.h"

namespace dp::sim {

ReplicationChecks::ReplicationChecks(RunContext& run, InvariantObserver& invariants)
    : run_(run), invariants_(invariants), last_sent_at_(run.scenario.clients.size(), -1) {}

void ReplicationChecks::on_deliver(TimeUs, const Transit& t, std::span<const std::uint8_t>) {
  if (run_.is_client(t.to_host)) last_sent_at_[t.to_host - run_.servers()] = t.sent_at;
}

void ReplicationChecks::on_node_event(HostIndex h, const NodeEvent& e) {
  if (e.kind != NodeEventKind::kServiceNote) return;
  if (run_.is_game_server(h)) {
    if (auto p = e.note.as<pong::PointScored>()) on_point(e.at, h, p->room, p->score, p->seq);
  } else if (run_.is_client(h)) {
    if (auto s = e.note.as<pong::StateShown>()) on_shown(h, e, s->room, s->score);
  }
}

void ReplicationChecks::on_point(TimeUs now, HostIndex leader, std::uint32_t room,
                                 const pong::Score& score, std::uint64_t seq) {
  if (points_.size() >= kMaxPoints) return;
  const LogReplica& replica = run_.server(leader).replica();
  const Epoch epoch = replica.synced_epoch();
  auto [it, inserted] = points_.try_emplace(PointKey{epoch, room, score.left, score.right});
  if (!inserted) return;  // The same score again in one epoch: the first is the one shown.
  Point& p = it->second;
  p.seq = seq;
  p.required = replica.quorum().required_replicas + 1;
  p.applied.assign(static_cast<std::size_t>(run_.servers()), -1);
  p.applied[leader] = now;
  by_epoch_[epoch].push_back(&p);
}

void ReplicationChecks::on_shown(HostIndex client, const NodeEvent& e, std::uint32_t room,
                                 const pong::Score& score) {
  const ClientNode* c = run_.client(client);
  // Players only: spectators are served by followers from their applied state, ahead of the
  // commit by design (see core/services/rooms/spectators.h).
  if (c == nullptr || c->shown() == nullptr || c->shown()->your_slot > 1) return;
  const Epoch& epoch = c->shown_position().epoch;
  auto it = points_.find(PointKey{epoch, room, score.left, score.right});
  if (it == points_.end() || it->second.checked) return;
  Point& p = it->second;
  p.checked = true;
  ++points_checked_;
  const TimeUs sent_at = last_sent_at_[client - run_.servers()];
  std::size_t holders = 0;
  for (const TimeUs at : p.applied) holders += at >= 0 && at <= sent_at ? 1 : 0;
  if (holders >= p.required) return;
  invariants_.violate(Invariant::kShownImpliesReplicated,
                      run_.client_name(client) + " was shown " + score.str() + " in room " +
                          std::to_string(room) + " (epoch " + run_.epoch_name(epoch) + ", seq " +
                          std::to_string(p.seq) + ") at " + RunContext::seconds_str(e.at) +
                          ", in a state sent at " + RunContext::seconds_str(sent_at) +
                          ", when only " + std::to_string(holders) + " of the " +
                          std::to_string(p.required) + " servers its commit needs held that point");
}

void ReplicationChecks::after_step(TimeUs now, HostIndex h) {
  if (!run_.is_server(h) || !run_.live(h)) return;
  const LogReplica& replica = run_.server(h).replica();
  const Epoch& epoch = replica.synced_epoch();
  if (!epoch.is_none()) {
    std::uint64_t& most = max_applied_[{run_.sim.host(h).spec.id, epoch}];
    most = std::max(most, replica.applied_seq());
    auto [it, fresh] = running_.try_emplace(h, epoch, replica.applied_seq());
    if (!fresh && it->second.first == epoch && replica.applied_seq() < it->second.second) {
      invariants_.violate(Invariant::kAppliedMonotonic,
                          run_.name(h) + " went back from seq " +
                              std::to_string(it->second.second) + " to " +
                              std::to_string(replica.applied_seq()) + " in epoch " +
                              run_.epoch_name(epoch) + " at " + RunContext::seconds_str(now));
    }
    if (fresh || it->second.first != epoch || replica.applied_seq() > it->second.second) {
      it->second = {epoch, replica.applied_seq()};
    }
  }
  if (run_.is_game_server(h)) mark_applied(now, h);
  if (replica.hosting()) {
    check_leader_counts(h);
    check_ring(h);
  }
}

void ReplicationChecks::check_ring(HostIndex h) {
  const EntryRing& ring = run_.server(h).replica().sequencer().ring();
  const std::uint64_t first = ring.first_seq();
  const std::uint64_t held = ring.next_seq() - first;  // size(), without a second search.
  std::string wrong;
  if (held > ring.capacity()) {
    wrong = "holds " + std::to_string(held) + " entries in " + std::to_string(ring.capacity()) +
            " slots";
  } else if (first > 1 && ring.holds(first - 1)) {
    wrong = "claims seq " + std::to_string(first - 1) + ", before its first entry " +
            std::to_string(first);
  } else {
    return;
  }
  invariants_.violate(Invariant::kRingBounds, run_.name(h) + "'s entry ring " + wrong + " at " +
                                                  RunContext::seconds_str(run_.sim.now()));
}

void ReplicationChecks::mark_applied(TimeUs now, HostIndex h) {
  const LogReplica& replica = run_.server(h).replica();
  auto points = by_epoch_.find(replica.synced_epoch());
  if (points == by_epoch_.end()) return;
  std::size_t& next = cursor_[{h, replica.synced_epoch()}];
  const std::vector<Point*>& list = points->second;
  while (next < list.size() && list[next]->seq <= replica.applied_seq()) {
    TimeUs& at = list[next]->applied[h];
    if (at < 0) at = now;
    ++next;
  }
}

void ReplicationChecks::check_leader_counts(HostIndex h) {
  const LogReplica& replica = run_.server(h).replica();
  const Epoch& epoch = replica.synced_epoch();
  for (const auto& [id, link] : replica.sequencer().followers()) {
    if (link.acked == 0) continue;
    const auto it = max_applied_.find({id, epoch});
    const std::uint64_t applied = it != max_applied_.end() ? it->second : 0;
    if (link.acked <= applied) continue;
    invariants_.violate(Invariant::kLeaderCountsApplied,
                        run_.name(h) + ", leading epoch " + run_.epoch_name(epoch) + ", counted " +
                            run_.server_name(id) + " as having applied seq " +
                            std::to_string(link.acked) + " at " +
                            RunContext::seconds_str(run_.sim.now()) + ", when it had applied " +
                            std::to_string(applied) + " in that epoch");
  }
}

}  // namespace dp::sim
