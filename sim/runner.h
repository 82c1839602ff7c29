// Runs a scenario in-process: builds the simulated cluster, applies the timeline of faults,
// checks the expectations and the always-on invariants, and collects the figures, the
// timeline and the trace digest. The run is composed of the observers in sim/run/; the
// formatting lives in report.h; the pong-sim app, the tests and the swarm call
// run_scenario().
//
// Expectation semantics. "Live" means a server host that is up (not crashed). The "top
// epoch" at a moment is the highest epoch held (led or followed) by any live server.
//   one-leader at T:     at T, exactly one live server leads the top epoch, and every other
//                        live server to which that leader's link is currently up (so it can
//                        receive from the leader) follows the top epoch and is not a leader.
//                        A server cut off from the leader may still believe in an older
//                        epoch; that is allowed.
//   leader-is N at T:    one-leader holds at T and the leader is server N.
//   no-leader-change F..T: the top epoch at F is not none, equals the top epoch at T, and no
//                        server became leader (kBecameLeader) at any time in [F, T].
//   max-elections K:     the run's total kElectionStarted events (all nodes) are at most K.
//   max-failover M:      at least one leader crash happened, and for every one, failover
//                        completed within M ms.
//   epochs-monotonic:    the always-on invariant below held.
// Failover of a leader crash: from the crash until the first moment at which every live
// server holds the same epoch E, newer than the crashed leader's, and E's leader is live and
// leads it.
//
//   every-match-finishes: every room in which two clients were seated reaches game over with
//                        one winner by the end: both players accepted a game-over state
//                        naming the same winner and the same final score; and at least
//                        min_matches rooms did so.
//   max-client-failover M: at least one leader fault happened, and for every one, every
//                        client seated at the fault accepted a state from a newer epoch than
//                        the faulty leader's within M ms (a client whose match ended first is
//                        not waited for).
//   max-stall M:         no client's longest_stall_us() (gap between accepted states while
//                        its match ran), nor a freeze still going at the end of the run
//                        (ClientNode::ongoing_stall_us), exceeds M ms.
//   snapshot-installed N after T: server N installed a snapshot (kReplicaSnapshot) at or
//                        after T.
//   max-leader-changes K F..T: at most K times in [F, T] did a game server lead or follow
//                        (kBecameLeader, kFollowing) an epoch no game server had held before,
//                        the run's first epoch aside.
//   auth-refused-min K:  the game servers refused at least K datagrams by authentication or
//                        the term bound (kDatagramRejected with reason unsigned, bad-tag,
//                        replayed, foreign-mode or term-jump).
//   max-amplification R: some flood-discovery was sent, and the bytes of the discovery answers
//                        the game servers sent to its victims from the first flood on, over
//                        the bytes of the attacker's requests, are at most R.
// A leader fault is a crash of the live server that leads (crash, crash-leader,
// crash-leader-after-point) or cutting every link into it (cut-inbound).
//
// Always-on invariants (a violation fails every run, whatever the expectations say) are
// listed in sim/run/invariants.h (the Invariant enum). A failed DP_ASSERT in the code under
// test stops the run: run_error then starts with kAssertionFailed and names the replay
// command.
// "Every match that is fault-free at the end reaches game over" is NOT an always-on
// invariant but the every-match-finishes expectation: whether a match can end in time
// depends on the bots' skill, the target score and the duration, which only the scenario's
// author knows. Every match scenario states it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/common/node_event.h"
#include "core/common/types.h"
#include "core/services/pong/score.h"
#include "sim/match_checks.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace dp::sim {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // Overrides the scenario's seed.
  bool record_trace = false;          // Keep per-message records for a Chrome trace.
  bool status = false;                // Keep the status view (sim/run/status_view.h).
  std::ostream* pcap = nullptr;       // Every delivered datagram, as pcap (sim/run/pcap_writer.h).
};

struct ExpectationResult {
  std::string description;
  bool passed = false;
  std::string detail;
};

struct InvariantResult {
  std::string name;
  bool passed = true;
  std::string detail;  // The first violation.
};

struct Failover {
  TimeUs crashed_at_us = 0;
  int crashed_node = 0;  // Server number.
  Epoch old_epoch;
  bool completed = false;
  TimeUs completed_at_us = 0;
  int new_leader = 0;
  Epoch new_epoch;
  TimeUs duration_us() const { return completed_at_us - crashed_at_us; }
};

