#include "apps/pong-client/chat_panel_model.h"

#include <algorithm>
#include <cstdio>

#include "apps/pong-client/lobby_model.h"
#include "core/wire/chat_text.h"

namespace dp::client {
namespace {

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The length of the code point starting at `text[0]`: 1-4 by its lead byte (0 for a stray
// continuation byte or a byte that never leads). Whether it is valid is checked elsewhere.
std::size_t lead_length(char c) {
  const auto b = static_cast<unsigned char>(c);
  if (b < 0x80) return 1;
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

// The byte offset after `count` code points of valid UTF-8 `text` (its size if fewer).
std::size_t offset_after(std::string_view text, std::size_t count) {
  std::size_t i = 0;
  for (std::size_t n = 0; n < count && i < text.size(); ++n) {
    ++i;
    while (i < text.size() && continuation(text[i])) ++i;
  }
  return i;
}

// The text of our message `msg_id`, if the client still lists it among its recent ones.
const ChatOutgoing* outgoing_of(const ChatView& view, std::uint32_t msg_id) {
  for (const ChatOutgoing& out : view.outgoing) {
    if (out.msg_id == msg_id) return &out;
  }
  return nullptr;
}

const char* refusal_of(wire::ChatTextError error) {
  switch (error) {
    case wire::ChatTextError::kOk:
      return "";
    case wire::ChatTextError::kEmpty:
      return "nothing to send";
    case wire::ChatTextError::kTooLong:
      return "not sent: longer than 280 bytes";
    case wire::ChatTextError::kBadUtf8:
      return "not sent: not valid UTF-8";
    case wire::ChatTextError::kControl:
      return "not sent: control characters";
  }
  return "not sent";
}

}  // namespace

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !continuation(c); }));
}

void pop_code_point(std::string& text) {
  while (!text.empty() && continuation(text.back())) text.pop_back();
  if (!text.empty()) text.pop_back();
}

bool append_typed(std::string& text, std::string_view typed) {
  bool whole = true;
  std::size_t i = 0;
  while (i < typed.size()) {
    const std::size_t length = lead_length(typed[i]);
    const std::string_view point = typed.substr(i, std::max<std::size_t>(length, 1));
    // One code point that is valid chat text: valid UTF-8 and no control character. A broken
    // sequence loses its first byte only; what follows is read again.
    if (length == 0 || point.size() != length || !wire::valid_chat_text(point)) {
      whole = false;
      ++i;
      continue;
    }
    i += length;
    if (text.size() + point.size() > wire::kChatTextMax) {
      whole = false;
      continue;
    }
    text.append(point);
  }
  return whole;
}

std::string_view tail_code_points(std::string_view text, std::size_t count) {
  const std::size_t total = code_points(text);
  if (total <= count) return text;
  return text.substr(offset_after(text, total - count));
}

std::vector<std::string> wrap_text(std::string_view text, std::size_t columns, std::size_t indent) {
  std::vector<std::string> rows;
  columns = std::max<std::size_t>(columns, indent + 1);
  std::string_view rest = text;
  bool first = true;
  do {
    const std::size_t room = first ? columns : columns - indent;
    std::string prefix = first ? std::string() : std::string(indent, ' ');
    if (code_points(rest) <= room) {
      rows.push_back(prefix + std::string(rest));
      break;
    }
    std::size_t cut = offset_after(rest, room);
    // Break at the last space of the row, if any; else in the middle of the word.
    const std::size_t space = rest.substr(0, cut + 1).find_last_of(' ');
    std::size_t next = cut;
    if (space != std::string_view::npos && space > 0) {
      cut = space;
      next = space + 1;
    }
    rows.push_back(prefix + std::string(rest.substr(0, cut)));
    rest = rest.substr(next);
    first = false;
  } while (!rest.empty());
  return rows;
}

