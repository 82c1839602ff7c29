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
//     target_score = 5       points that win a match, 1 .. 99 (dp::RoomServiceConfig)
//     min_replicas = 1       followers that must apply a point before clients see it, 0 .. 31,
//                            or "majority" (the default: half the cluster)
//     forfeit_timeout_ms = 5000   a seated player silent this long forfeits
//     race_seats = 4         racers per race, 2 .. 4 (a race starts with two)
//     inject_bug_skip_nack = false  TEST ONLY: followers skip NACKs (a deliberate bug)
//   [clients]                optional; bot players (dp::ClientNode + game::bot_direction)
//     count = 2              required, 0 .. kMaxScenarioClients
//     skill_percent = 70     every bot's skill, 0 .. 100; or instead
//     skill_min = 60, skill_max = 85   each bot draws its skill (seeded) from the range
//     room = ""              a room name to join; "" (default) = matchmaking (first open room)
//     start_ms = 500         when the first bot starts (default 500)
//     start_spread_ms = 100  bots start at seeded times in [start_ms, start_ms + spread]
//     matches = 1            matches each bot plays, one after another
//     rematch_after_ms = 3000  how long a bot waits after a game over before the next
//     game = "pong"          "pong" (default) | "racing": the game the bots play
//     spectate = false       true: spectators, who watch (room: a room name, "" any live
//                            room) from a follower instead of playing
//   [racers]                 optional; racing bots (racing::bot_steering), the keys of
//                            [clients]; numbered after the [clients] bots
//   [spectators]             optional; spectators (the keys of [clients], spectate = true
//                            implied); numbered after the [racers]
//   [[client]]               any number (with [clients] and [racers], at most
//                            kMaxScenarioClients in all); one bot each, numbered after them
//     skill_percent = 70     required
//     room = ""              optional, as above
//     start_ms = 500         optional (default 500)
//     game = "pong"          optional, as above
//     spectate = false       optional, as above
//   [chat]                   optional; a chat cluster of its own (pong-chat: chat::ChatService,
//                            its own ports and hosts) and chat clients (dp::ChatClient bots)
//     servers = 3            required, 1 .. 9: chat node 1..N
//     clients = 2            chat clients, 0 .. 32: chat client 1..M
//     messages = 100         messages each client sends, "<name> #k", one every 1/rate_per_s
//     rate_per_s = 10        how fast each client queues them (1 .. 1000)
//     start_ms = 1000        when the clients start (servers start with the game's)
//     channel = "lobby"      the channel every client sends to and follows
//     flooders = 0           of the clients, the first `flooders` send flood_messages at
//     flood_rate_per_s = 100 flood_rate_per_s instead (a client over the rate limit)
//     flood_messages = 1000
//     server_rate_per_s = 20, server_burst = 40   the servers' token bucket per sender
//   [network]                optional; every key optional
//     latency_min_us = 200, latency_max_us = 800, jitter_us = 0, reorder_delay_us = 0
//     loss_percent = 0, duplicate_percent = 0, reorder_percent = 0   (0..100, may be fractional)
//   [[event]]                any number, in any order (run in at_ms order, then file order)
//     at_ms = 3000           required, 0 .. duration_ms
//     action = "crash-leader"                     crash whichever live server leads now
//            | "crash-follower"                   crash the lowest-numbered live server
//                                                 that does not lead
//            | "crash-leader-after-point" delay_ms = 0 .. 16 (default 5)
//                                                 from at_ms on, at the first point the
//                                                 leader's own rooms score, crash that
//                                                 leader delay_ms later (before or just
//                                                 after the point reaches its followers)
//            | "crash"        node = N
//            | "restart"      node = N
//            | "partition"    groups = [[1, 2], [3]]   links up only inside a group;
//                                                      unlisted servers are isolated
//            | "cut"          from = N, to = M         one-way: N -> M stops delivering
//            | "connect"      from = N, to = M         one-way: N -> M delivers again
//            | "cut-inbound"  node = N                 every link into N (N can still send)
//            | "heal"                                  every link up
//                                                      (and disarms a pending
//                                                      crash-leader-after-point, or cancels
//                                                      the crash it has scheduled)
//            | "set-network"  any [network] key        changes every link from now on
//            | "crash-all"                             crash every live server at once
//            | "restart-all"                           restart every server that is down
//            | "wipe-disk"    node = N                 N is replaced by a new machine: it is
//                                                      crashed (if up), its disk is emptied,
//                                                      and it comes back (on restart) with a
//                                                      new id, started as with pong-server
//                                                      --replace (it vouches for nothing
//                                                      until it has synced)
//   Every crash, restart, crash-leader, crash-follower, crash-all, restart-all, partition, cut,
//   connect and cut-inbound takes cluster = "chat" to act on the chat cluster (its nodes
//   numbered 1..[chat].servers) instead of the game's (the default, cluster = "game").
//   [[expect]]               any number
//     kind = "one-leader"        at_ms
//          | "leader-is"         node, at_ms
//          | "no-leader-change"  from_ms, to_ms
//          | "max-elections"     count
//          | "max-failover"      max_ms
//          | "epochs-monotonic"
//          | "every-match-finishes"  min_matches = 1 (default)
//                                    every room that got two players reaches game over with
//                                    exactly one winner, seen by both players, by the end;
//                                    and at least min_matches rooms did
//          | "max-client-failover"  max_ms   every leader fault (crash or cut-inbound of the
//                                    leader) is followed, within max_ms, by a state from a
//                                    newer leader at every client seated at the fault
//          | "max-stall"         max_ms      no client's longest stall exceeds max_ms
//          | "snapshot-installed" node, after_ms (default 0)
//                                    node installed a leader snapshot at or after after_ms
//          | "every-race-finishes"  min_races = 1 (default)
//                                    every racing room that got two racers reaches its
//                                    result, the same at every racer, by the end
//          | "spectators-watch"  max_gap_ms
//                                    every spectator is shown states to the end, and none
//                                    waits longer than max_gap_ms between two (a move to
//                                    another server included)
//          | "results-on-disk"   count, node (default: every live server), at_ms (default:
//                                    the end) the disk holds at least count match results
//          | "chat-delivered"    sent_before_ms (default: the end): every message a chat
//                                    client (flooders aside) queued before it was acknowledged
//                                    to its sender and shown, by the end, to every chat client
//                                    following the channel (whose lines start before it: a
//                                    client that subscribes late gets the last 100 lines)
//          | "chat-max-latency"  max_ms: no message of a chat client (flooders aside) took
//                                    longer from queued to acknowledged
//          | "chat-rate-limited" every flooder was told to wait, and got no more ordered than
//                                    its token bucket allows (burst + rate x time)
//
// Expectation semantics (evaluated by the runner, see runner.h for the precise wording).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/client/client_config.h"
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
// Bots in one scenario; servers plus clients stay within the simulator's kMaxHosts.
constexpr int kMaxScenarioClients = 220;
constexpr TimeUs kMaxCrashAfterPointDelayUs = 16 * kUsPerMs;

