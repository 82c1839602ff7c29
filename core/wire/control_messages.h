// Message bodies of the control family (types 250-255): an operator's tool (pong-ctl) asks a
// server for its status or to move the leadership; the server answers the address that asked.
// A server takes them only on its control socket (channel_rules.h), and in a cluster with a
// key only when sealed with that key (like server-to-server datagrams, datagram_auth.h).
//
// A request without a key is padded so that no answer is larger than the question: a spoofed
// request cannot make a server send more bytes to a victim than it took (kCtlRequestPadding
// covers the largest status).
#pragma once

#include <cstdint>

#include "core/common/types.h"
#include "core/wire/cluster_messages.h"
#include "core/wire/fixed.h"
#include "core/wire/header.h"

namespace dp::wire {

enum class CtlCommand : std::uint8_t {
  kStatus = 1,      // Answered with CtlStatus.
  kMoveLeader = 2,  // To the leader: hand over to `target`. Answered with CtlResult.
  kDrain = 3,       // To any server: hand over if leading, then never lead. CtlResult.
};
constexpr std::uint8_t kMaxCtlCommandValue = 3;
const char* ctl_command_name(CtlCommand command);

constexpr std::size_t kCtlRequestPadding = 960;

struct CtlRequest {
  static constexpr MsgType kType = MsgType::kCtlRequest;
  std::uint8_t command = 0;                            // A CtlCommand value.
  NodeId target;                                       // move-leader: the follower to hand over to.
  std::uint64_t nonce = 0;                             // Echoed in the answer.
  FixedVec<std::uint8_t, kCtlRequestPadding> padding;  // Zeros.
  template <class A>
  void serialize(A& ar) {
    ar(command, target, nonce, padding);
  }
  bool valid() const { return command >= 1 && command <= kMaxCtlCommandValue; }
};

// A follower's progress as its leader sees it.
struct FollowerProgress {
  NodeId id;
  std::uint64_t acked_seq = 0;
  std::uint8_t alive = 0;
  template <class A>
  void serialize(A& ar) {
    ar(id, acked_seq, alive);
  }
};

constexpr std::size_t kCtlVersionMax = 32;
constexpr std::uint8_t kMaxServerRoleValue = 5;

// One server's own view of itself. The header carries its id and the epoch it leads or
// follows.
struct CtlStatus {
  static constexpr MsgType kType = MsgType::kCtlStatus;
  std::uint64_t nonce = 0;
  // A ServerRole value (core/cluster/roles.h): leaderless, candidate, backing-off,
  // following, leading, stopped.
  std::uint8_t role = 0;
  std::uint8_t draining = 0;
  std::uint64_t applied_seq = 0;
  std::uint64_t commit_seq = 0;  // Known to this replica.
  // Summed over its services (Service::occupancy): a game's rooms, seated players and
  // spectators.
  std::uint32_t groups = 0;
  std::uint32_t members = 0;
  std::uint32_t watchers = 0;
  std::uint64_t uptime_ms = 0;
  std::uint32_t peers_alive = 0;
  FixedString<kCtlVersionMax> version;
  FixedVec<FollowerProgress, kMaxServers> followers;  // The leader's followers; else empty.
  template <class A>
  void serialize(A& ar) {
    ar(nonce, role, draining, applied_seq, commit_seq, groups, members, watchers, uptime_ms,
       peers_alive, version, followers);
  }
  bool valid() const {
    if (role > kMaxServerRoleValue || draining > 1) return false;
    for (const FollowerProgress& f : followers) {
      if (f.alive > 1) return false;
    }
    return true;
  }
};

enum class CtlOutcome : std::uint8_t {
  kStarted = 0,        // Hand-over begun (watch the status for the new leader).
  kDone = 1,           // Nothing more to do (drain of a follower, or already the leader).
  kNotLeader = 2,      // move-leader sent to a server that does not lead.
  kUnknownTarget = 3,  // No live follower of that id.
  kRefused = 4,        // Not possible here (classic mode, draining target, no follower).
};
constexpr std::uint8_t kMaxCtlOutcomeValue = 4;
const char* ctl_outcome_name(CtlOutcome outcome);

constexpr std::size_t kCtlDetailMax = 120;

struct CtlResult {
  static constexpr MsgType kType = MsgType::kCtlResult;
  std::uint64_t nonce = 0;
  std::uint8_t command = 0;
  std::uint8_t outcome = 0;  // A CtlOutcome value.
  FixedString<kCtlDetailMax> detail;
  template <class A>
  void serialize(A& ar) {
    ar(nonce, command, outcome, detail);
  }
  bool valid() const {
    return command >= 1 && command <= kMaxCtlCommandValue && outcome <= kMaxCtlOutcomeValue;
  }
};

static_assert(kHeaderSize + 8 + 1 + 1 + 8 + 8 + 4 + 4 + 4 + 8 + 4 + 8 + kCtlVersionMax + 8 +
                      kMaxServers * (16 + 8 + 1) <=
                  kHeaderSize + 1 + 16 + 8 + 8 + kCtlRequestPadding,
              "a padded request is as large as the largest status");
static_assert(kHeaderSize + 1 + 16 + 8 + 8 + kCtlRequestPadding <= kMaxDatagramSize);

}  // namespace dp::wire
