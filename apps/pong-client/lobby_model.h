// The lobby's logic without SDL, so tests can drive it key by key: the player's name (checked,
// and remembered between runs in a file), Pong or Racing, quick match or a named room, the
// list of live rooms to join or watch, and the choice that starts a session.
//
// The form's rows, top to bottom: name, game, match (quick or named), the room's name (named
// matches only), then the live rooms. Up/Down (or Tab) move between rows, Left/Right change a
// choice, typing edits a text row, Enter plays (on a live room: joins it), W on a live room
// watches it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "transport/client_options.h"
#include "transport/room_list.h"

namespace dp::client {

// Why `name` cannot be a player's name (printable ASCII, 1-16 characters), or empty if it can.
std::string name_problem(std::string_view name);

// Where the name is remembered: $XDG_CONFIG_HOME/distributed-pong/player-name, else
// $HOME/.config/distributed-pong/player-name; empty when neither variable is set (either
// argument may be null or empty).
std::string name_file_path(const char* xdg_config_home, const char* home);
// The remembered name, if the file holds a valid one (a trailing newline is ignored).
std::optional<std::string> load_name(const std::string& path);
// Writes the name (creating the directory); false when it cannot.
bool save_name(const std::string& path, const std::string& name);

// The lobby is the first screen unless a flag says what to play: any of --game, --room,
// --watch, --name, --headless or --bot; --lobby asks for it anyway.
bool lobby_first(const std::vector<std::string>& flags_given);

enum class LobbyKey : std::uint8_t { kUp, kDown, kLeft, kRight, kTab, kEnter, kBackspace, kWatch };

// What the lobby decided: play (or watch) what, under which name.
struct LobbyChoice {
  Game game = Game::kPong;
  std::string name;
  std::string room;  // To play in: a room's name, or empty for a quick match.
  bool watch = false;
  std::string watch_room;  // To watch: a room number.
};
// The options of the session the choice starts: `base` (the command line) with the game,
// name, room or watch of the choice.
ClientOptions options_for(const LobbyChoice& choice, const ClientOptions& base);

class LobbyModel {
 public:
  enum class Row : std::uint8_t { kName, kGame, kMatch, kRoomName, kRooms };
  static constexpr std::size_t kRoomsShownMax = 10;

  // The form starts filled in with the name (given or remembered), the game and a room's
  // name (a named match) from the command line.
  explicit LobbyModel(std::string name = {}, Game game = Game::kPong, std::string room = {})
      : name_(std::move(name)), game_(game), named_(!room.empty()), room_name_(std::move(room)) {}

  // Printable characters typed; they go to the name or the room's name.
  void type(std::string_view text);
  // A key; returns the choice when the key starts a session.
  std::optional<LobbyChoice> key(LobbyKey k);
  // The newest room list (fetched in the background); keeps the selection on the same room.
  void set_rooms(std::vector<LiveRoom> rooms);

  Row row() const { return row_; }
  const std::string& name() const { return name_; }
  Game game() const { return game_; }
  bool named_match() const { return named_; }
  const std::string& room_name() const { return room_name_; }
  const std::vector<LiveRoom>& rooms() const { return rooms_; }
  std::size_t selected() const { return selected_; }
  // Why the last Enter did not start anything (a bad name, no room selected); empty if none.
  const std::string& problem() const { return problem_; }

 private:
  void move(int delta);
  bool row_shown(Row r) const { return r != Row::kRoomName || named_; }
  std::optional<LobbyChoice> choose(bool watch);

  Row row_ = Row::kName;
  std::string name_;
  Game game_ = Game::kPong;
  bool named_ = false;
  std::string room_name_;
  std::vector<LiveRoom> rooms_;
  std::size_t selected_ = 0;
  std::string problem_;
};

}  // namespace dp::client
