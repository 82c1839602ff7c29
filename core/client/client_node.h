// A thin Pong client as a pure state machine: it finds the cluster by broadcast, joins a room
// on the leader, sends its paddle direction at 60 Hz (repeating the last few), shows the
// newest room state by (epoch, seq), and re-homes to a new leader either when that leader
// announces itself with a newer epoch or after a silence timeout.
//
// Life cycle:  discovering -> joining -> seated -> finished
//                   ^             |         |
//                   +-- silence --+---------+
//
// The node never reads a clock or a socket; the driver calls start(), on_datagram() and
// on_tick() with the current time and drains outbox(). All randomness comes from a Rng the
// node owns, seeded from ClientConfig::seed. It also records the facts the simulator checks:
// every accepted (epoch, seq) is strictly newer than the last (by construction), the shown
// score never decreases within a room (score_went_backwards()), and the longest stall.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/client/client_config.h"
#include "core/client/input_history.h"
#include "core/client/session_link.h"
#include "core/common/node.h"
#include "core/common/rng.h"
#include "core/wire/codec.h"

namespace dp {

// Wire phase numbers of wire::RoomState::phase (pong::Phase; restated here so the client
// does not depend on the game rules).
namespace room_phase {
constexpr std::uint8_t kWaiting = 0;
constexpr std::uint8_t kCountdown = 1;
constexpr std::uint8_t kPlaying = 2;
constexpr std::uint8_t kGameOver = 3;
constexpr std::uint8_t kClosed = 4;
}  // namespace room_phase

enum class ClientPhase : std::uint8_t {
  kDiscovering = 0,  // Broadcasting DiscoverRequest; no leader chosen.
  kJoining = 1,      // Sending Join to the chosen leader until a state for us arrives.
  kSeated = 2,       // In a room, showing its states; sending inputs while it runs, and a
                     // keepalive while it waits for an opponent.
  kFinished = 3,     // The match is over (or the room closed); no more inputs.
  kLeft = 4,         // leave() was called; the node sends nothing more.
};
const char* client_phase_name(ClientPhase phase);

// A position in the leader's total order, as carried by a RoomState (header epoch, body seq).
struct StatePosition {
  Epoch epoch;
  std::uint64_t seq = 0;
  auto operator<=>(const StatePosition&) const = default;
};

struct FinalResult {
  std::uint32_t room = 0;
  std::uint8_t winner_slot = 0;  // 0 left, 1 right.
  std::uint8_t my_slot = 0;      // 0 left, 1 right, 2 spectator.
  std::uint8_t score_left = 0;
  std::uint8_t score_right = 0;
  TimeUs at_us = 0;  // When the game-over state was accepted.
  bool won() const { return winner_slot == my_slot; }
};

struct ClientStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_rejected = 0;  // Decode errors; counted and dropped.
  // Indexed by wire::DecodeError value.
  std::array<std::uint64_t, wire::kMaxDecodeErrorValue + 1> rejected_by_error{};
  std::uint64_t discover_sent = 0;
  std::uint64_t joins_sent = 0;
  std::uint64_t inputs_sent = 0;
  std::uint64_t responses_ignored = 0;  // DiscoverResponses older than what we already show.
  std::uint64_t states_accepted = 0;
  std::uint64_t states_stale = 0;       // (epoch, seq) not newer, or epoch older than the leader's.
  std::uint64_t states_other_room = 0;  // For a room we are not in, or not asked for.
  std::uint64_t states_not_leader = 0;  // Sender is not the leader its header epoch names.
  std::uint64_t rehomes = 0;            // Accepted a state from a newer epoch than the last.
  std::uint64_t rediscoveries = 0;      // Silence timeouts that sent us back to discovery.
  std::uint64_t sessions = 0;           // Sessions a keyed cluster granted us.
  std::uint64_t clusters_changed = 0;   // Chose a rebuilt cluster (see Candidate::rebuilt).
  std::uint64_t boards_accepted = 0;    // Leaderboards of our finished matches.
  std::uint64_t boards_ignored = 0;     // Not from a leader, not our room, or not newer.
  std::uint64_t watch_servers = 0;      // Spectators: servers chosen to watch from.
};

class ClientNode final : public Node {
 public:
  // Chooses the paddle direction (-1 up, 0 still, +1 down) from the state shown, for
  // `my_slot` (0 left, 1 right). Called once per input tick. Values outside [-1, 1] are
  // clamped. The SDL client reads the keyboard; the simulator plugs in pong::bot_direction.
  using InputPolicy =
      std::function<std::int8_t(const wire::RoomState& shown, std::uint8_t my_slot, Rng& rng)>;
  // The racing client's: steering (-1 left, 0 straight, +1 right) from the race shown.
  using RacePolicy =
      std::function<std::int8_t(const wire::RaceState& shown, std::uint8_t my_slot, Rng& rng)>;

  explicit ClientNode(const ClientConfig& config);