// One line of the human timeline, kept as data; report_text.cc formats it.
struct TimelineEntry {
  // kMatch: a room's story (opened, joined, a point, game over); kClient: a client's
  // (re-homed). Both carry their words in `text`.
  enum class What : std::uint8_t {
    kNodeEvent,
    kStarted,
    kRestarted,
    kCrashed,
    kNetwork,
    kNote,
    kMatch,
    kClient
  };
  TimeUs at_us = 0;
  What what = What::kNote;
  int node = 0;                 // Server number, 0 if none.
  NodeEvent event;              // kNodeEvent.
  bool was_leader = false;      // kCrashed.
  Epoch epoch;                  // kCrashed: the epoch it held; kRestarted: none.
  std::uint64_t disk_term = 0;  // kRestarted: highest term on disk.
  std::string text;             // kNetwork, kNote, kMatch, kClient.
};

// Records for the Chrome trace (only with RunOptions::record_trace).
struct TraceRecord {
  enum class What : std::uint8_t { kMessage, kDrop, kInstant };
  What what = What::kInstant;
  TimeUs at_us = 0;      // Send time (message, drop) or the instant.
  TimeUs arrive_us = 0;  // kMessage.
  HostIndex from = 0;    // Sender; the node of an instant.
  HostIndex to = 0;
  std::uint8_t kind = 0;  // Message type.
  std::uint64_t flow_id = 0;
  std::string name;  // kInstant: what happened; kDrop: the reason.
};

// One room as its players saw it.
struct MatchSummary {
  std::uint32_t room = 0;
  // 0: the cluster the run began with; n: the nth cluster rebuilt from empty disks (its room
  // ids start again), as its players counted.
  std::uint64_t cluster = 0;
  int players[2] = {0, 0};  // Client numbers per slot; 0 while empty.
  bool finished = false;    // Both players saw the same game-over state.
  pong::Score score;        // Final (or last shown) score.
  int winner_slot = -1;
  TimeUs finished_at_us = 0;
};

// One racing room as its racers saw it.
struct RaceSummary {
  std::uint32_t room = 0;
  std::uint64_t cluster = 0;
  std::vector<int> racers;            // Client numbers, by slot order of seating.
  std::vector<std::uint16_t> scores;  // Final scores, by slot (when finished).
  std::vector<std::uint8_t> slots;    // Each racer's slot.
  std::uint8_t winner = 0;            // As on the wire: slot + 1, 5 for a draw.
  bool finished = false;              // Every racer saw the same committed result.
  TimeUs finished_at_us = 0;
};

// The chat cluster, as its clients saw it (only with a [chat] section).
struct ChatFigures {
  int servers = 0;
  int clients = 0;
  std::uint64_t queued = 0;        // Messages the clients queued.
  std::uint64_t acked = 0;         // Of those, acknowledged to their senders.
  std::uint64_t lines_shown = 0;   // Lines taken in, summed over the clients.
  std::uint64_t resends = 0;       // ChatSend datagrams sent again.
  std::uint64_t rate_limited = 0;  // Times a leader told a client to wait.
  std::uint64_t rehomes = 0;       // Chat clients moving to a new chat leader.
  // Queued to acknowledged at the sender, and queued to shown at every other client
  // (flooders aside).
  std::optional<TimeUs> ack_p50_us, ack_p99_us, ack_max_us;
  std::optional<TimeUs> shown_p50_us, shown_p99_us;
  // Per chat leader crash: until every client that was sending heard from a newer leader.
  std::vector<TimeUs> failovers_us;
  // Messages acknowledged per second, first ack to last.
  double acked_per_s = 0;
};

// The attacker's part of a run (sim/attacker.h), when it had one.
struct AttackFigures {
  struct Sent {
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
  };
  std::map<std::string, Sent> sent;  // By attack (action name).
  std::uint64_t captured = 0;        // Datagrams the tap saw.
  // Discovery floods: the bytes of the attacker's requests (a broadcast counted once), and
  // of the servers' answers to the victims; their ratio is the amplification.
  bool flooded = false;
  std::uint64_t flood_bytes = 0;
  std::uint64_t victim_datagrams = 0;
  std::uint64_t victim_bytes = 0;
  double amplification() const {
    return flood_bytes > 0 ? static_cast<double>(victim_bytes) / static_cast<double>(flood_bytes)
                           : 0;
  }
};

