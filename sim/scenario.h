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
//     key = false            true: the servers share a cluster key derived from the seed
//                            (scenario_cluster_key()), so every server-to-server datagram
//                            is signed and checked (core/security/); the chat cluster gets
//                            a key of its own the same way
//     ring_capacity = 65536  entries the game leaders keep for retransmission (EntryRing): a
//                            power of two, 16 .. 65536; a follower whose gap reaches further
//                            back gets a snapshot. The flow-control windows shrink with it
//                            (ring_sequencer_config(): half the ring, a quarter for probes)
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
//            | "crash-leader-after-shown" delay_ms = 0 .. 5000 (default 100)
//                                                 from at_ms on, at the first time a pong
//                                                 client is shown a score higher than any
//                                                 shown before in its room, crash whichever
//                                                 live server leads delay_ms later (the
//                                                 shown point must survive the crash)
//            | "isolate-leader-before-point" for_ms = 1 .. 600000 (default 1000)
//                                                 from at_ms on, when a leading game server
//                                                 orders a point, cut every link of that
//                                                 server both ways (servers and clients) in
//                                                 the same step, before its datagrams leave,
//                                                 so the point never reaches anyone; the
//                                                 links that were up come back for_ms later
//            | "crash-leader-during-snapshot"     from at_ms on, when a chunk of a snapshot
//                                                 from the leader reaches a game server,
//                                                 crash that leader at the same instant,
//                                                 just after the chunk is taken in (the
//                                                 rest of the transfer, and the follower's
//                                                 ACK, are lost with it)
//            | "crash-only-copy" restart_after_ms = 0 .. duration_ms (optional)
//                                                 from at_ms on, when one follower synced to
//                                                 the leader's epoch has applied strictly
//                                                 more entries than every other live
//                                                 follower (it holds the only follower copy
//                                                 of the newest entries), crash it; restart
//                                                 it restart_after_ms later if given
//                                                 These four "armed" actions strike once; a
//                                                 heal disarms those still waiting and
//                                                 cancels what they scheduled (a crash, a
//                                                 restart, the end of an isolation: the heal
//                                                 already brought every link up)
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
//            | "move-leader"  to = N                   pong-ctl move-leader: the live leader
//                                                      hands over to server N
//            | "drain"        node = N                 pong-ctl drain: N hands over if it
//                                                      leads, then never leads again
//            | "crash-all"                             crash every live server at once
//            | "restart-all"                           restart every server that is down
//            | "wipe-disk"    node = N                 N is replaced by a new machine: it is
//                                                      crashed (if up), its disk is emptied,
//                                                      and it comes back (on restart) with a
//                                                      new id, started as with pong-server
//                                                      --replace (it vouches for nothing
//                                                      until it has synced)
//   The attacker (sim/attacker.h): any of the actions below adds a host on the LAN
//   (127.9.0.1) that taps every datagram between the game's servers and clients and sends
//   datagrams from any source endpoint it likes (spoofing). What it sent, and what the
//   servers refused and why, is in the timeline and the report.
//            | "forge-coordinator"                 a COORDINATOR from a made-up id (above
//                             every server in the Bully order) to every game server
//                   term = N         the epoch's term: an integer, or a string of digits
//                                    for terms beyond TOML's integers ("18446744073709551615");
//                   term_ahead = 1   or: this far above the highest term the tap has seen
//                                    (the default, with term_ahead = 1)
//                   signed = "none"  "none": no trailer | "wrong-key": a keyed trailer
//                                    signed with another key (and the key slot the tap saw)
//                                    | "classic-mode": a keyless trailer claiming the election
//                                    mode the cluster does not run | "keyless": a keyless
//                                    trailer in the cluster's own mode (what a cluster
//                                    without a key accepts)
//            | "replay"       window_ms = 1000, copies = 1 (1 .. 10)
//                                                 sends again, verbatim and from their
//                                                 original source, `copies` copies of every
//                                                 datagram the tap saw between the game's
//                                                 servers, and between them and the clients,
//                                                 in the window_ms (1 .. 10000) before at_ms
//            | "spoof-input"  count = 10, every_ms = 20, client = N (optional)
//            | "spoof-leave"  count = 1, every_ms = 20, client = N (optional)
//                                                 forged Input (input_seq 0xFFFFFFFF, then
//                                                 the player's next one, then 0x80000000, in
//                                                 turn; paddle up) or Leave datagrams for a
//                                                 seated player (client N, default: the
//                                                 lowest-numbered one the tap saw play), from
//                                                 that player's endpoint to the server it
//                                                 sends its inputs to; count 1 .. 100000
//            | "flood-discovery" count = 1000, every_ms = 0, victim = N (optional)
//                                                 padded client discovery requests (as a
//                                                 client sends them) broadcast with the
//                                                 victim's endpoint as their source: client
//                                                 N's, or (default) an address on the LAN no
//                                                 host owns; the report states the bytes of
//                                                 discovery answers the servers sent to the
//                                                 victim against the bytes the attacker sent
//                                                 (the amplification); count 1 .. 100000
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
//          | "max-stall"         max_ms, client (default: every client)
//                                    no player's longest freeze during a running match
//                                    (one still going at the end included) exceeds max_ms
//          | "message-count"     type, from_ms (default 0), to_ms (default: the end),
//                                    min (default 0), max (default: none; min or max given)
//                                    datagrams of that type (its wire name: "election",
//                                    "answer", "coordinator", "heartbeat", "replicate", ...)
//                                    sent by any host in [from_ms, to_ms]
//          | "serving-leader-is" node, at_ms
//                                    node is the leader the players are served by: every
//                                    live seated player took its newest state from node, in
//                                    the second before at_ms (a frozen minority leader
//                                    elsewhere does not count)
//          | "match-result"      client, score = "5-3", winner (optional client number)
//                                    the match client N played ends, seen by both players,
//                                    with that final score (left-right) and winner
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
//          | "max-leader-changes" count, from_ms (default 0), to_ms (default: the end)
//                                    at most count times in [from_ms, to_ms] did a game server
//                                    lead or follow an epoch no game server held before (the
//                                    run's first epoch aside): a forged leader that servers
//                                    followed counts as much as an election
//          | "auth-refused-min"  count: the game servers refused at least count datagrams
//                                    by authentication or the term bound (unsigned, bad tag,
//                                    replayed, foreign mode, term jump; ServerStats::auth_refused)
//          | "max-amplification" ratio: the bytes of discovery answers the servers sent to
//                                    the victims of flood-discovery events, over the bytes of
//                                    the attacker's requests, is at most ratio (a float);
//                                    fails when no flood was sent
//
// Expectation semantics (evaluated by the runner, see runner.h for the precise wording).
#pragma once

