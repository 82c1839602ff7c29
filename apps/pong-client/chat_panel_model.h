// The chat panel's logic without SDL, so tests can drive it key by key: the input line (its
// focus, its UTF-8 editing, what Enter sends), which channel each screen follows, what the
// panel says of the chat cluster (connecting, connected, reconnecting, unavailable), and the
// rows it draws: "name: text", each of our own messages with its state, wrapped to the
// panel's width and scrolled.
//
// Keys. Tab opens the input and closes it again; while it is open every key belongs to the
// chat (Enter sends, Esc or Tab closes, Backspace removes one character, Page Up/Down scroll)
// and the game's direction is 0, so typing never moves a paddle or a car. In play (countdown
// or playing, as a player) the panel shows only while its input is open, and Enter closes
// it after sending; on every other screen the panel always shows and stays open after a
// send.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/pong-client/screen.h"
#include "transport/chat_session.h"
#include "transport/client_process.h"

namespace dp::client {

// Never connected for this long: "chat unavailable" (the game goes on without it).
constexpr TimeUs kChatUnavailableAfterUs = 2 * kUsPerSecond;
// Connected once, then silent: "reconnecting" while the chat cluster fails over, for at most
// this long, then "chat unavailable".
constexpr TimeUs kChatReconnectingForUs = 5 * kUsPerSecond;

// --- UTF-8 editing -------------------------------------------------------------------------

// Code points in valid UTF-8 `text`.
std::size_t code_points(std::string_view text);
// Removes the last code point of valid UTF-8 `text` (nothing when empty).
void pop_code_point(std::string& text);
// Appends what was typed to `text`, one code point at a time: invalid UTF-8 and control
// characters are dropped, and nothing goes past wire::kChatTextMax bytes (a code point that
// does not fit whole is left out). False when anything was left out.
bool append_typed(std::string& text, std::string_view typed);
// The last `count` code points of `text`.
std::string_view tail_code_points(std::string_view text, std::size_t count);
// Splits `text` into rows of at most `columns` code points, at a space when there is one in
// the row, never inside a code point. Continuation rows start with `indent` spaces (counted in
// the columns). Always at least one row.
std::vector<std::string> wrap_text(std::string_view text, std::size_t columns,
                                   std::size_t indent = 0);

// --- Channel and name ----------------------------------------------------------------------

// The channel a session's screens follow: the room's ("pong:NAME", "racing:NAME"; an unnamed
// room by its number, "pong:#3") once the client is seated in or watching a room, else the
// lobby's (still searching or joining).
std::string chat_channel_for(const ClientView& view);
// In play: a player's countdown or match, where the game needs the keys. The panel then
// shows only while its input is open.
bool chat_in_play(const ClientView& view, Screen screen);
// The name the chat goes by: the lobby's (or --name) when it is a valid player name, else
// "player-XXXX" after the chat's client id.
std::string chat_name(std::string_view chosen, std::uint64_t client_id);

// --- Status --------------------------------------------------------------------------------

enum class ChatHealth : std::uint8_t { kConnecting, kConnected, kReconnecting, kUnavailable };
ChatHealth chat_health(bool connected, TimeUs unavailable_for_us, bool ever_connected);
// "chat: connecting...", "chat: connected", "chat: reconnecting...", "chat unavailable".
const char* chat_health_text(ChatHealth health);

// --- Rows ----------------------------------------------------------------------------------

enum class ChatRowKind : std::uint8_t {
  kTheirs,         // Someone else's line.
  kOurs,           // Ours, in the channel (delivered long ago).
  kOursSending,    // Ours, not yet acknowledged by the chat leader.
  kOursDelivered,  // Ours, acknowledged (and ordered in the channel).
};
struct ChatRow {
  std::string text;
  ChatRowKind kind = ChatRowKind::kTheirs;
};
// "name: text", with "  (sending)" or "  (delivered)" after our recent messages.
std::string format_chat_line(std::string_view name, std::string_view text, ChatRowKind kind);

// What the view shows, one message a line, oldest first: the channel's lines (ours marked
// delivered while the client still lists them among its recent messages), then our messages
// to this channel that are not yet in it (sending, or delivered but not yet received back).
std::vector<ChatRow> chat_lines(const ChatView& view, std::uint64_t our_client_id,
                                std::string_view our_name);

// --- The panel -----------------------------------------------------------------------------

enum class ChatKey : std::uint8_t {
  kToggle,  // Tab.
  kEnter,
  kEscape,
  kBackspace,
  kPageUp,
  kPageDown,
  kOther,  // Any other key (letters arrive as typed text).
};

// What a key asks of the chat session and the screen.
struct ChatAction {
  bool consumed = false;            // The key is the chat's: the screen must not act on it.
  std::optional<std::string> send;  // A message to send (valid chat text).
  bool request_older = false;       // Ask for the page of lines before the oldest held.
};

class ChatPanelModel {
 public:
  explicit ChatPanelModel(std::uint64_t our_client_id = 0, std::string our_name = {})
      : client_id_(our_client_id), name_(std::move(our_name)) {}

  // The input line.
  bool focused() const { return focused_; }
  void open();
  void close();
  const std::string& draft() const { return draft_; }
  // Why the last Enter sent nothing, or why typed text was left out; empty when neither.
  const std::string& refusal() const { return refusal_; }
  // Whether the screen is in play (see chat_in_play): Enter then closes the input after a
  // send, and the panel shows only while the input is open.
  void set_in_play(bool in_play) { in_play_ = in_play; }
  bool shown() const { return !in_play_ || focused_; }

  ChatAction key(ChatKey k);
  // Typed text (SDL_TEXTINPUT): goes to the draft while the input has the focus. Returns
  // whether the chat took it.
  bool type(std::string_view text);
  // The direction the game may send: 0 while the input has the focus.
  std::int8_t game_direction(std::int8_t from_keys) const { return focused_ ? 0 : from_keys; }

  // The newest view of the session (copied every few frames).
  void set_view(ChatView view);
  const ChatView& view() const { return view_; }
  ChatHealth health() const;
  // The rows to draw, oldest first: at most `count` rows of `columns` code points, `scroll()`
  // rows up from the newest. Remembers the page size for Page Up/Down.
  std::vector<ChatRow> visible_rows(std::size_t columns, std::size_t count);
  std::size_t scroll() const { return scroll_; }
  // Lines of others that arrived while the panel was hidden.
  std::size_t unread() const { return unread_; }

  // A new session (after a name change): new client id and name, nothing seen yet.
  void reset_identity(std::uint64_t our_client_id, std::string our_name);

 private:
  const std::vector<ChatRow>& all_rows(std::size_t columns);

  std::uint64_t client_id_;
  std::string name_;
  bool focused_ = false;
  bool in_play_ = false;
  std::string draft_;
  std::string refusal_;

  ChatView view_;
  bool ever_connected_ = false;
  std::uint64_t seen_n_ = 0;  // The newest line shown while the panel was visible.
  std::size_t unread_ = 0;

  std::size_t scroll_ = 0;     // Rows up from the newest.
  std::size_t page_ = 4;       // Rows in the last drawn page.
  std::vector<ChatRow> rows_;  // Cached for rows_version_ and rows_columns_.
  std::uint64_t rows_version_ = ~std::uint64_t{0};
  std::size_t rows_columns_ = 0;
  bool rows_valid_ = false;
};

}  // namespace dp::client