  void start(TimeUs now) override;
  void on_datagram(TimeUs now, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override;
  void on_tick(TimeUs now) override;
  TimeUs next_tick_at() const override;

  // Without a policy the client sends direction 0 (it still sends, so its seat stays alive).
  void set_input_policy(InputPolicy policy) { policy_ = std::move(policy); }
  void set_race_policy(RacePolicy policy) { race_policy_ = std::move(policy); }

  // Starts a new match: draws a fresh client_id (so the leader does not re-attach us to the
  // finished room), forgets the room and result, and joins again (the known leader, or by
  // discovery). The (epoch, seq) order carries over, so states stay strictly increasing.
  // Sends Leave first if the current match is still running.
  void play_again(TimeUs now);
  // Sends Leave for the current room (if any) and stops: nothing more is sent.
  void leave(TimeUs now);

  ClientPhase phase() const { return phase_; }
  std::uint64_t client_id() const { return client_id_; }
  const NodeId& id() const { return config_.id; }
  // The room we are seated in (or re-attaching to); 0 for none (room ids start at 1).
  std::uint32_t room() const { return room_; }
  // The leader we talk to: its epoch (epoch.leader is its id) and client endpoint. The epoch
  // is none before the first choice; both persist through rediscovery until replaced.
  const Epoch& leader_epoch() const { return leader_epoch_; }
  // A spectator: the server it watches from (nil before the first choice).
  const NodeId& watched() const { return watched_; }
  // The identity of the cluster whose states we show (none until a server told us).
  const Epoch& cluster() const { return cluster_; }
  NodeId leader() const { return leader_epoch_.leader; }
  Endpoint leader_client() const { return leader_client_; }

  // The state on screen: the newest accepted one, or nullptr before the first. A racing
  // client's is the race's common part (room, seq, phase, slot, winner; no scores): the
  // whole race is shown_race().
  const wire::RoomState* shown() const { return shown_ ? &*shown_ : nullptr; }
  const wire::RaceState* shown_race() const { return shown_race_ ? &*shown_race_ : nullptr; }
  // The racing leaderboard the leader sent when our race ended.
  const std::optional<wire::RaceBoardState>& race_board() const { return race_board_; }
  // Seated as a player (not a spectator) in the room shown.
  bool seated_as_player() const;
  // Its (epoch, seq); every accepted state is strictly newer than the one before.
  const StatePosition& shown_position() const { return shown_position_; }
  std::uint64_t states_accepted() const { return stats_.states_accepted; }
  // Sticky: set once an accepted state showed a lower score_left or score_right than the
  // previously shown state of the same room. Must stay false (the "no rollback" invariant).
  bool score_went_backwards() const { return score_went_backwards_; }
  // Longest gap between two consecutive accepted states while the match ran (the earlier
  // state in countdown or playing): the worst freeze the player saw, failovers included.
  TimeUs longest_stall_us() const { return longest_stall_us_; }
  // The freeze still going at `now`: the time since the newest state, if that state was of a
  // running match (countdown or playing); 0 otherwise. A run that ends mid-freeze counts it.
  TimeUs ongoing_stall_us(TimeUs now) const;
  // When the newest state was accepted; 0 before the first.
  TimeUs last_state_at_us() const { return last_state_at_us_; }
  const std::optional<FinalResult>& result() const { return result_; }
  // The leaderboard the leader sent when our match ended (kept until the next match).
  const std::optional<wire::LeaderboardState>& leaderboard() const { return leaderboard_; }
  // input_seq of the last Input sent (0 before the first); increases across re-homes.
  std::uint32_t input_seq() const { return input_seq_; }
  // Matches finished (a game-over state seen), over every rematch.
  int matches_finished() const { return matches_finished_; }
  const ClientStats& stats() const { return stats_; }
  const ClientConfig& config() const { return config_; }

 private:
  // A server a spectator could watch from, learned from one DiscoverResponse.
  struct WatchCandidate {
    NodeId id;
    Endpoint client;
    bool follower = false;
  };
  // A leader we could join, learned from one DiscoverResponse.
  struct Candidate {
    Epoch epoch;
    Endpoint client;
    bool from_leader = false;  // The leader answered itself (beats a follower's hint).
    Epoch identity;            // The cluster's, as the server answering knows it.
    // Older than what we showed, but of another cluster identity: a cluster rebuilt from
    // empty disks, whose epochs started again.
    bool rebuilt = false;
  };
  // A cluster with another identity than ours: rebuilt from empty disks (its epochs start
  // again), or another cluster on the LAN.
  bool other_cluster(const Epoch& identity) const {
    return !cluster_.is_none() && !identity.is_none() && identity != cluster_;
  }

  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::DiscoverResponse& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::RoomState& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::LeaderboardState& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::RaceState& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::RaceBoardState& m);
  void handle(TimeUs now, Endpoint from, const wire::Header& h, const wire::SessionGrant& m);
  template <class Other>
  void handle(TimeUs, Endpoint, const wire::Header&, const Other&) {}
  // What a Pong client decodes: discovery answers and its room's states. Requests a server
  // would take (a Join looped back) decode, but nothing handles them.
  using Message =
      std::variant<wire::DiscoverResponse, wire::RoomState, wire::LeaderboardState, wire::Join,
                   wire::Input, wire::Leave, wire::RaceState, wire::RaceBoardState, wire::RaceJoin,
                   wire::RaceInput, wire::RaceLeave, wire::SessionGrant>;

