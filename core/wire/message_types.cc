#include "core/wire/message_types.h"

namespace dp::wire {

namespace {

const char* name_or_null(std::uint8_t type) {
  switch (static_cast<MsgType>(type)) {
    case MsgType::kDiscoverRequest:
      return "discover-request";
    case MsgType::kDiscoverResponse:
      return "discover-response";
    case MsgType::kHeartbeat:
      return "heartbeat";
    case MsgType::kElection:
      return "election";
    case MsgType::kAnswer:
      return "answer";
    case MsgType::kCoordinator:
      return "coordinator";
    case MsgType::kSessionRequest:
      return "session-request";
    case MsgType::kSessionGrant:
      return "session-grant";
    case MsgType::kPreVote:
      return "pre-vote";
    case MsgType::kPreVoteReply:
      return "pre-vote-reply";
    case MsgType::kResign:
      return "resign";
    case MsgType::kReplicate:
      return "replicate";
    case MsgType::kAck:
      return "ack";
    case MsgType::kNack:
      return "nack";
    case MsgType::kSnapshot:
      return "snapshot";
    case MsgType::kHandOver:
      return "hand-over";
    case MsgType::kCtlRequest:
      return "ctl-request";
    case MsgType::kCtlStatus:
      return "ctl-status";
    case MsgType::kCtlResult:
      return "ctl-result";
    case MsgType::kJoin:
      return "join";
    case MsgType::kInput:
      return "input";
    case MsgType::kRoomState:
      return "room-state";
    case MsgType::kLeave:
      return "leave";
    case MsgType::kLeaderboardState:
      return "leaderboard-state";
    case MsgType::kWatch:
      return "watch";
    case MsgType::kListRooms:
      return "list-rooms";
    case MsgType::kRoomList:
      return "room-list";
    case MsgType::kRaceJoin:
      return "race-join";
    case MsgType::kRaceInput:
      return "race-input";
    case MsgType::kRaceState:
      return "race-state";
    case MsgType::kRaceLeave:
      return "race-leave";
    case MsgType::kRaceBoardState:
      return "race-board-state";
    case MsgType::kRaceWatch:
      return "race-watch";
    case MsgType::kRaceListRooms:
      return "race-list-rooms";
    case MsgType::kRaceRoomList:
      return "race-room-list";
    case MsgType::kChatSend:
      return "chat-send";
    case MsgType::kChatAck:
      return "chat-ack";
    case MsgType::kChatSubscribe:
      return "chat-subscribe";
    case MsgType::kChatHistory:
      return "chat-history";
    case MsgType::kChatLines:
      return "chat-lines";
  }
  return nullptr;
}

}  // namespace

const char* msg_type_name(std::uint8_t type) {
  const char* name = name_or_null(type);
  return name != nullptr ? name : "unknown";
}

bool is_known_msg_type(std::uint8_t type) { return name_or_null(type) != nullptr; }

std::string msg_type_label(std::uint8_t type) {
  const char* name = name_or_null(type);
  return name != nullptr ? std::string(name) : "type-" + std::to_string(type);
}

}  // namespace dp::wire
