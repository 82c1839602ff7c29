// Pong's own observations, reported as typed ServiceNotes (see core/common/service_note.h):
// the raw material of the simulator's match story, the server's log and the trace. Each is
// plain bytes with explicit padding fields, so its bytes (which feed the digest) are fixed.
#pragma once

#include <cstdint>

#include "core/services/pong/score.h"
#include "core/wire/message_types.h"

namespace dp::pong {

// The leader ordered a room's opening; seq is the entry's position.
struct RoomOpened {
  static constexpr std::uint8_t kService = wire::kPongService;
  static constexpr std::uint8_t kNoteKind = 1;
  std::uint64_t seq = 0;
  std::uint32_t room = 0;
  std::uint32_t unused = 0;
};

// The leader ordered a point (not yet committed); score is the score after it, seq the
// entry's position (what the simulator's commit-gate check compares replicas against).
struct PointScored {
  static constexpr std::uint8_t kService = wire::kPongService;
  static constexpr std::uint8_t kNoteKind = 2;
  std::uint32_t room = 0;
  Score score;
  std::uint16_t unused = 0;
  std::uint64_t seq = 0;
};

// The leader ordered a match's end (not yet committed).
struct MatchOver {
  static constexpr std::uint8_t kService = wire::kPongService;
  static constexpr std::uint8_t kNoteKind = 3;
  std::uint32_t room = 0;
  Score score;
  std::uint8_t winner_slot = 0;
  std::uint8_t unused = 0;
  std::uint64_t seq = 0;  // The entry's position.
};

struct RoomClosed {
  static constexpr std::uint8_t kService = wire::kPongService;
  static constexpr std::uint8_t kNoteKind = 4;
  std::uint32_t room = 0;
};

// A client showed a state whose room or score differs from the one before.
struct StateShown {
  static constexpr std::uint8_t kService = wire::kPongService;
  static constexpr std::uint8_t kNoteKind = 5;
  std::uint32_t room = 0;
  Score score;
  std::uint16_t unused = 0;
};

}  // namespace dp::pong

#include <optional>
#include <string>

#include "core/common/service_note.h"

namespace dp::pong {

// One Pong note as log text ("match-over room=3 score=5-2 winner=left"), or nothing when the
// note is not Pong's. `milestone` is set for the notes a server logs at info level.
std::optional<std::string> describe_note(const ServiceNote& note, bool* milestone = nullptr);

}  // namespace dp::pong
