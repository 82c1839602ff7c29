// Every message type on the wire, grouped in families with their own type ranges:
//
//   family        types    carried on (the receiving socket)
//   cluster       1-9      discovery (DiscoverRequest), control (the rest)
//   replication   10-19    control
//   service N     10N+10 .. 10N+19: requests on a server's client socket, states on a
//                 client's socket. Service 1 is Pong (20-29), 2 racing (30-39), 3 chat (40-49,
//                 served by a cluster of its own: pong-chat); the tests' counter
//                 service uses 9 (100-109).
//   control       250-255  an operator's tool (pong-ctl) and a server: control socket only
//
// A datagram whose type is in no family is refused before its body is read, and a type that
// does not belong on the socket it arrived on is refused too (see channel_rules.h).
#pragma once

#include <cstdint>
#include <string>

namespace dp::wire {

using ServiceId = std::uint8_t;

enum class MsgType : std::uint8_t {
  // Cluster: discovery, heartbeats, Bully election.
  kDiscoverRequest = 1,
  kDiscoverResponse = 2,
  kHeartbeat = 3,
  kElection = 4,
  kAnswer = 5,
  kCoordinator = 6,
  // PreVote (Raft's idea): may I start an election? Granted only by a server that lost its
  // leader too, so a server outside the majority cannot impose a newer epoch.
  kPreVote = 7,
  kPreVoteReply = 8,
  // A leader that shuts down cleanly hands over at once instead of waiting to be suspected.
  kResign = 9,
  // Replication between servers: the generic log.
  kReplicate = 10,
  kAck = 11,
  kNack = 12,
  kSnapshot = 13,
  // A leader hands its leadership to a chosen, caught-up follower (pong-ctl move-leader).
  kHandOver = 14,
  // Service 1, Pong: client traffic.
  kJoin = 20,
  kInput = 21,
  kRoomState = 22,
  kLeave = 23,
  kLeaderboardState = 24,
  kWatch = 25,
  kListRooms = 26,
  kRoomList = 27,
  // Service 2, racing: client traffic.
  kRaceJoin = 30,
  kRaceInput = 31,
  kRaceState = 32,
  kRaceLeave = 33,
  kRaceBoardState = 34,
  kRaceWatch = 35,
  kRaceListRooms = 36,
  kRaceRoomList = 37,
  // Service 3, chat (its own cluster): client traffic.
  kChatSend = 40,
  kChatAck = 41,
  kChatSubscribe = 42,
  kChatHistory = 43,
  kChatLines = 44,
  // Client sessions (service 4, handled by the server itself): with a cluster key, a client
  // asks any server for a session before its first request (core/security/session.h).
  kSessionRequest = 50,
  kSessionGrant = 51,
  // Control (pong-ctl): an operator's request, and a server's answers (control_messages.h).
  kCtlRequest = 250,
  kCtlStatus = 251,
  kCtlResult = 252,
};

enum class Family : std::uint8_t { kUnknown = 0, kCluster, kReplication, kService, kControl };

constexpr std::uint8_t kServiceTypeBase = 20;
constexpr std::uint8_t kServiceTypeSpan = 10;
constexpr ServiceId kMaxServiceId = 23;  // Types up to 249.
constexpr std::uint8_t kControlTypeBase = 250;

constexpr Family family_of(std::uint8_t type) {
  if (type >= 1 && type < 10) return Family::kCluster;
  if (type >= 10 && type < 20) return Family::kReplication;
  if (type >= kServiceTypeBase &&
      type < kServiceTypeBase + kServiceTypeSpan * static_cast<unsigned>(kMaxServiceId)) {
    return Family::kService;
  }
  if (type >= kControlTypeBase) return Family::kControl;
  return Family::kUnknown;
}
// The service whose range holds `type` (only for Family::kService).
constexpr ServiceId service_of(std::uint8_t type) {
  return static_cast<ServiceId>((type - kServiceTypeBase) / kServiceTypeSpan + 1);
}
// The first type of service `id`'s range.
constexpr std::uint8_t first_type_of(ServiceId id) {
  return static_cast<std::uint8_t>(kServiceTypeBase + kServiceTypeSpan * (id - 1));
}

// The services this version ships (ids are part of the log's entries and of the wire).
constexpr ServiceId kPongService = 1;
constexpr ServiceId kRacingService = 2;
constexpr ServiceId kChatService = 3;
// Not a replicated service: the server node answers it (no log entry).
constexpr ServiceId kSessionService = 4;

static_assert(family_of(static_cast<std::uint8_t>(MsgType::kJoin)) == Family::kService &&
              service_of(static_cast<std::uint8_t>(MsgType::kJoin)) == kPongService &&
              first_type_of(kPongService) == static_cast<std::uint8_t>(MsgType::kJoin));
static_assert(first_type_of(kRacingService) == static_cast<std::uint8_t>(MsgType::kRaceJoin));
static_assert(first_type_of(kChatService) == static_cast<std::uint8_t>(MsgType::kChatSend));
static_assert(service_of(first_type_of(kMaxServiceId) + kServiceTypeSpan - 1) == kMaxServiceId);

// "heartbeat", "join", ...; "unknown" for a type no shipped family defines.
const char* msg_type_name(std::uint8_t type);
bool is_known_msg_type(std::uint8_t type);
// The name, or "type-N" for a type no shipped family defines (for reports and traces).
std::string msg_type_label(std::uint8_t type);

}  // namespace dp::wire
