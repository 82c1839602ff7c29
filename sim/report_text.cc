// The human report: what happened when, what was expected, and the run's figures.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>

#include "core/wire/race_messages.h"
#include "sim/report.h"

namespace dp::sim {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string ms(const std::optional<TimeUs>& us) {
  return us ? fmt("%.1f ms", static_cast<double>(*us) / 1e3) : std::string("-");
}

void write_chat(const ChatFigures& c, std::ostream& out) {
  out << "\nChat: " << c.servers << " chat servers, " << c.clients << " chat clients; " << c.acked
      << " of " << c.queued << " messages acknowledged (" << fmt("%.1f", c.acked_per_s) << "/s), "
      << c.lines_shown << " lines shown\n";
  out << "  latency: queued to acknowledged p50 " << ms(c.ack_p50_us) << ", p99 "
      << ms(c.ack_p99_us) << ", max " << ms(c.ack_max_us) << "; queued to shown at another "
      << "client p50 " << ms(c.shown_p50_us) << ", p99 " << ms(c.shown_p99_us) << "\n";
  out << "  resends " << c.resends << ", told to wait (rate limit) " << c.rate_limited
      << ", moves to a new chat leader " << c.rehomes << "\n";
  for (const TimeUs fo : c.failovers_us) {
    out << "  chat failover as senders see it: " << fmt("%.1f ms", static_cast<double>(fo) / 1e3)
        << " (the longest wait for an ack of a message in flight at the chat leader's crash or "
           "queued in the second after)\n";
  }
}

class Namer {
 public:
  explicit Namer(const RunResult& r) {
    for (const HostSummary& h : r.hosts) {
      names_[h.id] = h.name;
      for (const NodeId& former : h.former_ids) names_[former] = h.name;
    }
  }
  std::string node(const NodeId& id) const {
    auto it = names_.find(id);
    return it != names_.end() ? it->second : "node " + id.short_str();
  }
  // "2/node 3": term 2, led by node 3.
  std::string epoch(const Epoch& e) const {
    if (e.is_none()) return "none";
    return std::to_string(e.term) + "/" + node(e.leader);
  }

