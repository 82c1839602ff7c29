#include "transport/server_metrics.h"

#include <string_view>

#include "core/services/pong/service.h"
#include "core/services/racing/service.h"
#include "core/wire/codec.h"
#include "core/wire/message_types.h"

namespace dp {
namespace {

using Type = PrometheusText::Type;

double seconds(TimeUs us) { return static_cast<double>(us) / static_cast<double>(kUsPerSecond); }

void traffic(PrometheusText& out, std::string_view name, std::string_view help,
             const std::array<std::uint64_t, 256>& by_type) {
  out.family(name, Type::kCounter, help);
  std::uint64_t unknown = 0;
  for (std::size_t type = 0; type < by_type.size(); ++type) {
    if (by_type[type] == 0) continue;
    const auto t = static_cast<std::uint8_t>(type);
    if (!wire::is_known_msg_type(t)) {
      unknown += by_type[type];
      continue;
    }
    out.sample(name, {{"type", wire::msg_type_name(t)}}, by_type[type]);
  }
  if (unknown != 0) out.sample(name, {{"type", "unknown"}}, unknown);
}

void drops(PrometheusText& out, const MetricsSources& in) {
  constexpr std::string_view name = "dp_datagrams_dropped_total";
  out.family(name, Type::kCounter,
             "Datagrams dropped, by reason: refused on receipt (a decode error, a failed "
             "authentication, a stale epoch), answers withheld from clients, and sends that "
             "failed or did not fit a step.");
  const ServerStats& s = in.node.stats();
  for (std::size_t code = 1; code < s.rejected_by_error.size(); ++code) {
    if (s.rejected_by_error[code] == 0) continue;
    out.sample(name, {{"reason", wire::decode_error_name(static_cast<wire::DecodeError>(code))}},
               s.rejected_by_error[code]);
  }
  const std::pair<const char*, std::uint64_t> others[] = {
      {"stale-epoch", s.stale_epoch_ignored},
      {"source-mismatch", s.source_mismatch},
      {"reply-larger-than-request", s.unpadded_requests},
      {"reply-rate-limited", s.replies_rate_limited},
      {"session-refused", s.sessions_refused},
      {"send-error", in.transport.send_errors},
      {"receive-error", in.transport.receive_errors},
      {"node-exception", in.driver.node_exceptions},
      {"step-full", in.outbox.dropped_datagrams()},
  };
  // Always present, so a rate() over them starts at zero rather than at the first drop.
  for (const auto& [reason, count] : others) out.sample(name, {{"reason", reason}}, count);
}

void roles(PrometheusText& out, const ServerNode& node) {
  out.family("dp_is_leader", Type::kGauge, "1 on the leader, 0 elsewhere.");
  out.sample("dp_is_leader", node.is_leader() ? 1 : 0);
  out.family("dp_role", Type::kGauge, "1 for the role this server is in (leader, follower, ...).");
  out.sample("dp_role", {{"role", wire::role_name(node.role())}}, std::uint64_t{1});
  out.family("dp_epoch_term", Type::kGauge, "Term of the epoch led or followed; 0 without one.");
  out.sample("dp_epoch_term", node.epoch().term);
  out.family("dp_peers_alive", Type::kGauge, "Other servers heard within the timeout.");
  std::uint64_t alive = 0;
  for (const auto& [id, info] : node.peers()) alive += info.alive ? 1 : 0;
  out.sample("dp_peers_alive", alive);
  out.family("dp_elections_started_total", Type::kCounter, "Elections this server started.");
  out.sample("dp_elections_started_total", node.stats().elections_started);
  out.family("dp_became_leader_total", Type::kCounter, "Times this server became the leader.");
  out.sample("dp_became_leader_total", node.stats().times_leader);
}

void replication(PrometheusText& out, const LogReplica& replica) {
  out.family("dp_replica_applied_seq", Type::kGauge, "Last log entry this replica applied.");
  out.sample("dp_replica_applied_seq", replica.applied_seq());
  out.family("dp_replica_commit_seq", Type::kGauge,
             "Last log entry committed (held by enough followers), on the leader.");
  out.sample("dp_replica_commit_seq", replica.commit_seq());
  const Sequencer& sequencer = replica.sequencer();
  out.family("dp_follower_acked_seq", Type::kGauge,
             "On the leader: the last entry each follower acknowledged.");
  out.family("dp_follower_lag_entries", Type::kGauge,
             "On the leader: entries each follower is behind the leader's applied seq.");
  if (replica.leading()) {
    for (const auto& [id, link] : sequencer.followers()) {
      const std::string follower = id.short_str();
      out.sample("dp_follower_acked_seq", {{"follower", follower}}, link.acked);
      const std::uint64_t lag =
          replica.applied_seq() > link.acked ? replica.applied_seq() - link.acked : 0;
      out.sample("dp_follower_lag_entries", {{"follower", follower}}, lag);
    }
  }
  const EntryRing& ring = sequencer.ring();
  const std::uint64_t held = replica.leading() ? ring.size() : 0;
  out.family("dp_ring_entries", Type::kGauge,
             "On the leader: log entries held for retransmission.");
  out.sample("dp_ring_entries", held);
  out.family("dp_ring_capacity_entries", Type::kGauge, "Entries the leader's ring can hold.");
  out.sample("dp_ring_capacity_entries", static_cast<std::uint64_t>(ring.capacity()));
  const ReplicaStats& s = replica.stats();
  out.family("dp_snapshots_sent_total", Type::kCounter, "Snapshots sent to followers.");
  out.sample("dp_snapshots_sent_total", s.snapshots_sent);
  out.family("dp_snapshots_installed_total", Type::kCounter, "Snapshots installed from a leader.");
  out.sample("dp_snapshots_installed_total", s.snapshots_installed);
}

template <class Rooms>
std::uint64_t players_in(const Rooms& rooms) {
  std::uint64_t n = 0;
  for (const auto& [id, room] : rooms) n += static_cast<std::uint64_t>(room.player_count());
  return n;
}

void occupancy(PrometheusText& out, const ServiceRegistry& services) {
  out.family("dp_rooms", Type::kGauge, "Rooms open, by game (as this replica holds them).");
  out.family("dp_players", Type::kGauge, "Players seated, by game (as this replica holds them).");
  out.family("dp_spectators", Type::kGauge, "Spectators this server serves, by game.");
  if (const auto* pong = services.find<pong::PongService>()) {
    out.sample("dp_rooms", {{"game", "pong"}},
               static_cast<std::uint64_t>(pong->book().rooms().size()));
    out.sample("dp_players", {{"game", "pong"}}, players_in(pong->book().rooms()));
    out.sample("dp_spectators", {{"game", "pong"}},
               static_cast<std::uint64_t>(pong->spectators().size()));
  }
  if (const auto* racing = services.find<racing::RacingService>()) {
    out.sample("dp_rooms", {{"game", "racing"}},
               static_cast<std::uint64_t>(racing->book().rooms().size()));
    out.sample("dp_players", {{"game", "racing"}}, players_in(racing->book().rooms()));
    out.sample("dp_spectators", {{"game", "racing"}},
               static_cast<std::uint64_t>(racing->spectators().size()));
  }
}

}  // namespace

ServerMetrics::ServerMetrics()
    : failover_s_({0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10}),
      durable_write_s_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1}) {}

