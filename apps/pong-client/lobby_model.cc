#include "apps/pong-client/lobby_model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/wire/room_name.h"

namespace dp::client {
namespace {

bool printable(char c) { return c >= 0x20 && c <= 0x7e; }

}  // namespace

std::string name_problem(std::string_view name) {
  if (name.empty()) return "type your name";
  if (name.size() > wire::kPlayerNameMax) {
    return "at most " + std::to_string(wire::kPlayerNameMax) + " characters";
  }
  if (!std::all_of(name.begin(), name.end(), printable)) return "printable ASCII only";
  if (name.front() == ' ' || name.back() == ' ') return "no spaces at either end";
  return {};
}

std::string name_file_path(const char* xdg_config_home, const char* home) {
  const std::string suffix = "distributed-pong/player-name";
  if (xdg_config_home != nullptr && xdg_config_home[0] == '/') {
    return std::string(xdg_config_home) + "/" + suffix;
  }
  if (home != nullptr && home[0] != '\0') return std::string(home) + "/.config/" + suffix;
  return {};
}

std::optional<std::string> load_name(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path);
  std::string name;
  if (!in || !std::getline(in, name)) return std::nullopt;
  if (!name.empty() && name.back() == '\r') name.pop_back();
  if (!name_problem(name).empty()) return std::nullopt;
  return name;
}

bool save_name(const std::string& path, const std::string& name) {
  if (path.empty() || !name_problem(name).empty()) return false;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return false;
  const std::string temporary = path + ".new";
  {
    std::ofstream out(temporary, std::ios::trunc);
    if (!(out << name << "\n")) return false;
  }
  std::filesystem::rename(temporary, path, ec);  // Whole or not at all.
  return !ec;
}

bool lobby_first(const std::vector<std::string>& flags_given) {
  static const char* const kChoosers[] = {"--game", "--room",     "--watch",
                                          "--name", "--headless", "--bot"};
  bool lobby = false;
  bool chosen = false;
  for (const std::string& flag : flags_given) {
    if (flag == "--lobby") lobby = true;
    for (const char* c : kChoosers) chosen = chosen || flag == c;
  }
  return lobby || !chosen;
}

ClientOptions options_for(const LobbyChoice& choice, const ClientOptions& base) {
  ClientOptions options = base;
  options.game = choice.game == Game::kRacing ? "racing" : "pong";
  options.name = choice.name;
  options.room.clear();
  options.watch.reset();
  if (choice.watch) {
    options.watch = choice.watch_room;
  } else {
    options.room = choice.room;
  }
  return options;
}

void LobbyModel::type(std::string_view text) {
  std::string* field =
      row_ == Row::kName ? &name_ : (row_ == Row::kRoomName ? &room_name_ : nullptr);
  if (field == nullptr) return;
  const std::size_t max = row_ == Row::kName ? wire::kPlayerNameMax : wire::kRoomNameMax;
  for (const char c : text) {
    if (printable(c) && field->size() < max) field->push_back(c);
  }
  problem_.clear();
}

void LobbyModel::move(int delta) {
  auto r = static_cast<int>(row_);
  constexpr int kLast = static_cast<int>(Row::kRooms);
  do {
    r = std::clamp(r + delta, 0, kLast);
  } while (!row_shown(static_cast<Row>(r)) && r > 0 && r < kLast);
  row_ = static_cast<Row>(r);
}

std::optional<LobbyChoice> LobbyModel::key(LobbyKey k) {
  switch (k) {
    case LobbyKey::kUp:
      if (row_ == Row::kRooms && selected_ > 0) {
        --selected_;
      } else {
        move(-1);
      }
      return std::nullopt;
    case LobbyKey::kDown:
      if (row_ == Row::kRooms) {
        if (selected_ + 1 < std::min(rooms_.size(), kRoomsShownMax)) ++selected_;
      } else {
        move(+1);
      }
      return std::nullopt;
    case LobbyKey::kTab:
      if (row_ == Row::kRooms) {
        row_ = Row::kName;
      } else {
        move(+1);
      }
      return std::nullopt;
    case LobbyKey::kLeft:
    case LobbyKey::kRight:
      if (row_ == Row::kGame) game_ = game_ == Game::kPong ? Game::kRacing : Game::kPong;
      if (row_ == Row::kMatch) named_ = !named_;
      return std::nullopt;
    case LobbyKey::kBackspace:
      if (row_ == Row::kName && !name_.empty()) name_.pop_back();
      if (row_ == Row::kRoomName && !room_name_.empty()) room_name_.pop_back();
      problem_.clear();
      return std::nullopt;
    case LobbyKey::kEnter:
      return choose(false);
    case LobbyKey::kWatch:
      if (row_ != Row::kRooms) return std::nullopt;
      return choose(true);
  }
  return std::nullopt;
}

std::optional<LobbyChoice> LobbyModel::choose(bool watch) {
  problem_ = name_problem(name_);
  if (!problem_.empty() && !watch) {
    problem_ = "name: " + problem_;
    row_ = Row::kName;
    return std::nullopt;
  }
  problem_.clear();
  LobbyChoice choice;
  choice.game = game_;
  choice.name = name_;
  if (row_ == Row::kRooms) {
    if (selected_ >= rooms_.size()) {
      problem_ = "no live room to pick";
      return std::nullopt;
    }
    const LiveRoom& room = rooms_[selected_];
    choice.game = room.game;
    if (watch) {
      choice.watch = true;
      choice.watch_room = std::to_string(room.room);
    } else {
      // Joined by number ("#N"): that very room while it has a seat, else a quick match.
      choice.room = "#" + std::to_string(room.room);
    }
    return choice;
  }
  if (named_) {
    if (room_name_.empty()) {
      problem_ = "room: type its name, or choose quick match";
      row_ = Row::kRoomName;
      return std::nullopt;
    }
    choice.room = room_name_;
  }
  return choice;
}

void LobbyModel::set_rooms(std::vector<LiveRoom> rooms) {
  // Room numbers are per game: a room is its game and its number.
  const std::optional<LiveRoom> was =
      selected_ < rooms_.size() ? std::optional<LiveRoom>(rooms_[selected_]) : std::nullopt;
  rooms_ = std::move(rooms);
  if (rooms_.size() > kRoomsShownMax) rooms_.resize(kRoomsShownMax);
  selected_ = 0;
  for (std::size_t i = 0; was && i < rooms_.size(); ++i) {
    if (rooms_[i].room == was->room && rooms_[i].game == was->game) selected_ = i;
  }
}

}  // namespace dp::client