 private:
  std::map<NodeId, std::string> names_;
};

std::string describe(const TimelineEntry& t, const Namer& n, const RunResult& r) {
  const std::string self = "node " + std::to_string(t.node);
  switch (t.what) {
    case TimelineEntry::What::kStarted: {
      const NodeId& id = r.hosts[static_cast<std::size_t>(t.node - 1)].id;
      return self + " started (id " + id.str() + ")";
    }
    case TimelineEntry::What::kRestarted:
      return self + " restarted (highest term on disk: " + std::to_string(t.disk_term) + ")";
    case TimelineEntry::What::kCrashed:
      return self + " crashed (" + (t.was_leader ? "leader" : "follower") + ", epoch " +
             n.epoch(t.epoch) + ")";
    case TimelineEntry::What::kNetwork:
      return "network: " + t.text;
    case TimelineEntry::What::kNote:
      return "note: " + t.text;
    case TimelineEntry::What::kMatch:
    case TimelineEntry::What::kClient:
      return t.text;
    case TimelineEntry::What::kNodeEvent:
      break;
  }
  const NodeEvent& e = t.event;
  switch (e.kind) {
    case NodeEventKind::kPeerDiscovered:
      return self + " discovered " + n.node(e.peer);
    case NodeEventKind::kPeerLost:
      return self + " lost " + n.node(e.peer);
    case NodeEventKind::kSuspectLeader:
      return self + " suspects leader " + n.node(e.peer) + " (epoch " + n.epoch(e.epoch) + ")";
    case NodeEventKind::kElectionStarted:
      return self + " starts an election (attempt " + std::to_string(e.attempt) + ")";
    case NodeEventKind::kBecameLeader:
      return self + " became LEADER, epoch " + n.epoch(e.epoch);
    case NodeEventKind::kFollowing:
      return self + " follows " + n.node(e.epoch.leader) + ", epoch " + n.epoch(e.epoch);
    case NodeEventKind::kSteppedDown:
      return self + " stepped down (newer epoch " + n.epoch(e.epoch) + ")";
    default:
      return self + " " + node_event_name(e.kind);
  }
}

// Final scores: every room when there are few, else a tally and the first few.
void write_matches(const RunResult& r, std::ostream& out) {
  const Figures& f = r.figures;
  constexpr std::size_t kListed = 10;
  out << "\nMatches (" << f.matches_finished << " of " << f.matches.size() << " rooms finished, "
      << f.clients << " bots)\n";
  std::size_t listed = 0;
  for (const MatchSummary& m : f.matches) {
    if (listed++ >= kListed) {
      out << "  ... " << f.matches.size() - kListed << " more rooms\n";
      break;
    }
    auto player = [&](int slot) {
      const int c = m.players[slot];
      if (c == 0) return std::string("(empty)");
      const HostSummary& h = r.hosts[static_cast<std::size_t>(r.servers + c - 1)];
      return h.name + " (skill " + std::to_string(h.skill_percent) + ")";
    };
    out << "  room " << m.room;
    if (m.cluster > 0) out << " (rebuilt cluster " << m.cluster << ")";
    out << ": " << player(0) << " vs " << player(1) << "  " << m.score.str();
    if (m.finished) {
      out << "  winner: " << player(m.winner_slot) << " at "
          << fmt("%.3f s", static_cast<double>(m.finished_at_us) / 1e6) << "\n";
    } else {
      out << "  (not finished)\n";
    }
  }
}

// Racing rooms: the racers, their final scores and the winner.
void write_races(const RunResult& r, std::ostream& out) {
  const Figures& f = r.figures;
  constexpr std::size_t kListed = 10;
  out << "\nRaces (" << f.races_finished << " of " << f.races.size() << " racing rooms finished)\n";
  std::size_t listed = 0;
  for (const RaceSummary& race : f.races) {
    if (listed++ >= kListed) {
      out << "  ... " << f.races.size() - kListed << " more racing rooms\n";
      break;
    }
    out << "  race room " << race.room;
    if (race.cluster > 0) out << " (rebuilt cluster " << race.cluster << ")";
    out << ":";
    for (std::size_t i = 0; i < race.racers.size(); ++i) {
      const HostSummary& h = r.hosts[static_cast<std::size_t>(r.servers + race.racers[i] - 1)];
      out << (i == 0 ? " " : ", ") << h.name;
      if (race.finished && race.slots[i] < race.scores.size()) {
        out << " " << race.scores[race.slots[i]];
      }
    }
    if (!race.finished) {
      out << "  (not finished)\n";
    } else if (race.winner == wire::RaceState::kDrawWinner) {
      out << "  a draw\n";
    } else {
      std::string winner = "racer " + std::to_string(race.winner);
      for (std::size_t i = 0; i < race.racers.size(); ++i) {
        if (race.slots[i] + 1 == race.winner) {
          winner = r.hosts[static_cast<std::size_t>(r.servers + race.racers[i] - 1)].name;
        }
      }
      out << "  winner: " << winner << "\n";
    }
  }
}

void write_client_figures(const RunResult& r, const Namer& n, std::ostream& out) {
  const Figures& f = r.figures;
  for (const ClientFailover& fo : f.client_failovers) {
    out << "  client failover after the " << fo.what << " of node " << fo.server << " at "
        << fmt("%.3f s", static_cast<double>(fo.fault_at_us) / 1e6) << " (epoch "
        << n.epoch(fo.old_epoch) << "): ";
    if (!fo.completed) {
      out << "INCOMPLETE, " << fo.rehomed << " of " << fo.clients << " clients re-homed\n";
    } else if (fo.rehomed == 0) {
      out << "no client was waiting\n";
    } else {
      out << fmt("%.1f ms", static_cast<double>(fo.duration_us()) / 1e3) << " until all "
          << fo.rehomed << " seated clients showed a state from the new leader (last: client "
          << fo.last_client << ")\n";
    }
  }
  if (f.max_client_failover_us) {
    out << "  failover (max over crashes, as clients see it): "
        << fmt("%.1f ms", static_cast<double>(*f.max_client_failover_us) / 1e3) << "\n";
  }
  if (!f.point_to_display_us.empty()) {
    std::vector<TimeUs> sorted = f.point_to_display_us;
    std::sort(sorted.begin(), sorted.end());
    out << "  point to display (leader orders it -> first player shows it): median "
        << fmt("%.1f ms", static_cast<double>(sorted[sorted.size() / 2]) / 1e3) << ", max "
        << fmt("%.1f ms", static_cast<double>(sorted.back()) / 1e3) << " over " << sorted.size()
        << " points\n";
  }
  out << "  longest stall any client saw: "
      << fmt("%.1f ms", static_cast<double>(f.longest_stall_us) / 1e3) << " (client "
      << f.longest_stall_client << ")\n";
  out << "  bytes per second: " << fmt("%.0f", f.client_rx_bytes_per_s)
      << " into each client (mean; max " << fmt("%.0f", f.client_rx_bytes_per_s_max) << "), "
      << fmt("%.0f", f.follower_rx_bytes_per_s) << " into each follower, "
      << fmt("%.0f", f.leader_tx_bytes_per_s) << " out of the leader\n";
  out << "  client states accepted: " << f.client_states_accepted
      << ", re-homes: " << f.client_rehomes << ", rediscoveries: " << f.client_rediscoveries
      << "\n";
}

// The attacker's part: what it sent, what the servers refused, whether leadership moved.
void write_attack(const Figures& f, std::ostream& out) {
  const AttackFigures& a = *f.attack;
  out << "\nAttacker (saw " << a.captured << " datagrams on the tap)\n";
  for (const auto& [attack, sent] : a.sent) {
    out << "  sent by " << attack << ": " << sent.datagrams << " datagrams, " << sent.bytes
        << " bytes\n";
  }
  if (a.sent.empty()) out << "  sent nothing\n";
  if (a.flooded) {
    out << "  discovery flood: " << a.flood_bytes << " bytes of requests sent, "
        << a.victim_datagrams << " answers (" << a.victim_bytes
        << " bytes) from the servers to the victim: amplification "
        << fmt("%.4f", a.amplification()) << "x\n";
  }
  out << "  refused by the servers' authentication: " << f.auth_refused << "; all refusals:";
  if (f.refused_by_reason.empty()) out << " none";
  for (const auto& [reason, count] : f.refused_by_reason) out << " " << reason << " " << count;
  out << "\n  leader changes (new epochs after the first): " << f.leader_changes << "\n";
}

}  // namespace

