#include "sim/run/pong_matches.h"

#include <algorithm>

#include "core/services/pong/notes.h"

namespace dp::sim {

PongMatches::PongMatches(RunContext& run, InvariantObserver& invariants)
    : run_(run),
      invariants_(invariants),
      detailed_(run.scenario.players() <= kMaxDetailedClients),
      last_loss_us_(static_cast<std::size_t>(run.scenario.servers), -1) {
  for (std::size_t i = 0; i < run.scenario.clients.size(); ++i) {
    clients_.emplace_back("client " + std::to_string(i + 1));
  }
}

void PongMatches::on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) {
  if (!run_.is_client(t.to_host)) return;
  ClientTrack& c = clients_[t.to_host - run_.servers()];
  if (c.rx_bytes == 0) c.first_rx_us = now;
  c.rx_bytes += bytes.size();
  c.last_rx_us = now;
}

void PongMatches::on_host_started(TimeUs now, HostIndex h, bool) {
  if (run_.is_client(h)) clients_[h - run_.servers()].started_us = now;
}

void PongMatches::on_node_event(HostIndex h, const NodeEvent& e) {
  if (run_.is_client(h)) {
    on_client_event(h, e);
    return;
  }
  if (!run_.is_game_server(h) || e.kind != NodeEventKind::kServiceNote) return;
  if (auto p = e.note.as<pong::PointScored>()) scored_at_[{p->room, p->score}] = e.at;
  if (auto m = e.note.as<pong::MatchOver>()) scored_at_[{m->room, m->score}] = e.at;
}

void PongMatches::on_client_event(HostIndex h, const NodeEvent& e) {
  switch (e.kind) {
    case NodeEventKind::kClientRehomed:
      if (detailed_) {
        run_.client_note(e.at, run_.client_name(h) + " re-homed: first state from " +
                                   run_.server_name(e.peer) + ", epoch " +
                                   run_.epoch_name(e.epoch) + since_fault(e.at));
      }
      break;
    case NodeEventKind::kSuspectLeader:
      if (detailed_) {
        run_.client_note(e.at, run_.client_name(h) + " heard nothing from " +
                                   run_.server_name(e.peer) + " and looks for the cluster again");
      }
      break;
    case NodeEventKind::kServiceNote:
      if (auto shown = e.note.as<pong::StateShown>())
        on_state_shown(h, e, shown->room, shown->score);
      break;
    default:
      break;
  }
}

void PongMatches::on_state_shown(HostIndex h, const NodeEvent& e, std::uint32_t room,
                                 pong::Score score) {
  const int n = run_.client_number(h);
  const ClientNode* c = run_.client(h);
  const RoomKey key = key_of(c, room);
  RoomTrack& r = rooms_[key];
  r.summary.room = room;
  r.summary.cluster = key.first;
  ClientTrack& t = clients_[static_cast<std::size_t>(n - 1)];
  const bool seated = c != nullptr && c->shown() != nullptr && c->shown()->your_slot <= 1;
  // Two leaders during a split brain can both open a "room 1"; the seat a client shows last
  // is the one it plays in.
  if (seated && t.room == key) r.summary.players[c->shown()->your_slot] = n;
  if (t.room != key && seated) {
    // A client re-seated by a new leader (its old room was lost with the old leader's state)
    // no longer plays in the old room; one that finished it and plays again still did.
    if (auto old = rooms_.find(t.room); old != rooms_.end()) {
      for (int slot = 0; slot < 2; ++slot) {
        if (old->second.summary.players[slot] == n && !old->second.results[slot]) {
          old->second.summary.players[slot] = 0;
        }
      }
    }
    t.room = key;
    const std::uint8_t slot = c->shown()->your_slot;
    const bool opened = r.summary.players[0] == 0 && r.summary.players[1] == 0;
    r.summary.players[slot] = n;
    if (!detailed_ && ++seated_count_ == static_cast<int>(clients_.size())) {
      run_.match_note(e.at, "all " + std::to_string(seated_count_) + " bots are seated, in " +
                                std::to_string(rooms_.size()) + " rooms");
    }
    if (detailed_) {
      run_.match_note(e.at, run_.client_name(h) + " (skill " + std::to_string(skill_of(h)) + ") " +
                                (opened ? "opened room " : "joined room ") + std::to_string(room) +
                                " as the " + (slot == 0 ? "left" : "right") + " player");
    }
  }
  if (auto it = scored_at_.find({room, score});
      it != scored_at_.end() && displayed_.insert({room, score}).second) {
    run_.result.figures.point_to_display_us.push_back(e.at - it->second);
  }
  if (score.total() > r.shown.total() && score.at_least(r.shown)) {
    r.shown = score;
    if (detailed_) {
      run_.match_note(e.at, "room " + std::to_string(room) + ": " + score.str() + "  (as " +
                                run_.client_name(h) + " saw it, from " + run_.server_name(e.peer) +
                                ")");
    }
  }
}