std::string chat_channel_for(const ClientView& view) {
  if (view.recent.empty()) return std::string(wire::kLobbyChannel);
  const wire::RoomState& state = view.recent.back().state;
  const std::string room =
      state.name.empty() ? "#" + std::to_string(state.room) : std::string(state.name.view());
  return wire::chat_channel_of_room(game_name(view.game), room);
}

bool chat_in_play(const ClientView& view, Screen screen) {
  return !view.spectating && (screen == Screen::kCountdown || screen == Screen::kPlaying);
}

std::string chat_name(std::string_view chosen, std::uint64_t client_id) {
  if (name_problem(chosen).empty()) return std::string(chosen);
  char name[16];
  std::snprintf(name, sizeof name, "player-%04x", static_cast<unsigned>(client_id & 0xffff));
  return name;
}

ChatHealth chat_health(bool connected, TimeUs unavailable_for_us, bool ever_connected) {
  if (connected) return ChatHealth::kConnected;
  if (ever_connected) {
    return unavailable_for_us > kChatReconnectingForUs ? ChatHealth::kUnavailable
                                                       : ChatHealth::kReconnecting;
  }
  return unavailable_for_us > kChatUnavailableAfterUs ? ChatHealth::kUnavailable
                                                      : ChatHealth::kConnecting;
}

const char* chat_health_text(ChatHealth health) {
  switch (health) {
    case ChatHealth::kConnecting:
      return "chat: connecting...";
    case ChatHealth::kConnected:
      return "chat: connected";
    case ChatHealth::kReconnecting:
      return "chat: reconnecting...";
    case ChatHealth::kUnavailable:
      return "chat unavailable";
  }
  return "";
}

std::string format_chat_line(std::string_view name, std::string_view text, ChatRowKind kind) {
  std::string line = std::string(name) + ": " + std::string(text);
  if (kind == ChatRowKind::kOursSending) line += "  (sending)";
  if (kind == ChatRowKind::kOursDelivered) line += "  (delivered)";
  return line;
}

std::vector<ChatRow> chat_lines(const ChatView& view, std::uint64_t our_client_id,
                                std::string_view our_name) {
  std::vector<ChatRow> rows;
  rows.reserve(view.lines.size() + view.outgoing.size());
  std::vector<std::uint32_t> in_channel;  // Our msg ids already among the lines.
  for (const ChatShownLine& shown : view.lines) {
    const wire::ChatLine& line = shown.line;
    ChatRowKind kind = ChatRowKind::kTheirs;
    if (our_client_id != 0 && line.client_id == our_client_id) {
      kind = outgoing_of(view, line.msg_id) != nullptr ? ChatRowKind::kOursDelivered
                                                       : ChatRowKind::kOurs;
      in_channel.push_back(line.msg_id);
    }
    rows.push_back({format_chat_line(line.name.view(), line.text.view(), kind), kind});
  }
  for (const ChatOutgoing& out : view.outgoing) {
    if (out.channel != view.channel) continue;
    if (std::find(in_channel.begin(), in_channel.end(), out.msg_id) != in_channel.end()) continue;
    const ChatRowKind kind =
        out.delivered() ? ChatRowKind::kOursDelivered : ChatRowKind::kOursSending;
    rows.push_back({format_chat_line(our_name, out.text, kind), kind});
  }
  return rows;
}

void ChatPanelModel::open() {
  focused_ = true;
  refusal_.clear();
}

void ChatPanelModel::close() {
  focused_ = false;
  refusal_.clear();
}

