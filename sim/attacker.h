// An attacker on the emulated LAN: a host of its own (127.9.0.1) with a tap on the network and
// a raw socket. The tap sees a copy of every datagram delivered between the game's servers and
// between them and their clients; the socket sends datagrams with any source endpoint
// (spoofing) through Simulator::inject(), which draws their fates from a stream of its own, so
// the rest of the run's network draws stay what they were without the attacker.
//
// What it knows it learnt from the tap, as a real attacker would: the highest epoch term on
// the wire, the key slot byte of signed datagrams (not secret), and each player's endpoint,
// client id, room and input sequence (from the Inputs it saw). What it does not have is the
// cluster key: every forgery must be refused by the servers' authentication, and every replay
// by their replay windows. The attacks (the scenario actions of the same names):
//
//   forge-coordinator  a COORDINATOR from a made-up id above every server, for a chosen term,
//                      unsigned, signed with another key, or keyless in the other mode;
//   replay             every datagram the tap saw in a window, again, verbatim;
//   spoof-input        Inputs for a seated player, from its endpoint (input_seq 0xFFFFFFFF
//                      first: a session that took it would ignore the player's own inputs);
//   spoof-leave        Leaves for a seated player, from its endpoint;
//   flood-discovery    padded discovery requests broadcast with a victim's endpoint as their
//                      source, so the servers' answers go to the victim (reflection).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/cluster/config.h"
#include "core/security/cluster_keys.h"
#include "sim/host.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace dp::sim {

// The attacker's own address, and a LAN address no host owns (flood-discovery's default
// victim: a machine outside the game).
constexpr std::uint32_t kAttackerIp = (127u << 24) | (9u << 16) | 1u;
constexpr std::uint32_t kOutsideVictimIp = (127u << 24) | (9u << 16) | 2u;
constexpr std::uint16_t kOutsideVictimPort = 49152;

// The attacker's host: one socket (it sends through the tap's raw socket, not this one), and
// a node that takes in whatever reaches it and does nothing.
HostSpec attacker_host_spec(NodeId id);
NodeFactory attacker_factory();

// What the attacker sent and what the servers answered the victims, for the report.
struct AttackTally {
  std::uint64_t datagrams = 0;
  std::uint64_t bytes = 0;
};

class Attacker final : public SimObserver {
 public:
  struct Config {
    HostIndex host = 0;                         // The attacker's own host.
    HostIndex servers_end = 0;                  // Game servers are [0, servers_end),
    HostIndex clients_end = 0;                  // their clients [servers_end, clients_end).
    ElectionMode mode = ElectionMode::kSticky;  // The cluster's.
    ClusterKey wrong_key{};                     // Not the cluster's.
    NodeId forged_id;                           // The made-up leader.
    TimeUs capture_window_us = 0;  // How long the tap keeps copies (the longest replay).
  };
  // Upper bound on the copies the tap keeps.
  static constexpr std::size_t kMaxCaptured = 200'000;

  Attacker(Simulator& sim, const Config& config);

  // The attacks; each returns what it did, in words, for the timeline. spoof-* and
  // flood-discovery go on sending (every_us apart) after they return.
  std::string forge_coordinator(const AttackSpec& a);
  std::string replay(const AttackSpec& a);
  // `player`: the client host to impersonate; none: the lowest-numbered one seen playing.
  std::string spoof(bool leave, const AttackSpec& a, std::optional<HostIndex> player);
  std::string flood_discovery(const AttackSpec& a, Endpoint victim, const std::string& name);

  // Sent, by attack (action name).
  const std::map<std::string, AttackTally>& sent() const { return sent_; }
  std::uint64_t captured() const { return captured_; }
  // Discovery floods: the attacker's request bytes, and the answers to the victims.
  std::uint64_t flood_bytes() const { return flood_bytes_; }
  const AttackTally& victim_answers() const { return victim_answers_; }
  bool flooded() const { return !victims_.empty(); }

  // The tap.
  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;
  // Answers to a victim.
  void on_send(TimeUs now, HostIndex from, const OutDatagram& d) override;

 private:
  struct Captured {
    TimeUs at_us = 0;
    Endpoint from;
    Endpoint to;
    std::uint8_t kind = 0;
    std::vector<std::uint8_t> bytes;
  };
  // A player as the tap last saw it: where its inputs come from and go, and what they carry.
  struct Player {
    Endpoint endpoint;
    Endpoint server;
    std::uint64_t client_id = 0;
    std::uint32_t room = 0;
    std::uint32_t input_seq = 0;
    // The session trailer of its last input (keyed clusters): the attacker copies the
    // ticket onto its forgeries, with the next counter and a tag it cannot compute.
    std::vector<std::uint8_t> trailer;
  };

  bool is_server(HostIndex h) const { return h < config_.servers_end; }
  bool is_client(HostIndex h) const { return h >= config_.servers_end && h < config_.clients_end; }
  void send(const char* attack, Endpoint from, Endpoint to, bool broadcast, std::uint8_t kind,
            std::span<const std::uint8_t> bytes);
  void spoof_one(bool leave, HostIndex player, std::int64_t k, std::int64_t count, TimeUs every);
  void flood_one(Endpoint victim, std::int64_t k, std::int64_t count, TimeUs every);
  void sample_player(const Transit& t, std::span<const std::uint8_t> bytes);

  Simulator& sim_;
  Config config_;
  std::deque<Captured> captured_copies_;
  std::uint64_t captured_ = 0;
  std::uint64_t highest_term_ = 0;  // Seen on the wire.
  std::uint8_t key_slot_ = 0;       // Of the signed datagrams seen (0: none seen).
  std::map<HostIndex, Player> players_;
  std::map<std::string, AttackTally> sent_;
  std::set<Endpoint> victims_;
  TimeUs flood_from_us_ = 0;
  std::uint64_t flood_bytes_ = 0;
  AttackTally victim_answers_;
};

}  // namespace dp::sim
