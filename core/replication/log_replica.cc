#include "core/replication/log_replica.h"

#include "core/common/assert.h"
#include "core/wire/send.h"

namespace dp {

static_assert(Recovery::kMaxReports >= wire::kMaxServers,
              "a new leader keeps a report from every server of the largest cluster");

const char* replica_role_name(ReplicaRole role) {
  switch (role) {
    case ReplicaRole::kIdle:
      return "idle";
    case ReplicaRole::kFollowing:
      return "following";
    case ReplicaRole::kRecovering:
      return "recovering";
    case ReplicaRole::kLeading:
      return "leading";
  }
  return "?";
}

LogReplica::LogReplica(const ReplicaConfig& config, const NodeId& self, Outbox& outbox,
                       std::vector<std::unique_ptr<Service>> services)
    : config_(config),
      self_(self),
      outbox_(outbox),
      services_(std::move(services)),
      sequencer_(config.sequencer) {
  for (const auto& [id, service] : services_.all()) service->attach(&outbox_);
}

// ---------------------------------------------------------------------------------------------
// Role changes

void LogReplica::transition(ReplicaRole to) {
  const ReplicaRole from = role();
  const bool legal =
      (from == ReplicaRole::kIdle && to != ReplicaRole::kIdle && to != ReplicaRole::kLeading) ||
      (from == ReplicaRole::kFollowing && to != ReplicaRole::kLeading) ||
      (from == ReplicaRole::kRecovering && to != ReplicaRole::kRecovering) ||
      (from == ReplicaRole::kLeading &&
       (to == ReplicaRole::kFollowing || to == ReplicaRole::kIdle));
  DP_ASSERT(legal, std::string("illegal replica transition ") + replica_role_name(from) + " -> " +
                       replica_role_name(to));
}

void LogReplica::become_recovering(TimeUs now, const Epoch& epoch) {
  transition(ReplicaRole::kRecovering);
  epoch_ = epoch;
  state_.emplace<Recovering>(Recovering{Recovery(now, config_.recovery)});
  followers_.clear();
  ordering_held_ = false;
  // Clients are served again only once recovery has chosen the state to serve.
  for (const auto& [id, service] : services_.all()) service->end_hosting();
  next_tick_us_ = now;
}

void LogReplica::become_following(TimeUs now, const Epoch& epoch, Endpoint leader_control) {
  if (role() != ReplicaRole::kFollowing) transition(ReplicaRole::kFollowing);
  const bool new_epoch = epoch != epoch_;
  epoch_ = epoch;
  state_.emplace<Following>();
  leader_control_ = leader_control;
  for (const auto& [id, service] : services_.all()) service->end_hosting();
  if (new_epoch) {
    // A new leader re-bases every replica on its own state with a snapshot.
    assembler_.clear();
    last_nack_us_ = 0;
  }
  last_progress_us_ = now;
  next_tick_us_ = now + config_.tick_interval_us;
}

void LogReplica::become_idle(TimeUs now) {
  if (role() != ReplicaRole::kIdle) transition(ReplicaRole::kIdle);
  state_.emplace<Idle>();
  epoch_ = Epoch{};
  for (const auto& [id, service] : services_.all()) service->end_hosting();
  next_tick_us_ = now + config_.tick_interval_us;
}

// ---------------------------------------------------------------------------------------------
// Inputs shared by the roles

void LogReplica::set_followers(TimeUs now, const FollowerSet& followers,
                               std::size_t known_servers) {
  if (!leading()) return;
  followers_ = followers;
  quorum_ = Quorum::of(known_servers, config_.min_replicas);
  if (recovering()) return;  // The sequencer starts after recovery.
  for (const auto& [id, control] : followers) sequencer_.add_follower(id, now);
  group_.clear();
  for (const auto& [id, link] : sequencer_.followers()) {
    if (!followers.count(id)) group_.push_back(id);
  }
  for (const auto& id : group_) sequencer_.remove_follower(id);
}

void LogReplica::on_follower_position(TimeUs now, const NodeId& id, const Position& position,
                                      Standing standing) {
  if (auto* r = std::get_if<Recovering>(&state_)) {
    r->recovery.on_report(now, id, Recovery::Report{position, standing}, followers_);
  }
}

std::optional<wire::DecodeError> LogReplica::on_client_datagram(
    TimeUs now, Endpoint from, const wire::Header& header, std::span<const std::uint8_t> body) {
  Service* service = services_.find(wire::service_of(static_cast<std::uint8_t>(header.type)));
  if (service == nullptr) return wire::DecodeError::kUnknownService;
  return service->on_client_datagram(now, from, header, body);
}

void LogReplica::on_tick(TimeUs now) {
  if (now < next_tick_us_) return;
  // Fixed-rate ticks; after a long pause, skip ahead rather than burst.
  next_tick_us_ += config_.tick_interval_us;
  if (next_tick_us_ <= now) next_tick_us_ = now + config_.tick_interval_us;
  if (leading()) {
    leader_tick(now);
  } else {
    follower_tick(now);
  }
  serve_spectators(now);
}

void LogReplica::serve_spectators(TimeUs now) {
  if (now < next_spectators_us_) return;
  next_spectators_us_ = now + kSpectatorIntervalUs;
  // Followers serve spectators from their replicas, so the leader's traffic does not grow
  // with them; a leader serves them only when it has no followers to do it.
  const bool serves = (role() == ReplicaRole::kFollowing && !synced_epoch_.is_none()) ||
                      (hosting() && quorum_.known_servers == 0);
  if (!serves) return;
  const ClientLink link{&outbox_, self_, epoch_, self_control_};
  for (const auto& [id, service] : services_.all()) {
    service->serve_spectators(now, link, applied_seq_);
  }
}

bool LogReplica::load(const DurableState& stored) {
  if (stored.empty()) return true;
  if (!services_.load_records(stored.records)) return false;
  applied_seq_ = stored.position.seq;
  durable_position_ = stored.position;
  from_disk_ = true;
  standing_ = Standing::kHolds;
  return true;
}

void LogReplica::store_if_durable(const wire::EntryView& entry, const Epoch& stream,
                                  std::uint64_t seq) {
  if (!services_.durable(entry)) return;
  services_.write_records(entry, outbox_);
  durable_position_ = Position{stream, seq};
  outbox_.durable_position(durable_position_);
}

void LogReplica::store_whole_state(const Position& position) {
  outbox_.replace_records();
  services_.write_all_records(outbox_);
  durable_position_ = position;
  outbox_.durable_position(durable_position_);
}

LogWriter::Appended LogReplica::append(const wire::EntryView& entry) {
  DP_ASSERT(hosting(), "only a leader that serves orders entries");
  Appended out;
  out.seq = sequencer_.order(entry);
  ++stats_.entries_ordered;
  DP_ASSERT(out.seq == applied_seq_ + 1, "the leader applies every entry it orders, in order");
  applied_seq_ = out.seq;
  out.status = services_.apply(entry);
  if (!out.status.ok()) {
    ++stats_.apply_errors;
    return out;
  }
  // On the leader's disk before the batch that carries it leaves (the driver writes a step's
  // records before it sends): the leader counts itself in every commit.
  store_if_durable(entry, epoch_, out.seq);
  return out;
}

}  // namespace dp
