// A scenario: a cluster, network conditions, a timeline of faults and the expectations a run
// must meet. Parsed from TOML (see scenario_parse.cc); every mistake in a file is reported
// with the file, the key and the line, never silently ignored.
//
// File schema (all times in the file are milliseconds unless the key says _us):
//
//   title = "..."            required
//   seed = 42                required, >= 0
//   duration_ms = 20000      required, 1 .. 86'400'000
//   [cluster]                required
//     servers = 3            required, 1 .. 32
//     mode = "sticky"        "sticky" (default) | "classic"
//     start_spread_ms = 100  servers start at seeded times in [0, start_spread_ms]
//     heartbeat_interval_ms, heartbeat_timeout_ms, answer_timeout_ms,
//     coordinator_timeout_ms, discovery_interval_ms, discovery_window_ms,
//     election_backoff_max_ms                  optional; default: dp::ClusterTiming
//   [network]                optional; every key optional
//     latency_min_us = 200, latency_max_us = 800, jitter_us = 0, reorder_delay_us = 0
//     loss_percent = 0, duplicate_percent = 0, reorder_percent = 0   (0..100, may be fractional)
//   [[event]]                any number, in any order (run in at_ms order, then file order)
//     at_ms = 3000           required, 0 .. duration_ms
//     action = "crash-leader"                     crash whichever live server leads now
//            | "crash"        node = N
//            | "restart"      node = N
//            | "partition"    groups = [[1, 2], [3]]   links up only inside a group;
//                                                      unlisted servers are isolated
//            | "cut"          from = N, to = M         one-way: N -> M stops delivering
//            | "connect"      from = N, to = M         one-way: N -> M delivers again
//            | "cut-inbound"  node = N                 every link into N (N can still send)
//            | "heal"                                  every link up
//            | "set-network"  any [network] key        changes every link from now on
//   [[expect]]               any number
//     kind = "one-leader"        at_ms
//          | "leader-is"         node, at_ms
//          | "no-leader-change"  from_ms, to_ms
//          | "max-elections"     count
//          | "max-failover"      max_ms
//          | "epochs-monotonic"
//
// Expectation semantics (evaluated by the runner, see runner.h for the precise wording).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/cluster/config.h"
#include "core/common/result.h"
#include "core/common/types.h"
#include "sim/network.h"

namespace dp::sim {

// Upper bounds on what a scenario file may ask for.
constexpr int kMaxScenarioServers = 32;
constexpr std::int64_t kMaxScenarioDurationMs = 24 * 3600 * 1000;
constexpr std::size_t kMaxScenarioEvents = 10000;
constexpr std::size_t kMaxScenarioExpectations = 1000;
constexpr TimeUs kMaxLatencyUs = 10 * kUsPerSecond;

enum class ActionKind : std::uint8_t {
  kCrashLeader,
  kCrash,
  kRestart,
  kPartition,
  kCut,
  kConnect,
  kCutInbound,
  kHeal,
  kSetNetwork,
};
const char* action_name(ActionKind kind);

// Network settings; in a set-network action only the keys present are changed.
struct NetworkSpec {
  LinkParams link;
  // Which fields a set-network action names (bit per field, see kNet* below).
  std::uint32_t present = 0;
};
constexpr std::uint32_t kNetLatencyMin = 1u << 0;
constexpr std::uint32_t kNetLatencyMax = 1u << 1;
constexpr std::uint32_t kNetJitter = 1u << 2;
constexpr std::uint32_t kNetLoss = 1u << 3;
constexpr std::uint32_t kNetDuplicate = 1u << 4;
constexpr std::uint32_t kNetReorder = 1u << 5;
constexpr std::uint32_t kNetReorderDelay = 1u << 6;

struct ScenarioAction {
  TimeUs at_us = 0;
  ActionKind kind = ActionKind::kHeal;
  int node = 0;  // crash, restart, cut-inbound (1-based server number).
  int from = 0;  // cut, connect.
  int to = 0;
  std::vector<std::vector<int>> groups;  // partition.
  NetworkSpec network;                   // set-network.
  int line = 0;                          // Where it was declared, for messages.
};

enum class ExpectKind : std::uint8_t {
  kOneLeader,
  kLeaderIs,
  kNoLeaderChange,
  kMaxElections,
  kMaxFailover,
  kEpochsMonotonic,
};

struct Expectation {
  ExpectKind kind = ExpectKind::kOneLeader;
  TimeUs at_us = 0;    // one-leader, leader-is.
  int node = 0;        // leader-is.
  TimeUs from_us = 0;  // no-leader-change.
  TimeUs to_us = 0;
  std::int64_t count = 0;  // max-elections.
  TimeUs max_us = 0;       // max-failover.
  int line = 0;
  // Human description, e.g. "leader is node 2 at 6.000 s".
  std::string describe() const;
};

struct Scenario {
  std::string file;  // As given on the command line.
  std::string title;
  std::uint64_t seed = 0;
  TimeUs duration_us = 0;
  int servers = 0;
  ElectionMode mode = ElectionMode::kSticky;
  ClusterTiming timing;
  TimeUs start_spread_us = 100 * kUsPerMs;
  LinkParams network;
  std::vector<ScenarioAction> actions;  // Sorted by time (stable).
  std::vector<Expectation> expectations;
};

// A problem with a scenario file: where it is and what is wrong.
struct ScenarioError {
  std::string file;
  int line = 0;     // 0 when unknown (e.g. unreadable file).
  int column = 0;   // 0 when not meaningful.
  std::string key;  // Dotted key path, e.g. "cluster.servers" or "event[2].node"; may be empty.
  std::string message;
  // "file:line: message" or "file:line:col: message".
  std::string str() const;
};

Result<Scenario, ScenarioError> parse_scenario_text(std::string_view text,
                                                    const std::string& file_name);
Result<Scenario, ScenarioError> load_scenario_file(const std::string& path);

}  // namespace dp::sim