ChatAction ChatPanelModel::key(ChatKey k) {
  ChatAction action;
  switch (k) {
    case ChatKey::kToggle:
      focused_ ? close() : open();
      action.consumed = true;
      return action;
    case ChatKey::kPageUp:
      if (!shown()) return action;
      scroll_ += page_;
      action.consumed = true;
      action.request_older = true;
      return action;
    case ChatKey::kPageDown:
      if (!shown()) return action;
      scroll_ = scroll_ > page_ ? scroll_ - page_ : 0;
      action.consumed = true;
      return action;
    default:
      break;
  }
  if (!focused_) return action;  // The game's key.
  action.consumed = true;
  switch (k) {
    case ChatKey::kEnter: {
      if (draft_.empty()) {
        close();
        return action;
      }
      const wire::ChatTextError error = wire::check_chat_text(draft_);
      if (error != wire::ChatTextError::kOk) {
        refusal_ = refusal_of(error);
        return action;
      }
      action.send = std::move(draft_);
      draft_.clear();
      refusal_.clear();
      scroll_ = 0;
      if (in_play_) close();
      return action;
    }
    case ChatKey::kEscape:
      close();
      return action;
    case ChatKey::kBackspace:
      pop_code_point(draft_);
      refusal_.clear();
      return action;
    default:
      return action;
  }
}

bool ChatPanelModel::type(std::string_view text) {
  if (!focused_) return false;
  const bool whole = append_typed(draft_, text);
  if (whole) {
    refusal_.clear();
  } else {
    refusal_ = draft_.size() + 4 > wire::kChatTextMax ? "at most 280 bytes" : "left out: not text";
  }
  return true;
}

void ChatPanelModel::set_view(ChatView view) {
  const bool channel_changed = view.channel != view_.channel;
  view_ = std::move(view);
  // A keyed chat cluster gives us the id of our session key: our lines carry that one.
  if (view_.client_id != 0) client_id_ = view_.client_id;
  ever_connected_ = ever_connected_ || view_.connected;
  const std::uint64_t newest = view_.lines.empty() ? 0 : view_.lines.back().line.n;
  if (channel_changed) {
    // The channel's earlier lines are history, not news.
    seen_n_ = newest;
    unread_ = 0;
    scroll_ = 0;
    return;
  }
  if (shown() || seen_n_ > newest) {
    seen_n_ = newest;
    unread_ = 0;
    return;
  }
  unread_ = static_cast<std::size_t>(
      std::count_if(view_.lines.begin(), view_.lines.end(), [this](const ChatShownLine& s) {
        return s.line.n > seen_n_ && s.line.client_id != client_id_;
      }));
}

ChatHealth ChatPanelModel::health() const {
  return chat_health(view_.connected, view_.unavailable_for_us, ever_connected_);
}

const std::vector<ChatRow>& ChatPanelModel::all_rows(std::size_t columns) {
  if (rows_valid_ && rows_version_ == view_.version && rows_columns_ == columns) return rows_;
  rows_.clear();
  for (ChatRow& line : chat_lines(view_, client_id_, name_)) {
    for (std::string& row : wrap_text(line.text, columns, 2)) {
      rows_.push_back({std::move(row), line.kind});
    }
  }
  rows_version_ = view_.version;
  rows_columns_ = columns;
  rows_valid_ = true;
  return rows_;
}

std::vector<ChatRow> ChatPanelModel::visible_rows(std::size_t columns, std::size_t count) {
  const std::vector<ChatRow>& rows = all_rows(columns);
  page_ = std::max<std::size_t>(count, 1);
  const std::size_t top_scroll = rows.size() > count ? rows.size() - count : 0;
  scroll_ = std::min(scroll_, top_scroll);
  const std::size_t end = rows.size() - scroll_;
  const std::size_t begin = end > count ? end - count : 0;
  return {rows.begin() + static_cast<std::ptrdiff_t>(begin),
          rows.begin() + static_cast<std::ptrdiff_t>(end)};
}

void ChatPanelModel::reset_identity(std::uint64_t our_client_id, std::string our_name) {
  client_id_ = our_client_id;
  name_ = std::move(our_name);
  view_ = ChatView{};
  ever_connected_ = false;
  seen_n_ = 0;
  unread_ = 0;
  scroll_ = 0;
  rows_valid_ = false;
}

}  // namespace dp::client