void PongMatches::client_step(TimeUs now, HostIndex h) {
  const ClientNode* c = run_.client(h);
  if (c == nullptr) return;
  const int n = run_.client_number(h);
  ClientTrack& t = clients_[static_cast<std::size_t>(n - 1)];
  if (c->states_accepted() != t.states_seen && c->shown() != nullptr) {
    t.states_seen = c->states_accepted();
    const wire::RoomState& st = *c->shown();
    const bool other_cluster = c->stats().clusters_changed != t.clusters_seen;
    if (other_cluster) {
      t.clusters_seen = c->stats().clusters_changed;
      t.view.new_cluster();
    }
    t.view.on_state(now, c->shown_position(), st.room, pong::Score{st.score_left, st.score_right});
    if (!t.view.order_passed())
      invariants_.violate(Invariant::kClientOrder, *t.view.order_violation());
    if (!t.view.score_passed())
      invariants_.violate(Invariant::kClientScore, *t.view.score_violation());
    const std::size_t done_before = completed_client_failovers();
    client_failovers_.on_state(now, n, c->shown_position().epoch, other_cluster);
    report_completed_failovers(done_before, c->shown_position().epoch);
  }
  const bool done = c->phase() == ClientPhase::kFinished || c->phase() == ClientPhase::kLeft;
  if (done && c->matches_finished() > t.matches_seen) {
    t.matches_seen = c->matches_finished();
    const std::size_t done_before = completed_client_failovers();
    client_failovers_.on_unseated(now, n);
    report_completed_failovers(done_before, c->shown_position().epoch);
    // A racer's result is the race tracker's (race_matches.h): room ids are per game.
    if (c->result() && c->config().game == Game::kPong) report_game_over(now, n, *c->result());
  }
}

void PongMatches::report_game_over(TimeUs now, int client, const FinalResult& f) {
  const ClientNode* c = run_.client(run_.servers() + static_cast<HostIndex>(client - 1));
  RoomTrack& r = rooms_[key_of(c, f.room)];
  for (int slot = 0; slot < 2; ++slot) {
    if (r.summary.players[slot] == client) r.results[slot] = f;
  }
  if (r.over_reported) return;
  r.over_reported = true;
  const int winner = r.summary.players[f.winner_slot & 1];
  std::string text = "room " + std::to_string(f.room) + ": GAME OVER " +
                     pong::Score{f.score_left, f.score_right}.str() + ", ";
  text += winner != 0 ? "client " + std::to_string(winner) : std::string("the player");
  text += std::string(" (") + (f.winner_slot == 0 ? "left" : "right") + ") wins";
  if (detailed_ || ++over_lines_ <= 3) run_.match_note(now, text);
}

void PongMatches::on_host_crashing(TimeUs now, HostIndex h) {
  if (!run_.is_game_server(h)) return;
  if (run_.server(h).is_leader()) client_fault(now, h, "crash");
}

void PongMatches::on_disk_lost(TimeUs now, HostIndex h) { forget_lost_scores(now, h); }

// A score is shown once it is on the disks of min_replicas + 1 servers (leader included), and
// a crash loses nothing on disk. Once that many servers have lost their disks since it was
// scored (every copy was made after that), every copy may be gone: the cluster's fault
// tolerance was exceeded, and a fresh room is not a score taken back.
void PongMatches::forget_lost_scores(TimeUs now, HostIndex lost) {
  last_loss_us_[static_cast<std::size_t>(lost)] = now;
  const int server_count = static_cast<int>(run_.servers());
  const int min_replicas = run_.scenario.min_replicas;
  const int copies =
      1 + (min_replicas < 0 ? server_count / 2 : std::min(min_replicas, server_count - 1));
  bool forgot = false;
  for (ClientTrack& c : clients_) {
    TimeUs since = c.view.score_shown_at();
    if (auto it = scored_at_.find({c.view.room(), c.view.score()}); it != scored_at_.end()) {
      since = std::min(since, it->second);
    }
    int crashed_since = 0;
    for (TimeUs at : last_loss_us_) crashed_since += at >= since ? 1 : 0;
    if (crashed_since >= copies) {
      c.view.forget_scores();
      forgot = true;
    }
  }
  if (forgot && !total_outage_) {
    total_outage_ = true;
    run_.note(now, std::to_string(copies) + " servers have lost their disks since the players " +
                       "saw their scores: every copy of a room may be lost");
  }
}

