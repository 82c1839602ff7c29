#include "core/services/pong/notes.h"

namespace dp::pong {
namespace {

const char* side(std::uint8_t slot) { return slot == 0 ? "left" : "right"; }

}  // namespace

std::optional<std::string> describe_note(const ServiceNote& note, bool* milestone) {
  bool important = true;
  std::optional<std::string> text;
  if (auto n = note.as<RoomOpened>()) {
    text = "room-opened room=" + std::to_string(n->room) + " seq=" + std::to_string(n->seq);
  } else if (auto p = note.as<PointScored>()) {
    important = false;
    text = "point-scored room=" + std::to_string(p->room) + " score=" + p->score.str();
  } else if (auto m = note.as<MatchOver>()) {
    text = "match-over room=" + std::to_string(m->room) + " score=" + m->score.str() +
           " winner=" + side(m->winner_slot);
  } else if (auto c = note.as<RoomClosed>()) {
    text = "room-closed room=" + std::to_string(c->room);
  } else if (auto s = note.as<StateShown>()) {
    important = false;
    text = "state-shown room=" + std::to_string(s->room) + " score=" + s->score.str();
  }
  if (milestone != nullptr) *milestone = important;
  return text;
}

}  // namespace dp::pong