#include <cstdint>
#include <optional>
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
constexpr TimeUs kMaxCrashAfterShownDelayUs = 5 * kUsPerSecond;
constexpr TimeUs kMaxIsolateUs = 600 * kUsPerSecond;
// [cluster] ring_capacity: the leaders' retransmission ring, in entries (a power of two).
constexpr std::uint32_t kMinRingCapacity = 16;
constexpr std::uint32_t kMaxRingCapacity = 65536;

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
  // Armed: they wait for a dangerous moment, then strike (sim/run/targeted_faults.h).
  kCrashLeaderAfterShown,
  kIsolateLeaderBeforePoint,
  kCrashLeaderDuringSnapshot,
  kCrashOnlyCopy,
  // A link or server down for down_ms every every_ms (sim/run/flaps.h).
  kFlap,
  // An operator's pong-ctl requests (sim/run/operator_requests.h).
  kMoveLeader,
  kDrain,
  // The attacker's (sim/attacker.h).
  kForgeCoordinator,
  kReplay,
  kSpoofInput,
  kSpoofLeave,
  kFloodDiscovery,
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

// How a forged COORDINATOR is signed (forge-coordinator's `signed`).
enum class ForgeSigning : std::uint8_t { kNone, kWrongKey, kOtherMode, kKeyless };
const char* forge_signing_name(ForgeSigning signing);