void PongMatches::client_fault(TimeUs now, HostIndex leader, const char* what) {
  if (clients_.empty()) return;
  std::vector<int> seated;
  for (HostIndex h = run_.servers(); h < run_.clients_end(); ++h) {
    const ClientNode* c = run_.client(h);
    if (c == nullptr || c->room() == 0 || c->config().spectate) continue;
    if (c->phase() == ClientPhase::kFinished || c->phase() == ClientPhase::kLeft) continue;
    seated.push_back(run_.client_number(h));
  }
  client_failovers_.on_fault(now, RunContext::number(leader), what, run_.server(leader).epoch(),
                             seated);
  last_fault_us_ = now;
}

std::size_t PongMatches::completed_client_failovers() const {
  std::size_t done = 0;
  for (const ClientFailover& f : client_failovers_.failovers()) done += f.completed ? 1 : 0;
  return done;
}

void PongMatches::report_completed_failovers(std::size_t done_before, const Epoch& epoch) {
  if (completed_client_failovers() == done_before) return;
  for (std::size_t i = 0; i < client_failovers_.failovers().size(); ++i) {
    const ClientFailover& f = client_failovers_.failovers()[i];
    if (!f.completed || reported_failovers_.count(i)) continue;
    reported_failovers_.insert(i);
    if (f.rehomed == 0) continue;
    run_.client_note(f.completed_at_us, "all " + std::to_string(f.rehomed) + " seated client" +
                                            (f.rehomed == 1 ? "" : "s") +
                                            " now see the new leader (epoch " +
                                            run_.epoch_name(epoch) + "): client failover " +
                                            RunContext::ms_str(f.duration_us()) + " after the " +
                                            f.what + " of node " + std::to_string(f.server));
  }
}

std::string PongMatches::since_fault(TimeUs now) const {
  if (last_fault_us_ < 0) return "";
  return ", " + RunContext::ms_str(now - last_fault_us_) + " after the fault";
}

void PongMatches::finish() {
  Figures& f = run_.result.figures;
  f.client_failovers = client_failovers_.failovers();
  f.max_client_failover_us = client_failovers_.max_us();
  double rate_sum = 0;
  int rated = 0;
  for (HostIndex h = run_.servers(); h < run_.clients_end(); ++h) {
    const ClientNode* c = run_.client(h);
    const ClientTrack& t = clients_[h - run_.servers()];
    if (c != nullptr && c->config().spectate) continue;  // Spectators: spectator_watch.h.
    if (t.last_rx_us > t.first_rx_us) {
      const double rate =
          static_cast<double>(t.rx_bytes) * 1e6 / static_cast<double>(t.last_rx_us - t.first_rx_us);
      rate_sum += rate;
      ++rated;
      f.client_rx_bytes_per_s_max = std::max(f.client_rx_bytes_per_s_max, rate);
    }
    if (c == nullptr) continue;
    // A freeze still going at the end counts (a client frozen for the run's last minutes
    // must not pass a max-stall of a second); not a crashed client's.
    const TimeUs stall = run_.stall_of(*c, h);
    if (stall > f.longest_stall_us) {
      f.longest_stall_us = stall;
      f.longest_stall_client = run_.client_number(h);
    }
    f.client_states_accepted += c->states_accepted();
    f.client_rehomes += c->stats().rehomes;
    f.client_rediscoveries += c->stats().rediscoveries;
    if (c->score_went_backwards() && !total_outage_) {
      invariants_.violate(Invariant::kClientScore,
                          run_.client_name(h) + " reports that a displayed score went backwards");
    }
  }
  f.client_rx_bytes_per_s = rated > 0 ? rate_sum / rated : 0;
  // Matches: a room is finished when both players accepted the same game-over result.
  for (auto& [id, r] : rooms_) {
    MatchSummary m = r.summary;
    m.score = r.shown;
    // What each player saw at its game over; for a client's last match, what it shows now
    // (a result may come after the room's closing state ended the match).
    std::optional<FinalResult> results[2] = {r.results[0], r.results[1]};
    for (int slot = 0; slot < 2; ++slot) {
      if (m.players[slot] == 0 || results[slot]) continue;
      const ClientNode* c =
          run_.client(run_.servers() + static_cast<HostIndex>(m.players[slot] - 1));
      if (c != nullptr && c->result() && key_of(c, c->result()->room) == id) {
        results[slot] = c->result();
      }
    }
    if (results[0] && results[1] && results[0]->winner_slot == results[1]->winner_slot &&
        results[0]->score_left == results[1]->score_left &&
        results[0]->score_right == results[1]->score_right && results[0]->winner_slot <= 1) {
      m.finished = true;
      m.winner_slot = results[0]->winner_slot;
      m.score = pong::Score{results[0]->score_left, results[0]->score_right};
      m.finished_at_us = std::max(results[0]->at_us, results[1]->at_us);
      ++f.matches_finished;
    }
    f.matches.push_back(m);
  }
}

}  // namespace dp::sim
