// A scenario run: the simulated cluster, composed from the observers and handlers of sim/run/
// (digest, timeline and trace, invariants, cluster figures, Pong's match story, actions,
// expectations), each of which keeps its own part of the result.
#include "sim/runner.h"

#include <chrono>
#include <memory>

#include "core/common/assert.h"
#include "core/services/games.h"
#include "sim/attacker.h"
#include "sim/chat_host.h"
#include "sim/client_host.h"
#include "sim/run/actions.h"
#include "sim/run/chat_checks.h"
#include "sim/run/cluster_figures.h"
#include "sim/run/completeness_checks.h"
#include "sim/run/digest_observer.h"
#include "sim/run/election_checks.h"
#include "sim/run/expectations.h"
#include "sim/run/invariants.h"
#include "sim/run/pcap_writer.h"
#include "sim/run/pong_matches.h"
#include "sim/run/race_matches.h"
#include "sim/run/replication_checks.h"
#include "sim/run/rules_checks.h"
#include "sim/run/run_context.h"
#include "sim/run/spectator_watch.h"
#include "sim/run/status_view.h"
#include "sim/run/timeline_observer.h"
#include "sim/server_host.h"

namespace dp::sim {
namespace {

class Run {
 public:
  Run(const Scenario& scenario, const RunOptions& options)
      : run_(scenario, options),
        invariants_(run_),
        replication_(run_, invariants_),
        completeness_(run_, invariants_),
        elections_(run_, invariants_),
        rules_(run_, invariants_),
        cluster_(run_),
        timeline_(run_),
        matches_(run_, invariants_),
        races_(run_, invariants_),
        spectators_(run_, invariants_),
        chat_(run_, invariants_),
        actions_(run_, cluster_, matches_),
        expectations_(run_, cluster_, invariants_, chat_) {}

  RunResult run() {
    add_hosts();
    if (attacker_) run_.sim.add_observer(attacker_.get());
    if (run_.options.status) {
      status_ = std::make_unique<StatusView>(run_);
      run_.sim.add_observer(status_.get());
    }
    if (run_.options.pcap != nullptr) {
      pcap_ = std::make_unique<PcapWriter>(*run_.options.pcap);
      run_.sim.add_observer(pcap_.get());
    }
    for (SimObserver* o : std::initializer_list<SimObserver*>{
             &digest_, &invariants_, &replication_, &completeness_, &elections_, &rules_, &cluster_,
             &timeline_, &matches_, &races_, &spectators_, &chat_, &actions_}) {
      run_.sim.add_observer(o);
    }
    schedule_sample(kSampleIntervalUs);
    for (const ScenarioAction& a : run_.scenario.actions) {
      run_.sim.schedule_call(a.at_us, [this, &a] { actions_.apply(a); });
    }
    expectations_.schedule();
    // It watches every datagram sent only for a message-count: most runs need not pay for it.
    if (expectations_.counts_messages()) run_.sim.add_observer(&expectations_);

    const auto wall_start = std::chrono::steady_clock::now();
    RunStatus status = RunStatus::kOk;
    try {
      status = run_.sim.run_until(run_.scenario.duration_us);
    } catch (const AssertionFailure& failure) {
      // An invariant of the code itself broke: stop here, say how to replay it.
      run_.result.run_error = std::string(kAssertionFailed) + " at " +
                              RunContext::seconds_str(run_.sim.now()) + ": " + failure.what() +
                              "; replay with: pong-sim run " + run_.scenario.file + " --seed " +
                              std::to_string(run_.result.seed);
      run_.result.passed = false;
      run_.result.figures.simulated_seconds = static_cast<double>(run_.sim.now()) / 1e6;
      return std::move(run_.result);
    }
    const auto wall_end = std::chrono::steady_clock::now();
    if (status == RunStatus::kQueueFull) {
      run_.result.run_error = "the event queue hit its bound; the run was stopped";
    } else if (status == RunStatus::kEventBudgetHit) {
      run_.result.run_error = "the run exceeded its event budget; the run was stopped";
    }
    finish(std::chrono::duration<double>(wall_end - wall_start).count());
    return std::move(run_.result);
  }

