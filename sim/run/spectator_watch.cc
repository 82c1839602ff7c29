#include "sim/run/spectator_watch.h"

#include <algorithm>

#include "core/wire/message_types.h"

namespace dp::sim {

namespace {

bool spectator_request(std::uint8_t kind) {
  using wire::MsgType;
  for (const MsgType t :
       {MsgType::kWatch, MsgType::kRaceWatch, MsgType::kListRooms, MsgType::kRaceListRooms}) {
    if (kind == static_cast<std::uint8_t>(t)) return true;
  }
  return false;
}

}  // namespace

SpectatorWatch::SpectatorWatch(RunContext& run, InvariantObserver& invariants)
    : run_(run), invariants_(invariants), clients_(run.scenario.clients.size()) {}

void SpectatorWatch::on_send(TimeUs now, HostIndex from, const OutDatagram& d) {
  if (!run_.is_game_server(from) || !run_.server(from).is_leader()) return;
  if (first_leader_tx_us_ < 0) first_leader_tx_us_ = now;
  last_leader_tx_us_ = now;
  leader_tx_bytes_ += d.size;
}

void SpectatorWatch::on_deliver(TimeUs, const Transit& t, std::span<const std::uint8_t> bytes) {
  // The step that handles this datagram handles nothing else: the digest must not move.
  if (run_.is_game_server(t.to_host) && spectator_request(t.kind)) {
    request_ = {t.to_host, run_.server(t.to_host).replica().services().digest()};
  }
  if (run_.is_client(t.to_host)) clients_[t.to_host - run_.servers()].rx_bytes += bytes.size();
}

void SpectatorWatch::after_step(TimeUs now, HostIndex h) {
  if (request_ && request_->first == h) {
    if (run_.server(h).replica().services().digest() != request_->second) {
      invariants_.violate(Invariant::kSpectatorsReadOnly,
                          "a spectator's request changed the state of " + run_.name(h) + " at " +
                              RunContext::seconds_str(now));
    }
    request_.reset();
  }
  if (!run_.is_client(h)) return;
  const ClientNode* c = run_.client(h);
  if (c == nullptr || !c->config().spectate) return;
  Track& t = clients_[h - run_.servers()];
  if (c->states_accepted() == t.states_seen) return;
  t.states_seen = c->states_accepted();
  if (c->watched() != t.watched && c->shown() != nullptr &&
      static_cast<int>(run_.scenario.clients.size()) - run_.scenario.players() <=
          kMaxDetailedSpectators) {
    run_.client_note(now, run_.client_name(h) + (t.watched.is_nil() ? " watches" : " now watches") +
                              " room " + std::to_string(c->shown()->room) + " from " +
                              run_.server_name(c->watched()));
  }
  t.watched = c->watched();
  if (t.first_state_us < 0) t.first_state_us = now;
  if (t.last_state_us >= 0) t.longest_gap_us = std::max(t.longest_gap_us, now - t.last_state_us);
  t.last_state_us = now;
}

void SpectatorWatch::finish() {
  Figures& f = run_.result.figures;
  double rate_sum = 0;
  for (HostIndex h = run_.servers(); h < run_.clients_end(); ++h) {
    const ClientNode* c = run_.client(h);
    if (c == nullptr || !c->config().spectate) continue;
    const Track& t = clients_[h - run_.servers()];
    ++f.spectators;
    // Still served at the end: seated with a live server (with no live room left it is sent
    // room 0 and waits there).
    const bool served = c->phase() == ClientPhase::kSeated && t.last_state_us >= 0;
    bool server_live = false;
    for (HostIndex s = 0; s < run_.servers(); ++s) {
      server_live = server_live || (run_.live(s) && run_.server(s).id() == c->watched());
    }
    if (served && server_live) ++f.spectators_watching;
    f.spectator_longest_gap_us = std::max(f.spectator_longest_gap_us, t.longest_gap_us);
    if (c->stats().watch_servers > 1) f.spectator_moves += c->stats().watch_servers - 1;
    if (t.last_state_us > t.first_state_us) {
      rate_sum += static_cast<double>(t.rx_bytes) * 1e6 /
                  static_cast<double>(t.last_state_us - t.first_state_us);
    }
  }
  if (f.spectators > 0) f.spectator_rx_bytes_per_s = rate_sum / f.spectators;
  if (last_leader_tx_us_ > first_leader_tx_us_) {
    f.leader_tx_bytes_per_s = static_cast<double>(leader_tx_bytes_) * 1e6 /
                              static_cast<double>(last_leader_tx_us_ - first_leader_tx_us_);
  }
}

}  // namespace dp::sim
