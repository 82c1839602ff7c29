// The window's chat panel: one chat session for the whole run (its own socket, loop and
// thread, transport/chat_session.h), kept from the lobby through every game, and the panel
// that shows it on each screen. What the keys do, which channel each screen follows and
// what the rows say is ChatPanelModel's (chat_panel_model.h); this file feeds it SDL's
// events and draws it.
//
// The game never waits for the chat: the render loop copies the session's view every few
// frames (a mutex held for one copy) and posts what the player sends; the session's thread
// does the rest. With --no-chat (or headless) there is no panel: every call is a no-op.
#pragma once

#include <SDL.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "apps/pong-client/app.h"
#include "apps/pong-client/canvas.h"
#include "apps/pong-client/chat_panel_model.h"
#include "transport/chat_session.h"

namespace dp::client {

class ChatPanel {
 public:
  // No chat: draws nothing, takes no event.
  ChatPanel() = default;
  // Opens the chat session on the game's discovery address and the chat's port; when it
  // cannot (no socket), the panel says so and the game goes on.
  ChatPanel(const ClientSetup& setup, const IdentitySource& identity, std::string_view name);
  ~ChatPanel();
  ChatPanel(const ChatPanel&) = delete;
  ChatPanel& operator=(const ChatPanel&) = delete;

  bool enabled() const { return enabled_; }
  bool focused() const { return enabled_ && model_.focused(); }
  bool shown() const { return enabled_ && model_.shown(); }

  // The name the player chose (the lobby's field, or --name). A new name takes a new session
  // (a chat client's name is fixed); it is opened once the name has been valid and unchanged
  // for a moment and none of our messages is still in flight.
  void set_name(std::string_view chosen);
  // The channel this screen follows (switched at once when it changes).
  // `settled`: the screen knows its channel (false while a session is still searching for
  // a room: it follows the lobby's meanwhile).
  void set_channel(const std::string& channel, bool settled = true);
  void set_in_play(bool in_play) { model_.set_in_play(in_play); }
  // The lobby keeps SDL's text input on for its own fields; a game screen turns it on only
  // while the chat input is open.
  void set_text_input_always(bool always);

  // An SDL event; true when the chat took it (the screen must then ignore it).
  bool on_event(const SDL_Event& event);
  std::int8_t game_direction(std::int8_t from_keys) const {
    return enabled_ ? model_.game_direction(from_keys) : from_keys;
  }
  // Once a frame: copies the session's view every few frames, opens a session for a new name.
  void update();
  // Draws the panel in `area` (logical pixels): a box (`see_through` in play, so the ball
  // shows under it), the channel and the status, the newest rows that fit, and the input line.
  void draw(Canvas& canvas, const SDL_Rect& area, bool see_through);
  // While the panel is hidden (in play): how to open it, lines unread and the chat's status,
  // small, right-aligned on `right` with its last line's bottom at `bottom`; on two lines
  // when `two_lines` (a narrow place).
  void draw_hint(Canvas& canvas, int right, int bottom, bool two_lines);

  // For scripts/screenshot.sh: send a message to the lobby, or to the room once the client
  // is in one (not while it is still searching); or leave text typed in the open input.
  void send(std::string text);
  void draft(std::string_view text);

 private:
  void open_session(const std::string& name);
  void apply(const ChatAction& action);
  void post(std::string text);  // To the session, counted in posted_.
  void sync_text_input();

  bool enabled_ = false;
  std::string discovery_address_;
  std::uint16_t discovery_port_ = 0;
  IdentitySource identity_;
  std::unique_ptr<ChatSession> session_;
  std::string error_;         // Why no session could be opened.
  std::uint32_t posted_ = 0;  // Messages posted to this session (all delivered: acked == it).
  std::string name_;          // The session's.
  std::string wanted_name_;
  Uint32 wanted_since_ms_ = 0;
  std::string channel_{wire::kLobbyChannel};
  std::string send_when_settled_;  // send()'s message, until a screen settles its channel.
  ChatPanelModel model_;
  bool text_input_always_ = false;
  std::uint64_t frame_ = 0;
  int char_width_ = 0;  // Of the small font, measured once.
};

}  // namespace dp::client
