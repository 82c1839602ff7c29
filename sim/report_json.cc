// The machine-readable summary: one JSON object per run.
#include "sim/json_writer.h"
#include "sim/report.h"

namespace dp::sim {

void write_json_report(const RunResult& r, std::ostream& out) {
  JsonWriter w(out);
  w.begin_object();
  w.field("file", r.file);
  w.field("title", r.title);
  w.field("seed", r.seed);
  w.field("passed", r.passed);
  if (!r.run_error.empty()) w.field("run_error", r.run_error);
  w.key("expectations");
  w.begin_array();
  for (const ExpectationResult& e : r.expectations) {
    w.begin_object();
    w.field("description", e.description);
    w.field("passed", e.passed);
    w.field("detail", e.detail);
    w.end_object();
  }
  w.end_array();
  w.key("invariants");
  w.begin_array();
  for (const InvariantResult& i : r.invariants) {
    w.begin_object();
    w.field("description", i.name);
    w.field("passed", i.passed);
    w.field("detail", i.detail);
    w.end_object();
  }
  w.end_array();

  const Figures& f = r.figures;
  w.key("figures");
  w.begin_object();
  auto ms_or_null = [&](const char* key, const std::optional<TimeUs>& us) {
    w.key(key);
    if (us) {
      w.value(static_cast<double>(*us) / 1e3);
    } else {
      w.null();
    }
  };
  // failover_ms: as the players see it (crash until every seated client shows a state from
  // the new leader), max over leader faults; in a scenario without players, as the servers
  // see it. election_failover_ms: always as the servers see it.
  ms_or_null("failover_ms", f.clients > 0 ? f.max_client_failover_us : f.max_failover_us);
  ms_or_null("election_failover_ms", f.max_failover_us);
  w.field("clients", f.clients);
  w.key("client_failovers");
  w.begin_array();
  for (const ClientFailover& fo : f.client_failovers) {
    w.begin_object();
    w.field("server", fo.server);
    w.field("fault", fo.what);
    w.field("fault_at_ms", static_cast<double>(fo.fault_at_us) / 1e3);
    w.field("old_epoch", fo.old_epoch.str());
    w.field("clients", fo.clients);
    w.field("rehomed", fo.rehomed);
    w.field("completed", fo.completed);
    w.key("failover_ms");
    if (fo.completed && fo.rehomed > 0) {
      w.value(static_cast<double>(fo.duration_us()) / 1e3);
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  w.field("longest_stall_ms", static_cast<double>(f.longest_stall_us) / 1e3);
  w.key("point_to_display_ms");
  w.begin_array();
  for (const TimeUs us : f.point_to_display_us) w.value(static_cast<double>(us) / 1e3);
  w.end_array();
  w.field("client_rx_bytes_per_s", f.client_rx_bytes_per_s);
  w.field("client_rx_bytes_per_s_max", f.client_rx_bytes_per_s_max);
  w.field("follower_rx_bytes_per_s", f.follower_rx_bytes_per_s);
  w.field("retransmitted_events", f.retransmitted_events);
  w.field("snapshots_sent", f.snapshots_sent);
  w.field("snapshots_installed", f.snapshots_installed);
  w.field("client_states_accepted", f.client_states_accepted);
  w.field("client_rehomes", f.client_rehomes);
  w.field("matches_finished", f.matches_finished);
  w.field("leader_tx_bytes_per_s", f.leader_tx_bytes_per_s);
  if (f.chat) {
    const ChatFigures& c = *f.chat;
    w.field("chat_queued", c.queued);
    w.field("chat_acked", c.acked);
    w.field("chat_lines_shown", c.lines_shown);
    w.field("chat_acked_per_s", c.acked_per_s);
    if (c.ack_p50_us) w.field("chat_ack_p50_us", static_cast<std::uint64_t>(*c.ack_p50_us));
    if (c.ack_p99_us) w.field("chat_ack_p99_us", static_cast<std::uint64_t>(*c.ack_p99_us));
    if (c.shown_p50_us) w.field("chat_shown_p50_us", static_cast<std::uint64_t>(*c.shown_p50_us));
    if (c.shown_p99_us) w.field("chat_shown_p99_us", static_cast<std::uint64_t>(*c.shown_p99_us));
    TimeUs worst = 0;
    for (const TimeUs fo : c.failovers_us) worst = std::max(worst, fo);
    if (!c.failovers_us.empty()) w.field("chat_max_failover_us", static_cast<std::uint64_t>(worst));
  }
  if (f.spectators > 0) {
    w.field("spectators", static_cast<std::uint64_t>(f.spectators));
    w.field("spectator_rx_bytes_per_s", f.spectator_rx_bytes_per_s);
    w.field("spectator_longest_gap_us", static_cast<std::uint64_t>(f.spectator_longest_gap_us));
  }
  if (!f.races.empty()) {
    w.field("races", static_cast<std::uint64_t>(f.races.size()));
    w.field("races_finished", f.races_finished);
  }
  if (f.attack) {
    const AttackFigures& a = *f.attack;
    std::uint64_t sent = 0;
    std::uint64_t sent_bytes = 0;
    for (const auto& [attack, s] : a.sent) {
      sent += s.datagrams;
      sent_bytes += s.bytes;
    }
    w.field("attacker_datagrams_sent", sent);
    w.field("attacker_bytes_sent", sent_bytes);
    w.field("attacker_captured", a.captured);
    w.field("auth_refused", f.auth_refused);
    w.field("leader_changes", f.leader_changes);
    if (a.flooded) {
      w.field("flood_bytes_sent", a.flood_bytes);
      w.field("flood_victim_bytes", a.victim_bytes);
      w.field("flood_amplification", a.amplification());
    }
  }
  w.key("matches");
  w.begin_array();
  for (const MatchSummary& m : f.matches) {
    w.begin_object();
    w.field("room", static_cast<std::uint64_t>(m.room));
    if (m.cluster > 0) w.field("cluster", m.cluster);
    w.field("left_client", m.players[0]);
    w.field("right_client", m.players[1]);
    w.field("finished", m.finished);
    w.field("score_left", static_cast<std::uint64_t>(m.score.left));
    w.field("score_right", static_cast<std::uint64_t>(m.score.right));
    w.key("winner");
    if (m.finished) {
      w.value(m.winner_slot == 0 ? "left" : "right");
    } else {
      w.null();
    }
    w.end_object();
  }
  w.end_array();
  w.key("failovers");
  w.begin_array();
  for (const Failover& fo : f.failovers) {
    w.begin_object();
    w.field("crashed_node", fo.crashed_node);
    w.field("crashed_at_ms", static_cast<double>(fo.crashed_at_us) / 1e3);
    w.field("old_epoch", fo.old_epoch.str());
    w.field("completed", fo.completed);
    w.key("failover_ms");
    if (fo.completed) {
      w.value(static_cast<double>(fo.duration_us()) / 1e3);
    } else {
      w.null();
    }
    w.field("new_leader", fo.new_leader);
    w.field("new_epoch", fo.new_epoch.str());
    w.end_object();
  }
  w.end_array();
  w.key("messages_by_type");
  w.begin_object();
  for (const auto& [type, count] : f.messages_by_type) w.field(type, count);
  w.end_object();
  w.field("messages_sent", f.datagrams_sent);
  w.field("deliveries", f.deliveries);
  w.key("drops_by_reason");
  w.begin_object();
  for (const auto& [reason, count] : f.drops_by_reason) w.field(reason, count);
  w.end_object();
  w.field("elections_started", f.elections_started);
  w.field("leaders_elected", f.leaders_elected);
  w.field("stale_epoch_ignored", f.stale_epoch_ignored);
  w.field("datagrams_rejected", f.datagrams_rejected);
  w.field("events_processed", f.events_processed);
  w.field("simulated_seconds", f.simulated_seconds);
  w.field("wall_seconds", f.wall_seconds);
  w.field("sim_seconds_per_wall_second", f.sim_seconds_per_wall_second);
  w.end_object();

  w.field("digest", digest_hex(r.digest));
  w.end_object();
  out << "\n";
}

}  // namespace dp::sim