std::string digest_hex(std::uint64_t digest) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, digest);
  return buf;
}

std::string format_verdict(const RunResult& r) {
  std::size_t failed = 0;
  for (const auto& e : r.expectations) failed += e.passed ? 0 : 1;
  for (const auto& i : r.invariants) failed += i.passed ? 0 : 1;
  std::string line = r.passed ? "PASS " : "FAIL ";
  line += r.file + "  seed " + std::to_string(r.seed) + "  digest " + digest_hex(r.digest);
  if (!r.passed) {
    line += "  (" + std::to_string(failed) + " check" + (failed == 1 ? "" : "s") + " failed";
    if (!r.run_error.empty()) line += "; " + r.run_error;
    line += ")";
  }
  return line;
}

void write_text_report(const RunResult& r, std::ostream& out, bool transcript) {
  const Namer n(r);
  out << r.title << "\n";
  out << "  " << r.file << ", seed " << r.seed << ", "
      << fmt("%.3f", static_cast<double>(r.duration_us) / 1e6) << " s simulated\n\n";

  out << "Timeline\n";
  for (const TimelineEntry& t : r.timeline) {
    out << fmt("%8.3fs", static_cast<double>(t.at_us) / 1e6) << "  " << describe(t, n, r) << "\n";
  }
  if (r.timeline_dropped > 0) {
    out << "  ... " << r.timeline_dropped << " more entries not shown\n";
  }

  if (!r.status.empty()) {
    out << "\nStatus (a line per change of a server's role or epoch: role, epoch, applied seq, "
           "commit seq and ring use of a leader; L leads, R recovers, F follows, C candidate, "
           "B backs off, - no leader, X down; * the server that changed)\n";
    for (const std::string& line : r.status) out << line << "\n";
    if (r.status_dropped > 0) out << "  ... " << r.status_dropped << " more lines not shown\n";
  }

  out << "\nExpectations\n";
  if (r.expectations.empty()) out << "  (none)\n";
  for (const ExpectationResult& e : r.expectations) {
    out << "  " << (e.passed ? "PASS" : "FAIL") << "  " << e.description;
    if (!e.detail.empty()) out << ": " << e.detail;
    out << "\n";
  }
  out << "\nInvariants (checked on every run)\n";
  for (const InvariantResult& i : r.invariants) {
    out << "  " << (i.passed ? "PASS" : "FAIL") << "  " << i.name;
    if (!i.detail.empty()) out << ": " << i.detail;
    out << "\n";
  }
  if (!r.run_error.empty()) out << "  FAIL  " << r.run_error << "\n";

  const Figures& f = r.figures;
  if (f.clients > 0 && (!f.matches.empty() || f.races.empty())) write_matches(r, out);
  if (!f.races.empty()) write_races(r, out);
  if (f.spectators > 0) {
    out << "\nSpectators: " << f.spectators << " (" << f.spectators_watching
        << " watching at the end), longest gap "
        << fmt("%.1f ms", static_cast<double>(f.spectator_longest_gap_us) / 1e3) << ", "
        << f.spectator_moves << " moves to another server, "
        << fmt("%.0f", f.spectator_rx_bytes_per_s) << " bytes/s into each\n";
  }
  if (f.chat) write_chat(*f.chat, out);
  if (f.attack) write_attack(f, out);
  out << "\nFigures\n";
  if (f.clients > 0) write_client_figures(r, n, out);
  if (f.failovers.empty()) out << "  failover: no leader crashed\n";
  for (const Failover& fo : f.failovers) {
    out << "  election failover after node " << fo.crashed_node << " crashed at "
        << fmt("%.3f s", static_cast<double>(fo.crashed_at_us) / 1e6) << ": ";
    if (fo.completed) {
      out << fmt("%.1f ms", static_cast<double>(fo.duration_us()) / 1e3) << " (node "
          << fo.new_leader << " leads epoch " << n.epoch(fo.new_epoch)
          << ", every live server follows it)\n";
    } else {
      out << "did not complete\n";
    }
  }
  if (f.max_failover_us) {
    out << "  max election failover: "
        << fmt("%.1f ms", static_cast<double>(*f.max_failover_us) / 1e3) << "\n";
  }
  out << "  elections started: " << f.elections_started
      << ", leaders elected: " << f.leaders_elected << "\n";
  out << "  messages sent: " << f.datagrams_sent << " (";
  bool first = true;
  for (const auto& [type, count] : f.messages_by_type) {
    out << (first ? "" : ", ") << type << " " << count;
    first = false;
  }
  out << ")\n";
  out << "  delivered: " << f.deliveries << ", dropped:";
  if (f.drops_by_reason.empty()) out << " 0";
  for (const auto& [reason, count] : f.drops_by_reason) out << " " << reason << " " << count;
  out << "\n";
  if (f.stale_epoch_ignored > 0 || f.datagrams_rejected > 0) {
    out << "  stale-epoch messages ignored: " << f.stale_epoch_ignored
        << ", datagrams rejected: " << f.datagrams_rejected << "\n";
  }
  if (f.snapshots_sent > 0 || f.snapshots_installed > 0 || f.retransmitted_events > 0) {
    out << "  replication: " << f.retransmitted_events << " events retransmitted, "
        << f.snapshots_sent << " snapshots sent, " << f.snapshots_installed << " installed\n";
  }
  if (!transcript) {
    out << "  speed: " << fmt("%.1f", f.simulated_seconds) << " simulated s in "
        << fmt("%.3f", f.wall_seconds) << " wall s = " << fmt("%.0f", f.sim_seconds_per_wall_second)
        << " simulated s per wall s\n";
  }
  out << "\nTrace digest: " << digest_hex(r.digest) << "\n\n";
  out << format_verdict(r) << "\n";
}

}  // namespace dp::sim