void ServerMetrics::on_event(const NodeEvent& event) {
  switch (event.kind) {
    case NodeEventKind::kSuspectLeader:
      if (failover_since_us_ < 0) failover_since_us_ = event.at;
      break;
    case NodeEventKind::kBecameLeader:
    case NodeEventKind::kFollowing:
      if (event.epoch != last_epoch_) {
        ++leader_changes_;
        last_epoch_ = event.epoch;
      }
      if (failover_since_us_ >= 0) {
        failover_s_.observe(seconds(event.at - failover_since_us_));
        failover_since_us_ = -1;
      }
      break;
    default:
      break;
  }
}

void ServerMetrics::on_durable_write(TimeUs took_us) { durable_write_s_.observe(seconds(took_us)); }

std::string ServerMetrics::render(const MetricsSources& in, TimeUs now) const {
  PrometheusText out;
  out.family("dp_uptime_seconds", Type::kGauge, "Seconds since the server started.");
  out.sample("dp_uptime_seconds", {}, seconds(now));
  traffic(out, "dp_datagrams_received_total",
          "Datagrams received, by message type (unknown: no valid header).", in.driver.in_by_type);
  traffic(out, "dp_datagrams_sent_total", "Datagrams sent, by message type.",
          in.driver.out_by_type);
  drops(out, in);
  roles(out, in.node);
  out.family("dp_leader_changes_total", Type::kCounter,
             "Times this server began to lead or follow a new epoch.");
  out.sample("dp_leader_changes_total", leader_changes_);
  out.family("dp_failover_seconds", Type::kHistogram,
             "From suspecting the leader to leading or following the next one, on this server.");
  out.histogram("dp_failover_seconds", {}, failover_s_);
  replication(out, in.node.replica());
  occupancy(out, in.node.replica().services());
  out.family("dp_durable_write_seconds", Type::kHistogram,
             "Time to write one step's durable state to the database (terms, records).");
  out.histogram("dp_durable_write_seconds", {}, durable_write_s_);
  return out.take();
}

}  // namespace dp