 private:
  void add_hosts() {
    const Scenario& s = run_.scenario;
    Simulator& sim = run_.sim;
    sim.network().set_all_links(s.network);
    ReplicaConfig replica;
    replica.min_replicas =
        s.min_replicas < 0 ? Quorum::kMajority : static_cast<std::size_t>(s.min_replicas);
    replica.inject_bug_skip_nack = s.inject_bug_skip_nack;
    replica.inject_bug_commit_ahead = s.inject_bug_commit_ahead;
    replica.sequencer = ring_sequencer_config(s.ring_capacity);
    pong::PongConfig pong;
    pong.target_score = s.target_score;
    pong.forfeit_timeout_us = s.forfeit_timeout_us;
    racing::RacingConfig racing;
    racing.seats = s.race_seats;
    const ServicesFactory services = [pong, racing] { return game_services(pong, racing); };
    ClusterKeys keys;
    if (s.cluster_key) keys.primary = scenario_cluster_key(run_.result.seed, "game");
    for (int i = 1; i <= s.servers; ++i) {
      // The high word orders the servers (node N has the highest id); the seed picks the low
      // word, so a different seed changes every id and so every datagram.
      const NodeId id{static_cast<std::uint64_t>(i), sim.setup_rng().next_u64()};
      const HostIndex h =
          sim.add_host(server_host_spec(i, id),
                       server_factory(s.mode, s.timing, replica,
                                      static_cast<std::uint32_t>(s.servers), services, keys));
      run_.result.hosts.push_back({"node " + std::to_string(i), id, 0, {}});
      sim.schedule_start(h, sim.setup_rng().range(0, s.start_spread_us));
    }
    // Clients draw from a generator forked after the servers', so adding a client never
    // changes a server's id or start time.
    Rng client_rng = sim.setup_rng().fork();
    for (std::size_t i = 0; i < s.clients.size(); ++i) {
      const ClientSpec& spec = s.clients[i];
      const int n = static_cast<int>(i) + 1;
      // Client ids sort below every server's (high word 0), so they never win anything.
      const NodeId id{0, client_rng.next_u64() | 1u};
      const int skill = static_cast<int>(client_rng.range(spec.skill_min, spec.skill_max));
      const TimeUs start = spec.start_us + client_rng.range(0, spec.start_spread_us);
      const HostIndex h =
          sim.add_host(client_host_spec(n, id),
                       bot_client_factory(skill, spec.room, spec.matches, spec.rematch_after_us,
                                          spec.game, spec.spectate));
      run_.result.hosts.push_back({"client " + std::to_string(n), id, skill, {}});
      sim.schedule_start(h, start);
    }
    run_.result.figures.clients = static_cast<int>(s.clients.size());
    if (s.chat.servers > 0) add_chat_hosts();
    if (run_.has_attacker) add_attacker();
  }

  // The attacker's host, after every other (whose ids, seeds and start times stay what they
  // were without it); its ids come from a generator of its own.
  void add_attacker() {
    const Scenario& s = run_.scenario;
    Rng rng(run_.result.seed ^ 0xa77ac6e5u);
    const NodeId id{0, rng.next_u64() | 1u};
    Attacker::Config config;
    config.host = run_.sim.add_host(attacker_host_spec(id), attacker_factory());
    config.servers_end = run_.servers();
    config.clients_end = run_.clients_end();
    config.mode = s.mode;
    config.wrong_key = scenario_cluster_key(run_.result.seed, "attacker");
    // Above every server in the Bully order (their high words are 1..32).
    config.forged_id = NodeId{0xffff, rng.next_u64()};
    for (const ScenarioAction& a : s.actions) {
      if (a.kind == ActionKind::kReplay) {
        config.capture_window_us = std::max(config.capture_window_us, a.attack.window_us);
      }
    }
    run_.result.hosts.push_back({"attacker", id, 0, {}});
    run_.sim.schedule_start(config.host, 0);
    attacker_ = std::make_unique<Attacker>(run_.sim, config);
    actions_.set_attacker(attacker_.get());
  }