// Bounds of the attacker's actions.
constexpr TimeUs kMaxReplayWindowUs = 10 * kUsPerSecond;
constexpr int kMaxReplayCopies = 10;
constexpr std::int64_t kMaxAttackCount = 100000;

// The parameters of an attacker's action (the keys of its [[event]]).
struct AttackSpec {
  std::optional<std::uint64_t> term;  // forge-coordinator: an exact term, or
  std::uint64_t term_ahead = 1;       // this far above the highest term seen.
  ForgeSigning signing = ForgeSigning::kNone;
  TimeUs window_us = kUsPerSecond;  // replay.
  int copies = 1;
  std::int64_t count = 1;  // spoof-input, spoof-leave, flood-discovery.
  TimeUs every_us = 20 * kUsPerMs;
  int client = 0;  // spoof-*: the player; flood-discovery: the victim (0: the default).
};

struct ScenarioAction {
  TimeUs at_us = 0;
  ActionKind kind = ActionKind::kHeal;
  int node = 0;  // crash, restart, cut-inbound (1-based server number).
  int from = 0;  // cut, connect.
  int to = 0;
  std::vector<std::vector<int>> groups;  // partition.
  NetworkSpec network;                   // set-network.
  TimeUs delay_us = 5 * kUsPerMs;        // crash-leader-after-point, -after-shown.
  TimeUs for_us = kUsPerSecond;          // isolate-leader-before-point.
  TimeUs restart_after_us = -1;          // crash-only-copy: -1, no restart.
  // flap: down for down_us every every_us until until_us, each time with probability; a
  // link flaps both ways with both.
  TimeUs down_us = 0;
  TimeUs every_us = 0;
  TimeUs until_us = 0;
  double probability = 1;
  bool both = false;
  bool chat = false;  // cluster = "chat": nodes are chat nodes.
  AttackSpec attack;  // The attacker's actions.
  int line = 0;       // Where it was declared, for messages.
  bool is_attack() const { return kind >= ActionKind::kForgeCoordinator; }
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
  kMaxLeaderChanges,
  kAuthRefusedMin,
  kMaxAmplification,
  kMessageCount,
  kMatchResult,
  kServingLeaderIs,
};

struct Expectation {
  ExpectKind kind = ExpectKind::kOneLeader;
  TimeUs at_us = 0;    // one-leader, leader-is.
  int node = 0;        // leader-is.
  TimeUs from_us = 0;  // no-leader-change, max-leader-changes; snapshot-installed (after_ms).
  TimeUs to_us = 0;
  // max-elections, max-leader-changes, auth-refused-min; every-match-finishes (min_matches).
  std::int64_t count = 0;
  TimeUs max_us = 0;  // max-failover, max-client-failover, max-stall.
  double ratio = 0;   // max-amplification.
  int client = 0;     // max-stall (0: every client); match-result (a player of the room).
  // message-count: the message type counted, and its bounds (max -1: none).
  std::uint8_t msg_type = 0;
  std::int64_t max_count = -1;
  // match-result: the final score (left-right) and, optionally, the winner's client number.
  int score_left = 0;
  int score_right = 0;
  int winner = 0;
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
  // [cluster] key: the servers share a key derived from the seed (scenario_cluster_key()).
  bool cluster_key = false;
  // [cluster] key: entries each game leader's ring holds (kMinRingCapacity .. kMaxRingCapacity,
  // a power of two); the default is the EntryRing's own.
  std::uint32_t ring_capacity = kMaxRingCapacity;
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
  // Some action is the attacker's: the run adds its host.
  bool has_attacker() const {
    for (const ScenarioAction& a : actions) {
      if (a.is_attack()) return true;
    }
    return false;
  }
};

// A problem with a scenario file: where it is and what is wrong.
// Puts the actions in time order; actions at one time keep the order they were written in.
void sort_actions_by_time(std::vector<ScenarioAction>& actions);

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