  // A state's common part (a Pong state, or a race's): order, room and acceptance.
  void handle_state(TimeUs now, Endpoint from, const wire::Header& h, const wire::RoomState& m);
  void accept_state(TimeUs now, Endpoint from, const wire::Header& h, const wire::RoomState& m);
  // Seats per room of the game played: player slots are below it, spectators at or above.
  std::uint8_t players_per_room() const { return config_.game == Game::kRacing ? 4 : 2; }
  void rediscover(TimeUs now);
  void choose_leader(TimeUs now);
  // A spectator's choice: a follower (spread by client id), else the leader.
  void choose_watched(TimeUs now);
  void note_watch_candidate(TimeUs now, const wire::Header& h, const wire::DiscoverResponse& m);
  void handle_spectator_state(TimeUs now, Endpoint from, const wire::Header& h,
                              const wire::RoomState& m);
  void begin_joining(TimeUs now);
  void send_discovery(TimeUs now);
  // Join, Input and Leave in the family of the game played.
  template <class PongMsg>
  void send_request(const PongMsg& msg);
  void send_join(TimeUs now);
  // Sends the policy's direction, or 0 for a keepalive (no policy draw).
  void send_input(bool keepalive);
  bool match_running() const;
  // Seated as a player in a room that waits for an opponent: nothing to play yet, but the
  // leader must keep hearing from us (ClientConfig::keepalive_interval_us).
  bool waiting_for_opponent() const;
  // The epoch of the last state we showed (none before the first).
  Epoch shown_epoch() const { return shown_ ? shown_position_.epoch : Epoch{}; }

  // A request to a server, sealed with our session when the cluster wants one.
  template <class Msg>
  void send(Endpoint to, const Msg& msg) {
    session_.send(now_, outbox_, config_.id, to, msg, config_.join_retry_us);
  }
  template <class Msg>
  void broadcast(const Msg& msg);
  // The cluster's discovery answer says whether it wants sessions: the first time it does,
  // a key pair and the client id that goes with it.
  void note_sessions(const wire::DiscoverResponse& m);
  std::uint64_t new_client_id();
  void emit(TimeUs now, NodeEventKind kind, const NodeId& peer = {}, const Epoch& epoch = {},
            std::uint64_t seq = 0);

  ClientConfig config_;
  Rng rng_;         // Client ids and discovery jitter.
  Rng policy_rng_;  // Handed to the input policy, so its draws do not shift ours.
  InputPolicy policy_;
  RacePolicy race_policy_;
  wire::Header header_;  // Reused decode targets.
  Message message_;
  ClientStats stats_;

  ClientPhase phase_ = ClientPhase::kDiscovering;
  std::uint64_t client_id_ = 0;
  SessionLink session_;
  TimeUs now_ = 0;  // Of the call being handled (for the session's request timing).
  std::uint32_t room_ = 0;
  // The room given up by play_again(): its lingering states must not seat us again.
  std::uint32_t left_room_ = 0;

  // Discovery round: the best candidate so far and when to stop listening (0: no candidate).
  std::optional<Candidate> best_;
  TimeUs choose_at_us_ = 0;
  TimeUs next_discovery_us_ = 0;

  Epoch leader_epoch_;
  Endpoint leader_client_;
  Epoch cluster_;  // The identity of the cluster whose states we show; none until learned.
  TimeUs next_join_us_ = 0;
  // Start of the current silence window: the later of the last accepted state and the
  // moment we (re)started joining.
  TimeUs heard_us_ = 0;

  std::optional<wire::RoomState> shown_;
  StatePosition shown_position_;
  bool score_baseline_valid_ = false;  // False after play_again: the next room starts fresh.
  bool score_went_backwards_ = false;
  TimeUs longest_stall_us_ = 0;
  TimeUs last_state_at_us_ = 0;
  std::optional<FinalResult> result_;
  std::optional<wire::LeaderboardState> leaderboard_;
  std::optional<wire::RaceState> shown_race_;
  // Spectators: the servers that answered this discovery round, the one watched, and the one
  // that fell silent (tried last).
  std::vector<WatchCandidate> watch_candidates_;
  NodeId watched_;
  NodeId avoid_;
  std::uint64_t watch_attempts_ = 0;
  std::optional<wire::RaceBoardState> race_board_;

  TimeUs next_input_us_ = 0;
  TimeUs next_keepalive_us_ = 0;  // While waiting_for_opponent(): when to send the next.
  std::uint32_t input_seq_ = 0;
  InputHistory history_;
  int matches_finished_ = 0;
  TimeUs finished_at_us_ = 0;
};

}  // namespace dp
