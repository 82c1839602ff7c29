#include "apps/pong-client/chat_panel.h"

#include <algorithm>
#include <iostream>

#include "apps/pong-client/lobby_model.h"

namespace dp::client {
namespace {

// The view is copied every this many frames (~67 ms at 60 fps): enough for a chat, and the
// copy of up to kLinesInView lines stays off most frames.
constexpr std::uint64_t kViewEveryFrames = 4;
// A new name is taken once it has not changed for this long (not at every key typed).
constexpr Uint32 kNameSettleMs = 1500;

constexpr int kPad = 8;
constexpr int kHeaderHeight = 22;
constexpr int kRowHeight = 18;
constexpr int kInputHeight = 24;

constexpr SDL_Color kPanel{10, 14, 22, 255};
constexpr SDL_Color kPanelInPlay{10, 14, 22, 190};  // The ball shows through.
constexpr SDL_Color kInputBox{34, 42, 60, 235};
constexpr SDL_Color kOk{120, 210, 140, 255};

ChatKey chat_key(SDL_Keycode key) {
  switch (key) {
    case SDLK_TAB:
      return ChatKey::kToggle;
    case SDLK_RETURN:
    case SDLK_KP_ENTER:
      return ChatKey::kEnter;
    case SDLK_ESCAPE:
      return ChatKey::kEscape;
    case SDLK_BACKSPACE:
      return ChatKey::kBackspace;
    case SDLK_PAGEUP:
      return ChatKey::kPageUp;
    case SDLK_PAGEDOWN:
      return ChatKey::kPageDown;
    default:
      return ChatKey::kOther;
  }
}

SDL_Color row_colour(ChatRowKind kind) {
  switch (kind) {
    case ChatRowKind::kTheirs:
      return palette::kWhite;
    case ChatRowKind::kOurs:
    case ChatRowKind::kOursDelivered:
      return palette::kAccent;
    case ChatRowKind::kOursSending:
      return palette::kDim;
  }
  return palette::kWhite;
}

SDL_Color health_colour(ChatHealth health) {
  switch (health) {
    case ChatHealth::kConnected:
      return kOk;
    case ChatHealth::kUnavailable:
      return palette::kWarn;
    default:
      return palette::kAccent;
  }
}

}  // namespace

ChatPanel::ChatPanel(const ClientSetup& setup, const IdentitySource& identity,
                     std::string_view name)
    : enabled_(setup.chat),
      discovery_address_(setup.udp.discovery_address),
      discovery_port_(setup.chat_discovery_port),
      identity_(identity),
      wanted_name_(name) {
  if (!enabled_) return;
  open_session(std::string(name));
}

ChatPanel::~ChatPanel() {
  if (session_) session_->quit();
}

void ChatPanel::open_session(const std::string& chosen) {
  if (session_) session_->quit();
  session_.reset();
  const auto [id, seed] = identity_();
  std::uint64_t client_id = identity_().second;
  if (client_id == 0) client_id = 1;
  name_ = chat_name(chosen, client_id);
  ChatSessionSetup setup =
      chat_session_setup(discovery_address_, discovery_port_, id, seed, name_, channel_);
  setup.node.client_id = client_id;
  model_.reset_identity(client_id, name_);
  auto opened = ChatSession::open(setup);
  if (!opened) {
    error_ = opened.error();
    std::cerr << "pong-client: chat: " << error_ << " (playing on without the chat)\n";
    return;
  }
  error_.clear();
  posted_ = 0;
  session_ = std::move(*opened);
  session_->start();
  model_.set_view(session_->view());
}

void ChatPanel::set_name(std::string_view chosen) {
  if (!enabled_ || chosen == wanted_name_) return;
  wanted_name_ = std::string(chosen);
  wanted_since_ms_ = SDL_GetTicks();
}

void ChatPanel::set_channel(const std::string& channel, bool settled) {
  if (!enabled_) return;
  if (channel != channel_) {
    channel_ = channel;
    if (session_) session_->switch_channel(channel);
  }
  // Posted after the switch: the session sends it to this channel.
  if (settled && session_ && !send_when_settled_.empty()) {
    post(std::move(send_when_settled_));
    send_when_settled_.clear();
  }
}

void ChatPanel::set_text_input_always(bool always) {
  text_input_always_ = always;
  sync_text_input();
}

void ChatPanel::sync_text_input() {
  if (text_input_always_ || focused()) {
    if (SDL_IsTextInputActive() == SDL_FALSE) SDL_StartTextInput();
  } else if (SDL_IsTextInputActive() == SDL_TRUE) {
    SDL_StopTextInput();
  }
}

bool ChatPanel::on_event(const SDL_Event& event) {
  if (!enabled_) return false;
  switch (event.type) {
    case SDL_TEXTINPUT:
      return model_.type(event.text.text);
    case SDL_TEXTEDITING:  // An input method's composition: the chat's while typing.
      return model_.focused();
    case SDL_KEYDOWN: {
      const bool was_focused = model_.focused();
      const ChatAction action = model_.key(chat_key(event.key.keysym.sym));
      apply(action);
      if (model_.focused() != was_focused) sync_text_input();
      return action.consumed;
    }
    case SDL_KEYUP:
      return model_.focused();
    default:
      return false;
  }
}

void ChatPanel::apply(const ChatAction& action) {
  if (!session_) return;
  if (action.send) post(*action.send);
  if (action.request_older) session_->request_older();
}

void ChatPanel::post(std::string text) {
  ++posted_;
  session_->send(std::move(text));
}

void ChatPanel::update() {
  if (!enabled_) return;
  const bool settled = SDL_GetTicks() - wanted_since_ms_ >= kNameSettleMs;
  // Counted here, not from the view (a few frames old): a message just posted counts too.
  const bool idle = model_.view().acked >= posted_;
  if (settled && idle && wanted_name_ != name_ && name_problem(wanted_name_).empty()) {
    open_session(wanted_name_);
  }
  if (session_ && frame_++ % kViewEveryFrames == 0) model_.set_view(session_->view());
}

void ChatPanel::draw(Canvas& c, const SDL_Rect& area, bool see_through) {
  if (!enabled_) return;
  if (char_width_ == 0) char_width_ = std::max(c.text().measure("M", TextSize::kSmall).w, 1);
  c.fill(area.x, area.y, area.w, area.h, see_through ? kPanelInPlay : kPanel);
  c.outline(area.x, area.y, area.w, area.h, SDL_Color{60, 70, 92, 255});

  // Header: the channel on the left, the status on the right; in a narrow panel the status
  // goes on a line of its own below the channel.
  const int text_w = area.w - 2 * kPad;
  const auto columns = static_cast<std::size_t>(std::max(text_w / char_width_, 8));
  const std::string status =
      error_.empty() ? chat_health_text(model_.health()) : "chat unavailable";
  const SDL_Color status_colour = error_.empty() ? health_colour(model_.health()) : palette::kWarn;
  const std::string channel = "# " + channel_;
  const bool one_line = code_points(channel) + code_points(status) + 2 <= columns;
  c.text(std::string(tail_code_points(channel, columns)), area.x + kPad, area.y + 3,
         TextSize::kSmall, Align::kLeft, palette::kDim);
  c.text(status, area.x + area.w - kPad, area.y + 3 + (one_line ? 0 : kRowHeight), TextSize::kSmall,
         Align::kRight, status_colour);

  // The rows, newest at the bottom, just above the input line.
  const int rows_top = area.y + kHeaderHeight + (one_line ? 0 : kRowHeight);
  const int rows_bottom = area.y + area.h - kInputHeight - 2;
  const auto count = static_cast<std::size_t>(std::max((rows_bottom - rows_top) / kRowHeight, 1));
  const std::vector<ChatRow> rows = model_.visible_rows(columns, count);
  int y = rows_bottom - static_cast<int>(rows.size()) * kRowHeight;
  if (rows.empty()) {
    const char* empty = !error_.empty() ? error_.c_str()
                        : model_.health() == ChatHealth::kUnavailable
                            ? "no chat server answers; the game goes on without it"
                            : "no messages yet";
    const std::vector<std::string> lines = wrap_text(empty, columns);
    y = rows_bottom - static_cast<int>(lines.size()) * kRowHeight;
    for (const std::string& line : lines) {
      c.text(line, area.x + kPad, y, TextSize::kSmall, Align::kLeft, palette::kDim);
      y += kRowHeight;
    }
  }
  for (const ChatRow& row : rows) {
    c.text(row.text, area.x + kPad, y, TextSize::kSmall, Align::kLeft, row_colour(row.kind));
    y += kRowHeight;
  }
  // The input line: what is typed (its end, if long), or how to open it; on its right why
  // the last text was refused, or, scrolled up, the way back down.
  const int input_y = area.y + area.h - kInputHeight;
  std::string note = model_.focused() ? model_.refusal() : std::string();
  SDL_Color note_colour = palette::kWarn;
  if (note.empty() && model_.scroll() > 0) {
    note = "PgDn: newer";
    note_colour = palette::kAccent;
  }
  const std::size_t reserved = note.empty() ? 0 : code_points(note) + 2;
  if (model_.focused()) {
    c.fill(area.x + 2, input_y, area.w - 4, kInputHeight - 2, kInputBox);
    const std::size_t room = columns > reserved + 6 ? columns - reserved - 3 : 3;
    const bool blink = (SDL_GetTicks() / 500) % 2 == 0;
    const std::string shown =
        "> " + std::string(tail_code_points(model_.draft(), room)) + (blink ? "_" : " ");
    c.text(shown, area.x + kPad, input_y + 2, TextSize::kSmall, Align::kLeft, palette::kWhite);
  } else {
    const bool wide = columns >= 44 + reserved;
    c.text(wide ? "Tab: type a message    PgUp: older lines" : "Tab: chat", area.x + kPad,
           input_y + 2, TextSize::kSmall, Align::kLeft, palette::kDim);
  }
  if (!note.empty()) {
    c.text(note, area.x + area.w - kPad, input_y + 2, TextSize::kSmall, Align::kRight, note_colour);
  }
}

void ChatPanel::draw_hint(Canvas& c, int right, int bottom, bool two_lines) {
  if (!enabled_ || model_.shown()) return;
  const std::string open =
      "Tab: chat" +
      (model_.unread() > 0 ? " (" + std::to_string(model_.unread()) + " new)" : std::string());
  const SDL_Color open_colour = model_.unread() > 0 ? palette::kAccent : palette::kDim;
  const ChatHealth health = model_.health();
  const std::string status = error_.empty() ? chat_health_text(health) : "chat unavailable";
  // Connected is the usual case: said quietly. Anything else in its colour.
  const SDL_Color status_colour = !error_.empty()                    ? palette::kWarn
                                  : health == ChatHealth::kConnected ? palette::kDim
                                                                     : health_colour(health);
  const int y = bottom - kRowHeight;
  if (two_lines) {
    c.text(status, right, y - kRowHeight, TextSize::kSmall, Align::kRight, status_colour);
    c.text(open, right, y, TextSize::kSmall, Align::kRight, open_colour);
    return;
  }
  const int status_w = c.text().measure(status, TextSize::kSmall).w;
  c.text(status, right, y, TextSize::kSmall, Align::kRight, status_colour);
  c.text(open, right - status_w - 2 * kPad, y, TextSize::kSmall, Align::kRight, open_colour);
}

void ChatPanel::send(std::string text) {
  if (enabled_ && wire::valid_chat_text(text)) send_when_settled_ = std::move(text);
}

void ChatPanel::draft(std::string_view text) {
  if (!enabled_) return;
  model_.open();
  model_.type(text);
  sync_text_input();
}

}  // namespace dp::client
