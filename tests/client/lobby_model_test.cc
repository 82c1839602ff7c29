// The lobby's logic without a display: the player's name (checked, remembered between runs),
// when the lobby opens, and the choice its keys lead to.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include <unistd.h>

#include "apps/pong-client/lobby_model.h"

namespace dp::client {
namespace {

LiveRoom live(Game game, std::uint32_t room, std::string name = {}) {
  LiveRoom r;
  r.game = game;
  r.room = room;
  r.name = std::move(name);
  r.players = 1;
  r.seats = game == Game::kRacing ? 4 : 2;
  r.phase = "waiting";
  return r;
}

TEST(LobbyName, PrintableAsciiOfOneToSixteenCharacters) {
  EXPECT_EQ(name_problem("ada"), "");
  EXPECT_EQ(name_problem("sixteen-chars-ok"), "");
  EXPECT_NE(name_problem(""), "");
  EXPECT_NE(name_problem("seventeen-chars-x"), "");
  EXPECT_NE(name_problem("tab\there"), "");
  EXPECT_NE(name_problem("caf\xc3\xa9"), "") << "not ASCII";
  EXPECT_NE(name_problem(" ada"), "");
}

TEST(LobbyName, RememberedUnderXdgConfigHomeElseHome) {
  EXPECT_EQ(name_file_path("/x/cfg", "/home/ada"), "/x/cfg/distributed-pong/player-name");
  EXPECT_EQ(name_file_path(nullptr, "/home/ada"), "/home/ada/.config/distributed-pong/player-name");
  EXPECT_EQ(name_file_path("", "/home/ada"), "/home/ada/.config/distributed-pong/player-name");
  EXPECT_EQ(name_file_path("relative", "/home/ada"),
            "/home/ada/.config/distributed-pong/player-name")
      << "the XDG spec ignores a relative path";
  EXPECT_EQ(name_file_path(nullptr, nullptr), "");
}

TEST(LobbyName, SavedAndLoadedBetweenRuns) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("dp-lobby-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = name_file_path(dir.c_str(), nullptr);
  EXPECT_EQ(load_name(path), std::nullopt) << "nothing remembered yet";
  ASSERT_TRUE(save_name(path, "ada lovelace"));
  EXPECT_EQ(load_name(path), "ada lovelace");
  EXPECT_FALSE(save_name(path, "")) << "an invalid name is not remembered";
  EXPECT_EQ(load_name(path), "ada lovelace");
  std::ofstream(path) << "\x01"
                         "bad\n";
  EXPECT_EQ(load_name(path), std::nullopt) << "a bad file gives an empty field, not a bad name";
  std::filesystem::remove_all(dir);
}

TEST(LobbyFirst, UnlessAFlagSaysWhatToPlay) {
  EXPECT_TRUE(lobby_first({}));
  EXPECT_TRUE(lobby_first({"--discovery-address", "--discovery-port"}));
  for (const char* flag : {"--game", "--room", "--watch", "--name", "--headless", "--bot"}) {
    EXPECT_FALSE(lobby_first({flag})) << flag;
  }
  EXPECT_TRUE(lobby_first({"--name", "--lobby"}));
}

TEST(LobbyModel, TypesANameAndPlaysAQuickMatchOfTheGameChosen) {
  LobbyModel lobby;
  EXPECT_EQ(lobby.key(LobbyKey::kEnter), std::nullopt) << "no name yet";
  EXPECT_NE(lobby.problem(), "");
  lobby.type("ada");
  lobby.type("\x07");  // A control character is not typed.
  EXPECT_EQ(lobby.name(), "ada");
  lobby.key(LobbyKey::kDown);
  EXPECT_EQ(lobby.row(), LobbyModel::Row::kGame);
  lobby.key(LobbyKey::kRight);
  EXPECT_EQ(lobby.game(), Game::kRacing);
  const std::optional<LobbyChoice> choice = lobby.key(LobbyKey::kEnter);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->game, Game::kRacing);
  EXPECT_EQ(choice->name, "ada");
  EXPECT_EQ(choice->room, "");
  EXPECT_FALSE(choice->watch);
}

TEST(LobbyModel, ANameIsCutAtSixteenCharacters) {
  LobbyModel lobby;
  lobby.type("abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(lobby.name(), "abcdefghijklmnop");
  lobby.key(LobbyKey::kBackspace);
  EXPECT_EQ(lobby.name(), "abcdefghijklmno");
}

TEST(LobbyModel, ANamedRoomNeedsItsName) {
  LobbyModel lobby("ada");
  lobby.key(LobbyKey::kDown);
  lobby.key(LobbyKey::kDown);
  lobby.key(LobbyKey::kLeft);  // Quick match -> named room.
  ASSERT_TRUE(lobby.named_match());
  EXPECT_EQ(lobby.key(LobbyKey::kEnter), std::nullopt);
  EXPECT_EQ(lobby.row(), LobbyModel::Row::kRoomName);
  lobby.type("friday");
  const std::optional<LobbyChoice> choice = lobby.key(LobbyKey::kEnter);
  ASSERT_TRUE(choice);
  EXPECT_EQ(choice->room, "friday");
  EXPECT_EQ(choice->game, Game::kPong);
}

TEST(LobbyModel, JoinsOrWatchesALiveRoom) {
  LobbyModel lobby("ada");
  lobby.set_rooms({live(Game::kPong, 1, "friday"), live(Game::kRacing, 2)});
  for (int i = 0; i < 5; ++i) lobby.key(LobbyKey::kDown);  // The room-name row is skipped.
  ASSERT_EQ(lobby.row(), LobbyModel::Row::kRooms);
  EXPECT_EQ(lobby.selected(), 1U);
  std::optional<LobbyChoice> choice = lobby.key(LobbyKey::kWatch);
  ASSERT_TRUE(choice);
  EXPECT_TRUE(choice->watch);
  EXPECT_EQ(choice->watch_room, "2");
  EXPECT_EQ(choice->game, Game::kRacing);

  lobby.key(LobbyKey::kUp);
  choice = lobby.key(LobbyKey::kEnter);
  ASSERT_TRUE(choice);
  EXPECT_FALSE(choice->watch);
  EXPECT_EQ(choice->room, "#1") << "a live room is joined by its number";
  EXPECT_EQ(choice->game, Game::kPong);
}

TEST(LobbyModel, TheSelectionFollowsItsRoomAcrossRefreshes) {
  LobbyModel lobby("ada");
  lobby.set_rooms({live(Game::kPong, 1), live(Game::kPong, 2), live(Game::kRacing, 3)});
  for (int i = 0; i < 6; ++i) lobby.key(LobbyKey::kDown);
  ASSERT_EQ(lobby.selected(), 2U);
  lobby.set_rooms({live(Game::kPong, 2), live(Game::kRacing, 3)});  // Room 1 ended.
  EXPECT_EQ(lobby.selected(), 1U);
  EXPECT_EQ(lobby.rooms()[lobby.selected()].room, 3U);
}

TEST(LobbyModel, TheChoiceBecomesTheSessionsOptions) {
  ClientOptions base;
  base.discovery_port = 41000;
  base.room = "old";
  LobbyChoice watch{Game::kRacing, "ada", "", true, "7"};
  ClientOptions o = options_for(watch, base);
  EXPECT_EQ(o.game, "racing");
  EXPECT_EQ(o.watch, "7");
  EXPECT_EQ(o.room, "");
  EXPECT_EQ(o.discovery_port, 41000);
  LobbyChoice play{Game::kPong, "ada", "friday", false, ""};
  o = options_for(play, base);
  EXPECT_EQ(o.game, "pong");
  EXPECT_EQ(o.name, "ada");
  EXPECT_EQ(o.room, "friday");
  EXPECT_FALSE(o.watch);
  EXPECT_TRUE(make_client_setup(o, NodeId{0, 1}, 1)) << "the lobby's choices are valid flags";
}

}  // namespace
}  // namespace dp::client