struct Figures {
  std::vector<Failover> failovers;
  std::optional<TimeUs> max_failover_us;  // Over completed failovers.
  // Failover as clients see it (crash until the first new-leader state at every client).
  std::vector<ClientFailover> client_failovers;
  std::optional<TimeUs> max_client_failover_us;
  int clients = 0;
  TimeUs longest_stall_us = 0;
  int longest_stall_client = 0;
  // Per point (and match end): from the leader ordering it to the first client showing it.
  // What durability and replication cost a player (the commit gate holds it until enough
  // servers have it on disk).
  std::vector<TimeUs> point_to_display_us;
  double client_rx_bytes_per_s = 0;  // Mean over clients, while each was receiving.
  double client_rx_bytes_per_s_max = 0;
  double follower_rx_bytes_per_s = 0;      // Server-to-server bytes into non-leaders.
  std::uint64_t retransmitted_events = 0;  // Sum over leaders (sampled).
  std::uint64_t snapshots_sent = 0;
  std::uint64_t snapshots_installed = 0;
  std::uint64_t client_states_accepted = 0;
  std::uint64_t client_rehomes = 0;
  std::uint64_t client_rediscoveries = 0;
  std::uint64_t replica_positions_compared = 0;
  std::vector<MatchSummary> matches;  // Rooms some client was seated in, by room id.
  int matches_finished = 0;
  // Spectators: how many, the longest gap any saw between two states once it watched (a
  // move to another server included), bytes per second into each, and the leader's bytes
  // per second out (which must not grow with spectators).
  int spectators = 0;
  int spectators_watching = 0;  // That were shown a state in the last second of the run.
  TimeUs spectator_longest_gap_us = 0;
  double spectator_rx_bytes_per_s = 0;
  double leader_tx_bytes_per_s = 0;
  std::uint64_t spectator_moves = 0;  // Servers chosen beyond each spectator's first.
  std::vector<RaceSummary> races;     // Racing rooms some racer was seated in.
  std::optional<ChatFigures> chat;
  int races_finished = 0;
  std::map<std::string, std::uint64_t> messages_by_type;  // Sent, by message type name.
  std::uint64_t datagrams_sent = 0;
  std::uint64_t deliveries = 0;
  std::map<std::string, std::uint64_t> drops_by_reason;
  std::uint64_t elections_started = 0;
  std::uint64_t leaders_elected = 0;  // kBecameLeader events.
  std::uint64_t stale_epoch_ignored = 0;
  std::uint64_t datagrams_rejected = 0;
  // The game's servers: datagrams refused, by reason (wire::decode_error_name), and of those
  // the refusals by authentication or the term bound (ServerStats::auth_refused).
  std::map<std::string, std::uint64_t> refused_by_reason;
  std::uint64_t auth_refused = 0;
  // Epochs a game server led or followed that none had held before, the first aside.
  std::uint64_t leader_changes = 0;
  std::optional<AttackFigures> attack;
  std::uint64_t events_processed = 0;
  double simulated_seconds = 0;
  double wall_seconds = 0;
  double sim_seconds_per_wall_second = 0;
};

struct HostSummary {
  std::string name;  // "node 3" or "client 12".
  NodeId id;
  int skill_percent = 0;           // Clients only.
  std::vector<NodeId> former_ids;  // Before a wipe-disk replaced the machine.
};

struct RunResult {
  std::string file;
  std::string title;
  std::uint64_t seed = 0;
  TimeUs duration_us = 0;
  bool passed = false;
  std::string run_error;  // Set when the simulation itself had to stop (bounds hit).
  std::vector<ExpectationResult> expectations;
  std::vector<InvariantResult> invariants;
  Figures figures;
  std::uint64_t digest = 0;
  std::vector<HostSummary> hosts;  // Indexed by HostIndex: the servers, then the clients.
  int servers = 0;
  std::vector<TimelineEntry> timeline;
  std::uint64_t timeline_dropped = 0;  // Entries beyond kMaxTimelineEntries.
  std::vector<TraceRecord> trace;
  std::uint64_t trace_dropped = 0;   // Records beyond kMaxTraceRecords.
  std::vector<std::string> status;   // With RunOptions::status: the status view's lines.
  std::uint64_t status_dropped = 0;  // Lines beyond kMaxStatusLines.
};

// Bounds on what one run keeps in memory.
constexpr std::size_t kMaxTimelineEntries = 20000;
constexpr std::size_t kMaxTraceRecords = 2'000'000;
// How often the replica invariants are sampled, in simulated time.
constexpr TimeUs kSampleIntervalUs = 100 * kUsPerMs;
// Up to this many clients the timeline tells every client's story (joins, points,
// re-homes); with more, it keeps per-fault summaries and the report lists the results.
constexpr int kMaxDetailedClients = 8;
// Spectators' moves are told one by one up to this many spectators.
constexpr int kMaxDetailedSpectators = 12;

// run_error starts with this when a DP_ASSERT stopped the run.
constexpr const char* kAssertionFailed = "assertion failed";

RunResult run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace dp::sim
