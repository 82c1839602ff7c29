// Runs a scenario in-process: builds the simulated cluster, applies the timeline of faults,
// checks the expectations and the always-on invariants, and collects the figures, the
// timeline and the trace digest. Formatting lives in report.h; the pong-sim app, the tests
// and (later) the fuzzer all call run_scenario().
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
// Always-on invariants (a violation fails every run, whatever the expectations say):
//   - never two different nodes become leader of the same epoch, and a node only becomes
//     leader of an epoch that names it;
//   - on every node, across restarts, the non-none epochs it adopts (kBecameLeader and
//     kFollowing) never go backwards.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/common/node_event.h"
#include "core/common/types.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace dp::sim {

struct RunOptions {
  std::optional<std::uint64_t> seed;  // Overrides the scenario's seed.
  bool record_trace = false;          // Keep per-message records for a Chrome trace.
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
  enum class What : std::uint8_t { kNodeEvent, kStarted, kRestarted, kCrashed, kNetwork, kNote };
  TimeUs at_us = 0;
  What what = What::kNote;
  int node = 0;                 // Server number, 0 if none.
  NodeEvent event;              // kNodeEvent.
  bool was_leader = false;      // kCrashed.
  Epoch epoch;                  // kCrashed: the epoch it held; kRestarted: none.
  std::uint64_t disk_term = 0;  // kRestarted: highest term on disk.
  std::string text;             // kNetwork, kNote.
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

struct Figures {
  std::vector<Failover> failovers;
  std::optional<TimeUs> max_failover_us;                  // Over completed failovers.
  std::map<std::string, std::uint64_t> messages_by_type;  // Sent, by message type name.
  std::uint64_t datagrams_sent = 0;
  std::uint64_t deliveries = 0;
  std::map<std::string, std::uint64_t> drops_by_reason;
  std::uint64_t elections_started = 0;
  std::uint64_t leaders_elected = 0;  // kBecameLeader events.
  std::uint64_t stale_epoch_ignored = 0;
  std::uint64_t datagrams_rejected = 0;
  std::uint64_t events_processed = 0;
  double simulated_seconds = 0;
  double wall_seconds = 0;
  double sim_seconds_per_wall_second = 0;
};

struct HostSummary {
  std::string name;
  NodeId id;
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
  std::vector<HostSummary> hosts;  // Indexed by HostIndex.
  std::vector<TimelineEntry> timeline;
  std::uint64_t timeline_dropped = 0;  // Entries beyond kMaxTimelineEntries.
  std::vector<TraceRecord> trace;
  std::uint64_t trace_dropped = 0;  // Records beyond kMaxTraceRecords.
};

// Bounds on what one run keeps in memory.
constexpr std::size_t kMaxTimelineEntries = 20000;
constexpr std::size_t kMaxTraceRecords = 2'000'000;

RunResult run_scenario(const Scenario& scenario, const RunOptions& options = {});

}  // namespace dp::sim
