#include "sim/run/invariants.h"

namespace dp::sim {

const char* invariant_description(Invariant invariant) {
  switch (invariant) {
    case Invariant::kOneLeaderPerEpoch:
      return "never two leaders in one epoch";
    case Invariant::kEpochsMonotonic:
      return "epochs never go backwards on any node";
    case Invariant::kReplicasAgree:
      return "replicas that applied the same prefix have identical state";
    case Invariant::kAppliesCleanly:
      return "no replica applies with a gap or fails to apply an entry";
    case Invariant::kClientOrder:
      return "every client's (epoch, seq) strictly increases";
    case Invariant::kClientScore:
      return "no client's displayed score ever decreases";
    case Invariant::kRaceTraffic:
      return "the racers of one race see the same traffic";
    case Invariant::kSpectatorsReadOnly:
      return "spectators never change any replica's state";
    case Invariant::kChatAckedEverywhere:
      return "every acknowledged chat message is in every chat replica exactly once";
    case Invariant::kChatSameOrder:
      return "every chat client sees its channel in one order, with no gap";
    case Invariant::kChatNoDuplicates:
      return "no chat message is ever shown or stored twice";
    case Invariant::kNoSpin:
      return "no node asks for a tick at or before the tick it was given";
    case Invariant::kLeaderCountsApplied:
      return "no leader counts a follower further than it applied";
    case Invariant::kFirstLeaderHighest:
      return "after a clean start the first leader has the highest id";
    case Invariant::kFailoverBound:
      return "a clean leader crash is repaired within the timing's bound";
    case Invariant::kShownImpliesReplicated:
      return "a score is shown only once its point is on a commit quorum";
    case Invariant::kAppliedMonotonic:
      return "no server goes back on what it applied within an epoch while it runs";
    case Invariant::kLeaderComplete:
      return "a new leader resumes from everything committed before it";
    case Invariant::kRingBounds:
      return "a leader's entry ring keeps its bounds at the wrap";
    case Invariant::kRulesSymmetric:
      return "the rules favour neither side: every step mirrors exactly";
  }
  return "?";
}

InvariantObserver::InvariantObserver(RunContext& run) : run_(run) {
  bool racers = false;
  bool spectators = false;
  bool pong_players = false;
  for (const ClientSpec& c : run.scenario.clients) {
    racers = racers || c.game == Game::kRacing;
    spectators = spectators || c.spectate;
    pong_players = pong_players || (c.game == Game::kPong && !c.spectate);
  }
  const int checked = run.scenario.clients.empty() ? 4 : (spectators ? 8 : (racers ? 7 : 6));
  std::vector<Invariant> list;
  for (int i = 0; i < checked; ++i) list.push_back(static_cast<Invariant>(i));
  if (run.scenario.chat.servers > 0) {
    list.insert(list.end(), {Invariant::kChatAckedEverywhere, Invariant::kChatSameOrder,
                             Invariant::kChatNoDuplicates});
  }
  list.insert(list.end(),
              {Invariant::kNoSpin, Invariant::kLeaderCountsApplied, Invariant::kRingBounds,
               Invariant::kAppliedMonotonic, Invariant::kLeaderComplete,
               Invariant::kFirstLeaderHighest, Invariant::kFailoverBound});
  if (pong_players) {
    list.insert(list.end(), {Invariant::kShownImpliesReplicated, Invariant::kRulesSymmetric});
  }
  for (const Invariant i : list) {
    index_[i] = run_.result.invariants.size();
    run_.result.invariants.push_back({invariant_description(i), true, ""});
  }
}

InvariantResult* InvariantObserver::find(Invariant invariant) {
  const auto it = index_.find(invariant);
  return it != index_.end() ? &run_.result.invariants[it->second] : nullptr;
}

void InvariantObserver::violate(Invariant invariant, const std::string& detail) {
  InvariantResult* inv = find(invariant);
  if (inv == nullptr || !inv->passed) return;  // Keep the first violation.
  inv->passed = false;
  inv->detail = detail;
}

bool InvariantObserver::held(Invariant invariant) const {
  const auto it = index_.find(invariant);
  return it == index_.end() || run_.result.invariants[it->second].passed;
}

const std::string& InvariantObserver::detail(Invariant invariant) const {
  static const std::string kNone;
  const auto it = index_.find(invariant);
  return it != index_.end() ? run_.result.invariants[it->second].detail : kNone;
}

void InvariantObserver::on_node_event(HostIndex h, const NodeEvent& e) {
  if (!run_.is_server(h)) return;
  if (e.kind == NodeEventKind::kBecameLeader) {
    check_single_leader(h, e);
    check_monotonic(h, e);
  } else if (e.kind == NodeEventKind::kFollowing) {
    check_monotonic(h, e);
  }
}

void InvariantObserver::check_single_leader(HostIndex h, const NodeEvent& e) {
  if (e.epoch.leader != run_.sim.host(h).spec.id) {
    violate(Invariant::kOneLeaderPerEpoch,
            run_.name(h) + " became leader of epoch " + run_.epoch_name(e.epoch) +
                ", which names another node, at " + RunContext::seconds_str(e.at));
    return;
  }
  auto [it, inserted] = leader_of_epoch_.emplace(e.epoch, h);
  if (!inserted && it->second != h) {
    violate(Invariant::kOneLeaderPerEpoch,
            run_.name(it->second) + " and " + run_.name(h) + " both led epoch " +
                run_.epoch_name(e.epoch) + " (second at " + RunContext::seconds_str(e.at) + ")");
  }
}

void InvariantObserver::check_monotonic(HostIndex h, const NodeEvent& e) {
  if (e.epoch.is_none()) return;
  Epoch& last = last_epoch_[run_.sim.host(h).spec.id];
  if (e.epoch < last) {
    violate(Invariant::kEpochsMonotonic,
            run_.name(h) + " went from epoch " + run_.epoch_name(last) + " back to " +
                run_.epoch_name(e.epoch) + " at " + RunContext::seconds_str(e.at));
  }
  last = std::max(last, e.epoch);
}

void InvariantObserver::check_no_spin() {
  const SimStats& st = run_.sim.stats();
  if (st.tick_spins == 0) return;
  violate(Invariant::kNoSpin, run_.name(st.first_spin_host) + " asked for a tick at or before " +
                                  RunContext::seconds_str(st.first_spin_at) +
                                  ", the instant of its tick (" + std::to_string(st.tick_spins) +
                                  " such ticks in the run)");
}

void InvariantObserver::sample_replicas(TimeUs now) {
  sample(now, 0, run_.servers(), replicas_);
  if (run_.scenario.chat.servers > 0) {
    sample(now, run_.chat_servers_begin(), run_.chat_servers_end(), chat_replicas_);
  }
}

void InvariantObserver::sample(TimeUs now, HostIndex begin, HostIndex end,
                               ReplicaAgreementCheck& check) {
  samples_.clear();
  for (HostIndex h = begin; h < end; ++h) {
    if (!run_.live(h)) continue;
    const LogReplica& replica = run_.server(h).replica();
    samples_.push_back({RunContext::number(h), replica.synced_epoch(), replica.applied_seq(),
                        replica.services().digest()});
    const ReplicaStats& st = replica.stats();
    if (st.gap_applies > 0 || st.apply_errors > 0) {
      violate(Invariant::kAppliesCleanly, run_.name(h) + " counted " +
                                              std::to_string(st.gap_applies) + " gap applies and " +
                                              std::to_string(st.apply_errors) +
                                              " apply errors by " + RunContext::seconds_str(now));
    }
  }
  if (!check.add(now, samples_)) violate(Invariant::kReplicasAgree, check.detail());
}

}  // namespace dp::sim
