// Encoding and decoding of whole datagrams: header + cereal portable-binary body.
//
// encode() writes into a caller-provided buffer and does not allocate. Decoding treats the
// bytes as hostile and rejects in a fixed, cheap order (netcode's): size, magic, version, a
// type of a known family, body length (decode_header); then, once the receiver has checked
// that the type belongs on the socket it arrived on, the body (decode_message), which never
// throws, never allocates (bodies use fixed-capacity containers) and checks every field's
// range after decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <variant>

#include "core/common/result.h"
#include "core/wire/chat_messages.h"
#include "core/wire/cluster_messages.h"
#include "core/wire/control_messages.h"
#include "core/wire/header.h"
#include "core/wire/pong_messages.h"
#include "core/wire/race_messages.h"
#include "core/wire/replication_messages.h"
#include "core/wire/session_messages.h"

namespace dp::wire {

// Why a datagram was refused. Every refusal is counted by reason and the datagram dropped.
enum class DecodeError : std::uint8_t {
  kTooShort = 1,  // Shorter than the header.
  kTooLong,       // Longer than kMaxDatagramSize.
  kBadMagic,
  kBadVersion,
  kUnknownType,        // In no family, or not a type of its family.
  kLengthMismatch,     // Header body length disagrees with the datagram size.
  kTruncatedBody,      // The body ended before the message did.
  kTrailingBytes,      // The body has bytes left over after the message.
  kOversizeContainer,  // A count larger than the container's capacity.
  kOutOfRange,         // A field outside its valid range.
  kWrongChannel,       // A type that does not belong on the socket it arrived on.
  kUnknownService,     // A service family this node does not run.
  // Refused by a server's authentication (core/security/datagram_auth.h) or term bound.
  kUnsigned,     // Not signed with a key of this cluster where one is required.
  kBadTag,       // Signed, but the tag does not check (forged or corrupted).
  kReplayed,     // A copy of a datagram already taken (or of an older boot).
  kForeignMode,  // From a server running another election mode: not of this cluster.
  kTermJump,     // An epoch term further ahead of ours than kMaxTermJump.
  // A client request whose session ticket does not open with this cluster's keys, or is
  // another client's (core/security/session.h).
  kBadSession,
};
constexpr std::uint8_t kMaxDecodeErrorValue = 18;
const char* decode_error_name(DecodeError error);

enum class EncodeError : std::uint8_t { kTooLarge = 1 };

// The families, as variants a receiver decodes into.
using ClusterMessage = std::variant<DiscoverRequest, DiscoverResponse, Heartbeat, Election, Answer,
                                    Coordinator, PreVote, PreVoteReply, Resign>;
using ReplicationMessage = std::variant<Replicate, Ack, Nack, Snapshot, HandOver>;
// What a server decodes from its discovery and control sockets.
using ServerMessage =
    std::variant<DiscoverRequest, DiscoverResponse, Heartbeat, Election, Answer, Coordinator,
                 PreVote, PreVoteReply, Resign, Replicate, Ack, Nack, Snapshot, HandOver>;
using ControlMessage = std::variant<CtlRequest, CtlStatus, CtlResult>;
using PongMessage =
    std::variant<Join, Input, Leave, RoomState, LeaderboardState, Watch, ListRooms, RoomList>;
using RaceMessage = std::variant<RaceJoin, RaceInput, RaceLeave, RaceState, RaceBoardState,
                                 RaceWatch, RaceListRooms, RaceRoomList>;
using ChatMessage = std::variant<ChatSend, ChatAck, ChatSubscribe, ChatHistory, ChatLines>;
using SessionMessage = std::variant<SessionRequest, SessionGrant>;
// Every message this version ships (tests, fuzzers and tools decode into it).
using Message =
    std::variant<DiscoverRequest, DiscoverResponse, Heartbeat, Election, Answer, Coordinator,
                 PreVote, PreVoteReply, Resign, Replicate, Ack, Nack, Snapshot, Join, Input,
                 RoomState, Leave, LeaderboardState, RaceJoin, RaceInput, RaceState, RaceLeave,
                 RaceBoardState, Watch, RaceWatch, ListRooms, RoomList, RaceListRooms, RaceRoomList,
                 ChatSend, ChatAck, ChatSubscribe, ChatHistory, ChatLines, SessionRequest,
                 SessionGrant, HandOver, CtlRequest, CtlStatus, CtlResult>;

// Encodes `body` with the given sender and epoch into `out`; returns the datagram size.
template <class Msg>
Result<std::size_t, EncodeError> encode(const NodeId& sender, const Epoch& epoch, const Msg& body,
                                        std::span<std::uint8_t> out);

// Checks everything up to the body; on success `out` holds the header.
std::optional<DecodeError> decode_header(std::span<const std::uint8_t> bytes, Header& out);
// The body of a datagram whose header decode_header() accepted.
inline std::span<const std::uint8_t> body_of(std::span<const std::uint8_t> bytes) {
  return bytes.subspan(kHeaderSize);
}

// The client id every client request starts with (the first field of its body); none if the
// body is too short to hold one.
std::optional<std::uint64_t> request_client_id(std::span<const std::uint8_t> body);

// Decodes `body` into the alternative of Variant whose kType is `type` (reusing it when `out`
// already holds that alternative); kUnknownType when Variant has none.
template <class Variant>
std::optional<DecodeError> decode_message(MsgType type, std::span<const std::uint8_t> body,
                                          Variant& out);

struct Decoded {
  Header header;
  Message body;
};
// Header and body in one call, into any message this version ships.
std::optional<DecodeError> decode_into(std::span<const std::uint8_t> bytes, Decoded& out);
Result<Decoded, DecodeError> decode(std::span<const std::uint8_t> bytes);

}  // namespace dp::wire

#include "core/wire/codec_impl.h"