enum class ActionKind : std::uint8_t {
  kCrashLeader,
  kCrashFollower,
  kCrashLeaderAfterPoint,
  kCrash,
  kRestart,
  kPartition,
  kCut,
  kConnect,
  kCutInbound,
  kHeal,
  kSetNetwork,
  kCrashAll,
  kRestartAll,
  kWipeDisk,
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
  TimeUs delay_us = 5 * kUsPerMs;        // crash-leader-after-point.
  bool chat = false;                     // cluster = "chat": nodes are chat nodes.
  int line = 0;                          // Where it was declared, for messages.
};

enum class ExpectKind : std::uint8_t {
  kOneLeader,
  kLeaderIs,
  kNoLeaderChange,
  kMaxElections,
  kMaxFailover,
  kEpochsMonotonic,
  kEveryMatchFinishes,
  kMaxClientFailover,
  kMaxStall,
  kSnapshotInstalled,
  kResultsOnDisk,
  kEveryRaceFinishes,
  kSpectatorsWatch,
  kChatDelivered,
  kChatMaxLatency,
  kChatRateLimited,
};

struct Expectation {
  ExpectKind kind = ExpectKind::kOneLeader;
  TimeUs at_us = 0;    // one-leader, leader-is.
  int node = 0;        // leader-is.
  TimeUs from_us = 0;  // no-leader-change; snapshot-installed (after_ms).
  TimeUs to_us = 0;
  std::int64_t count = 0;  // max-elections; every-match-finishes (min_matches).
  TimeUs max_us = 0;       // max-failover, max-client-failover, max-stall.
  int line = 0;
  // Human description, e.g. "leader is node 2 at 6.000 s".
  std::string describe() const;
};

// One bot player. The runner draws its skill from [skill_min, skill_max] and its start time
// from [start_us, start_us + start_spread_us] with the run's seeded generator.
struct ClientSpec {
  Game game = Game::kPong;
  bool spectate = false;  // Watches a room from a follower instead of playing.
  int skill_min = 70;
  int skill_max = 70;
  std::string room;  // Empty: matchmaking.
  TimeUs start_us = 500 * kUsPerMs;
  TimeUs start_spread_us = 0;
  int matches = 1;  // Matches each bot plays, one after another.
  TimeUs rematch_after_us = 3 * kUsPerSecond;
};

// The [chat] section: a chat cluster and its clients.
constexpr int kMaxChatServers = 9;
constexpr int kMaxChatClients = 32;
struct ChatSpec {
  int servers = 0;  // 0: no chat cluster.
  int clients = 0;
  int messages = 100;
  TimeUs interval_us = 100 * kUsPerMs;  // 1 / rate_per_s.
  TimeUs start_us = 1000 * kUsPerMs;
  std::string channel = "lobby";
  int flooders = 0;
  int flood_messages = 1000;
  TimeUs flood_interval_us = 10 * kUsPerMs;
  std::uint32_t server_rate_per_s = 20;
  std::uint32_t server_burst = 40;
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
  std::uint8_t target_score = 5;
  int min_replicas = -1;  // -1: a majority (RoomServiceConfig::kMajority).
  TimeUs forfeit_timeout_us = 5 * kUsPerSecond;
  std::uint8_t race_seats = 4;  // Racers per race, 2-4.
  // TEST ONLY: followers apply across gaps instead of NACKing (RoomServiceConfig), so tests
  // can show the invariants and the swarm fuzzer catch a broken replica.
  bool inject_bug_skip_nack = false;
  // TEST ONLY, not a scenario key: the leader commits one entry too far (see ReplicaConfig).
  bool inject_bug_commit_ahead = false;
  // Bots, numbered 1.. in this order.
  std::vector<ClientSpec> clients;
  // Clients that play (not spectators).
  int players() const {
    int n = 0;
    for (const ClientSpec& c : clients) n += c.spectate ? 0 : 1;
    return n;
  }
  ChatSpec chat;
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