  // The chat cluster and its clients, after every game host (whose ids and start times stay
  // what they were without a chat).
  void add_chat_hosts() {
    const Scenario& s = run_.scenario;
    Simulator& sim = run_.sim;
    Rng rng = sim.setup_rng().fork();
    ClusterKeys chat_keys;
    if (s.cluster_key) chat_keys.primary = scenario_cluster_key(run_.result.seed, "chat");
    const NodeFactory server =
        chat_server_factory(s.mode, s.timing, static_cast<std::uint32_t>(s.chat.servers),
                            s.chat.server_rate_per_s, s.chat.server_burst, chat_keys);
    for (int i = 1; i <= s.chat.servers; ++i) {
      const NodeId id{static_cast<std::uint64_t>(i), rng.next_u64()};
      const HostIndex h = sim.add_host(chat_server_host_spec(i, id), server);
      run_.result.hosts.push_back({"chat node " + std::to_string(i), id, 0, {}});
      sim.schedule_start(h, rng.range(0, s.start_spread_us));
    }
    for (int i = 1; i <= s.chat.clients; ++i) {
      const NodeId id{0, rng.next_u64() | 1u};
      ChatBotSpec bot;
      bot.channel = s.chat.channel;
      const bool flooder = i <= s.chat.flooders;
      bot.messages = flooder ? s.chat.flood_messages : s.chat.messages;
      bot.interval_us = flooder ? s.chat.flood_interval_us : s.chat.interval_us;
      // Spread over one interval, so the clients do not send in lock-step.
      bot.start_us = s.chat.start_us + rng.range(0, bot.interval_us);
      const HostIndex h = sim.add_host(chat_client_host_spec(i, id), chat_client_factory(bot));
      run_.result.hosts.push_back({"chat client " + std::to_string(i), id, 0, {}});
      sim.schedule_start(h, std::min(s.chat.start_us, 200 * kUsPerMs + rng.range(0, 100'000)));
    }
  }

  void schedule_sample(TimeUs at) {
    if (at > run_.scenario.duration_us) return;
    run_.sim.schedule_call(at, [this, at] {
      invariants_.sample_replicas(at);
      cluster_.sample(kSampleIntervalUs);
      schedule_sample(at + kSampleIntervalUs);
    });
  }

  void finish(double wall_seconds) {
    invariants_.sample_replicas(run_.sim.now());
    invariants_.check_no_spin();
    run_.result.figures.replica_positions_compared = invariants_.positions_compared();
    matches_.finish();
    races_.finish();
    spectators_.finish();
    chat_.finish();
    cluster_.finish(wall_seconds);
    elections_.finish();
    if (attacker_) {
      AttackFigures a;
      for (const auto& [attack, tally] : attacker_->sent()) {
        a.sent[attack] = AttackFigures::Sent{tally.datagrams, tally.bytes};
      }
      a.captured = attacker_->captured();
      a.flooded = attacker_->flooded();
      a.flood_bytes = attacker_->flood_bytes();
      a.victim_datagrams = attacker_->victim_answers().datagrams;
      a.victim_bytes = attacker_->victim_answers().bytes;
      run_.result.figures.attack = std::move(a);
    }
    expectations_.finish();
    RunResult& r = run_.result;
    r.digest = digest_.value();
    bool passed = r.run_error.empty();
    for (const ExpectationResult& e : r.expectations) passed = passed && e.passed;
    for (const InvariantResult& i : r.invariants) passed = passed && i.passed;
    r.passed = passed;
  }

  RunContext run_;
  DigestObserver digest_;
  InvariantObserver invariants_;
  ReplicationChecks replication_;
  CompletenessChecks completeness_;
  ElectionChecks elections_;
  RulesChecks rules_;
  ClusterFigures cluster_;
  TimelineObserver timeline_;
  PongMatches matches_;
  RaceMatches races_;
  SpectatorWatch spectators_;
  ChatChecks chat_;
  ScenarioActions actions_;
  Expectations expectations_;
  std::unique_ptr<Attacker> attacker_;  // Only when the scenario has an attacker.
  std::unique_ptr<StatusView> status_;  // Only with RunOptions::status.
  std::unique_ptr<PcapWriter> pcap_;    // Only with RunOptions::pcap.
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  Run run(scenario, options);
  return run.run();
}

}  // namespace dp::sim
