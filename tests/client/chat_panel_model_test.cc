// The SDL client's chat panel without a display: typing never steers, the input edits UTF-8
// a whole code point at a time and never sends what the chat would refuse, each screen
// follows the right channel, and our messages show "sending" then "delivered".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apps/pong-client/chat_panel_model.h"
#include "core/wire/chat_text.h"
#include "transport/client_options.h"

namespace dp::client {
namespace {

constexpr std::uint64_t kUs = 0xA11CE;
constexpr std::uint64_t kThem = 0xB0B;

ClientView seated(Game game, std::uint32_t room, std::string name, std::uint8_t phase) {
  ClientView view;
  view.game = game;
  view.phase = ClientPhase::kSeated;
  wire::RoomState state;
  state.room = room;
  state.name.assign(name);
  state.phase = phase;
  view.recent.push_back(TimedState{state, StatePosition{}, 0, {}});
  return view;
}

ChatShownLine line(std::uint64_t n, std::uint64_t client_id, std::uint32_t msg_id,
                   const std::string& name, const std::string& text) {
  ChatShownLine shown;
  shown.line.n = n;
  shown.line.client_id = client_id;
  shown.line.msg_id = msg_id;
  shown.line.name.assign(name);
  shown.line.text.assign(text);
  return shown;
}

ChatOutgoing outgoing(std::uint32_t msg_id, const std::string& text, bool delivered,
                      const std::string& channel = "lobby") {
  ChatOutgoing out;
  out.msg_id = msg_id;
  out.channel = channel;
  out.text = text;
  out.queued_us = 1;
  out.delivered_us = delivered ? 2 : 0;
  return out;
}

std::vector<std::string> texts(const std::vector<ChatRow>& rows) {
  std::vector<std::string> out;
  for (const ChatRow& row : rows) out.push_back(row.text);
  return out;
}

TEST(ChatPanelKeys, TypingWhileTheInputIsOpenNeverMovesThePaddle) {
  ChatPanelModel chat(kUs, "ada");
  chat.set_in_play(true);
  // Closed: the game's keys are the game's, and its direction goes through.
  EXPECT_FALSE(chat.key(ChatKey::kOther).consumed) << "W/S steer while the chat is closed";
  EXPECT_FALSE(chat.key(ChatKey::kEnter).consumed) << "Enter plays again";
  EXPECT_FALSE(chat.key(ChatKey::kEscape).consumed) << "Esc quits";
  EXPECT_FALSE(chat.key(ChatKey::kBackspace).consumed) << "Backspace goes back to the lobby";
  EXPECT_FALSE(chat.type("w")) << "letters typed are not the chat's";
  EXPECT_EQ(chat.game_direction(-1), -1);
  EXPECT_EQ(chat.game_direction(1), 1);
  EXPECT_FALSE(chat.shown()) << "in play the panel shows only when opened";

  EXPECT_TRUE(chat.key(ChatKey::kToggle).consumed);
  ASSERT_TRUE(chat.focused());
  EXPECT_TRUE(chat.shown());
  // "w", "s", up and down held while typing "ws": the paddle stays still.
  EXPECT_TRUE(chat.key(ChatKey::kOther).consumed);
  EXPECT_TRUE(chat.type("w"));
  EXPECT_TRUE(chat.key(ChatKey::kOther).consumed);
  EXPECT_TRUE(chat.type("s"));
  EXPECT_EQ(chat.game_direction(-1), 0);
  EXPECT_EQ(chat.game_direction(1), 0);
  EXPECT_EQ(chat.draft(), "ws");
  EXPECT_TRUE(chat.key(ChatKey::kBackspace).consumed) << "not back to the lobby";
  EXPECT_EQ(chat.draft(), "w");

  // Enter sends; in play the input closes and the keys steer again.
  const ChatAction sent = chat.key(ChatKey::kEnter);
  EXPECT_TRUE(sent.consumed) << "Enter sent the message, it did not play again";
  ASSERT_TRUE(sent.send.has_value());
  EXPECT_EQ(*sent.send, "w");
  EXPECT_FALSE(chat.focused());
  EXPECT_EQ(chat.draft(), "");
  EXPECT_EQ(chat.game_direction(1), 1);
}

TEST(ChatPanelKeys, EscClosesTheInputWithoutQuittingAndTabToggles) {
  ChatPanelModel chat;
  chat.key(ChatKey::kToggle);
  chat.type("half a thought");
  const ChatAction esc = chat.key(ChatKey::kEscape);
  EXPECT_TRUE(esc.consumed) << "Esc closed the chat; it must not also quit the game";
  EXPECT_FALSE(esc.send.has_value());
  EXPECT_FALSE(chat.focused());
  EXPECT_EQ(chat.draft(), "half a thought") << "kept for when the input opens again";
  chat.key(ChatKey::kToggle);
  EXPECT_TRUE(chat.focused());
  EXPECT_TRUE(chat.key(ChatKey::kToggle).consumed);
  EXPECT_FALSE(chat.focused());
}

TEST(ChatPanelKeys, OutOfPlayTheInputStaysOpenAfterASend) {
  ChatPanelModel chat;
  chat.set_in_play(false);
  EXPECT_TRUE(chat.shown()) << "lobby, waiting, game over, watching: always shown";
  chat.key(ChatKey::kToggle);
  chat.type("one");
  EXPECT_EQ(chat.key(ChatKey::kEnter).send, "one");
  EXPECT_TRUE(chat.focused());
  chat.type("two");
  EXPECT_EQ(chat.key(ChatKey::kEnter).send, "two");
  // Enter on an empty input sends nothing and closes it.
  const ChatAction empty = chat.key(ChatKey::kEnter);
  EXPECT_FALSE(empty.send.has_value());
  EXPECT_FALSE(chat.focused());
}

TEST(ChatPanelKeys, PageUpScrollsAndAsksForOlderLines) {
  ChatPanelModel chat(kUs, "ada");
  ChatView view;
  view.version = 1;
  view.channel = "lobby";
  for (std::uint64_t n = 1; n <= 20; ++n) {
    view.lines.push_back(line(n, kThem, static_cast<std::uint32_t>(n), "bob", std::to_string(n)));
  }
  chat.set_view(view);
  EXPECT_EQ(texts(chat.visible_rows(40, 3)),
            (std::vector<std::string>{"bob: 18", "bob: 19", "bob: 20"}));
  const ChatAction up = chat.key(ChatKey::kPageUp);
  EXPECT_TRUE(up.consumed);
  EXPECT_TRUE(up.request_older);
  EXPECT_EQ(texts(chat.visible_rows(40, 3)),
            (std::vector<std::string>{"bob: 15", "bob: 16", "bob: 17"}));
  for (int i = 0; i < 10; ++i) chat.key(ChatKey::kPageUp);
  EXPECT_EQ(texts(chat.visible_rows(40, 3)),
            (std::vector<std::string>{"bob: 1", "bob: 2", "bob: 3"}))
      << "stops at the oldest line held";
  chat.key(ChatKey::kPageDown);
  EXPECT_EQ(texts(chat.visible_rows(40, 3)),
            (std::vector<std::string>{"bob: 4", "bob: 5", "bob: 6"}));
}

TEST(ChatPanelText, BackspaceRemovesAWholeCodePoint) {
  ChatPanelModel chat;
  chat.key(ChatKey::kToggle);
  // a, e-acute (2 bytes), euro sign (3 bytes), a smiling face (4 bytes).
  const std::string typed = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  chat.type(typed);
  ASSERT_EQ(chat.draft(), typed);
  const std::vector<std::size_t> sizes_after = {6, 3, 1, 0};
  for (const std::size_t size : sizes_after) {
    chat.key(ChatKey::kBackspace);
    EXPECT_EQ(chat.draft().size(), size);
    EXPECT_TRUE(chat.draft().empty() || wire::valid_chat_text(chat.draft()))
        << "Backspace left broken UTF-8";
  }
  chat.key(ChatKey::kBackspace);
  EXPECT_EQ(chat.draft(), "") << "nothing to remove";
}

TEST(ChatPanelText, TypedTextStopsAt280BytesOnACodePoint) {
  std::string draft;
  EXPECT_FALSE(append_typed(draft, std::string(300, 'x')));
  EXPECT_EQ(draft.size(), wire::kChatTextMax);
  draft.resize(wire::kChatTextMax - 1);
  EXPECT_FALSE(append_typed(draft, "\xC3\xA9")) << "two bytes do not fit in one";
  EXPECT_EQ(draft.size(), wire::kChatTextMax - 1) << "not half a code point";
  EXPECT_TRUE(wire::valid_chat_text(draft));
  EXPECT_TRUE(append_typed(draft, "!"));
  EXPECT_EQ(draft.size(), wire::kChatTextMax);
}

TEST(ChatPanelText, ControlCharactersAndBrokenUtf8AreNotTyped) {
  std::string draft;
  EXPECT_FALSE(append_typed(draft,
                            "a\tb\x7f"
                            "c\xC2\x85"
                            "d"));
  EXPECT_EQ(draft, "abcd") << "tab, DEL and C1 NEL dropped";
  EXPECT_FALSE(append_typed(draft,
                            "\xE2\x82"
                            "e"));
  EXPECT_EQ(draft, "abcde") << "a cut-off sequence is dropped, the next letter kept";
  EXPECT_FALSE(append_typed(draft, "\xC0\xAF")) << "an overlong form";
  EXPECT_EQ(draft, "abcde");
}

TEST(ChatPanelText, EnterRefusesWhatTheChatWouldRefuse) {
  ChatPanelModel chat;
  chat.key(ChatKey::kToggle);
  chat.type("ok");
  chat.key(ChatKey::kBackspace);
  chat.key(ChatKey::kBackspace);
  EXPECT_FALSE(chat.key(ChatKey::kEnter).send.has_value()) << "nothing typed";
  chat.key(ChatKey::kToggle);
  chat.type(std::string(400, 'y'));
  EXPECT_NE(chat.refusal(), "") << "says why the rest was not typed";
  const ChatAction sent = chat.key(ChatKey::kEnter);
  ASSERT_TRUE(sent.send.has_value());
  EXPECT_EQ(sent.send->size(), wire::kChatTextMax);
  EXPECT_TRUE(wire::valid_chat_text(*sent.send));
}

TEST(ChatPanelText, RowsWrapWithoutSplittingACodePoint) {
  const std::string text = "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9";  // Five e-acutes.
  const std::vector<std::string> rows = wrap_text(text, 2);
  ASSERT_EQ(rows.size(), 3u);
  for (const std::string& row : rows) EXPECT_TRUE(wire::valid_chat_text(row)) << row;
  EXPECT_EQ(wrap_text("ada: hello there friend", 12, 2),
            (std::vector<std::string>{"ada: hello", "  there", "  friend"}))
      << "at spaces, continuation rows indented";
  EXPECT_EQ(tail_code_points(text, 2), "\xC3\xA9\xC3\xA9");
}

TEST(ChatPanelChannel, TheLobbyUntilSeatedThenTheRoomsChannel) {
  ClientView view;
  view.phase = ClientPhase::kDiscovering;
  EXPECT_EQ(chat_channel_for(view), "lobby") << "still searching: the lobby's";
  view.phase = ClientPhase::kJoining;
  EXPECT_EQ(chat_channel_for(view), "lobby");
  EXPECT_EQ(chat_channel_for(seated(Game::kPong, 2, "friday", room_phase::kWaiting)),
            wire::chat_channel_of_room("pong", "friday"));
  EXPECT_EQ(chat_channel_for(seated(Game::kPong, 2, "friday", room_phase::kWaiting)),
            "pong:friday");
  EXPECT_EQ(chat_channel_for(seated(Game::kRacing, 7, "friday", room_phase::kPlaying)),
            "racing:friday")
      << "the same name in the other game is another room";
  EXPECT_EQ(chat_channel_for(seated(Game::kPong, 3, "", room_phase::kPlaying)), "pong:#3")
      << "a quick match's room, by its number";
  ClientView watching = seated(Game::kRacing, 5, "grand prix", room_phase::kPlaying);
  watching.spectating = true;
  EXPECT_EQ(chat_channel_for(watching), "racing:grand_prix") << "watching: the room's";
  EXPECT_TRUE(wire::valid_chat_channel(chat_channel_for(watching)));
}

TEST(ChatPanelChannel, OnlyAPlayersCountdownAndMatchHideThePanel) {
  const ClientView waiting = seated(Game::kPong, 1, "", room_phase::kWaiting);
  EXPECT_FALSE(chat_in_play(waiting, Screen::kWaiting));
  EXPECT_TRUE(chat_in_play(waiting, Screen::kCountdown));
  EXPECT_TRUE(chat_in_play(waiting, Screen::kPlaying));
  EXPECT_FALSE(chat_in_play(waiting, Screen::kGameOver));
  ClientView watching = waiting;
  watching.spectating = true;
  EXPECT_FALSE(chat_in_play(watching, Screen::kPlaying)) << "a spectator's keys steer nothing";
}

TEST(ChatPanelRows, OurMessageShowsSendingThenDelivered) {
  ChatPanelModel chat(kUs, "ada");
  ChatView view;
  view.version = 1;
  view.connected = true;
  view.channel = "lobby";
  view.lines.push_back(line(1, kThem, 1, "bob", "hi all"));
  view.outgoing.push_back(outgoing(1, "hello bob", false));
  chat.set_view(view);
  std::vector<ChatRow> rows = chat.visible_rows(60, 5);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text, "bob: hi all");
  EXPECT_EQ(rows[0].kind, ChatRowKind::kTheirs);
  EXPECT_EQ(rows[1].text, "ada: hello bob  (sending)");
  EXPECT_EQ(rows[1].kind, ChatRowKind::kOursSending);

  // Acknowledged: delivered, before and after its line comes back in the channel.
  view.version = 2;
  view.outgoing.back().delivered_us = 5;
  chat.set_view(view);
  EXPECT_EQ(texts(chat.visible_rows(60, 5)),
            (std::vector<std::string>{"bob: hi all", "ada: hello bob  (delivered)"}));
  view.version = 3;
  view.lines.push_back(line(2, kUs, 1, "ada", "hello bob"));
  chat.set_view(view);
  rows = chat.visible_rows(60, 5);
  EXPECT_EQ(texts(rows), (std::vector<std::string>{"bob: hi all", "ada: hello bob  (delivered)"}))
      << "shown once, not twice";
  EXPECT_EQ(rows.back().kind, ChatRowKind::kOursDelivered);
  EXPECT_EQ(format_chat_line("bob", "x", ChatRowKind::kTheirs), "bob: x");
}

TEST(ChatPanelRows, WithAKeyedChatClusterOurLinesCarryOurSessionsId) {
  // A keyed chat cluster knows us by our session key's id, not the one we were started with:
  // our own lines must still show as ours.
  const std::uint64_t session_id = 0x5e55;
  ChatPanelModel chat(kUs, "ada");
  ChatView view;
  view.version = 1;
  view.connected = true;
  view.channel = "lobby";
  view.client_id = session_id;
  view.lines.push_back(line(1, session_id, 1, "ada", "hello"));
  view.outgoing.push_back(outgoing(1, "hello", false));
  view.outgoing.back().delivered_us = 5;
  chat.set_view(view);
  const std::vector<ChatRow> rows = chat.visible_rows(60, 5);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].kind, ChatRowKind::kOursDelivered);
}

TEST(ChatPanelRows, AMessageToAnotherChannelIsNotShownHere) {
  ChatView view;
  view.channel = "pong:friday";
  view.outgoing.push_back(outgoing(1, "in the lobby", false, "lobby"));
  view.outgoing.push_back(outgoing(2, "in the room", false, "pong:friday"));
  EXPECT_EQ(texts(chat_lines(view, kUs, "ada")),
            (std::vector<std::string>{"ada: in the room  (sending)"}));
}

TEST(ChatPanelStatus, ConnectedReconnectingUnavailable) {
  EXPECT_EQ(chat_health(false, 0, false), ChatHealth::kConnecting);
  EXPECT_EQ(chat_health(false, 2 * kUsPerSecond + 1, false), ChatHealth::kUnavailable)
      << "no chat cluster: said after about 2 s";
  EXPECT_EQ(chat_health(true, 0, true), ChatHealth::kConnected);
  EXPECT_EQ(chat_health(false, 3 * kUsPerSecond, true), ChatHealth::kReconnecting) << "a failover";
  EXPECT_EQ(chat_health(false, 6 * kUsPerSecond, true), ChatHealth::kUnavailable);
  EXPECT_STREQ(chat_health_text(ChatHealth::kUnavailable), "chat unavailable");
  EXPECT_STREQ(chat_health_text(ChatHealth::kConnected), "chat: connected");

  ChatPanelModel chat;
  ChatView view;
  view.connected = true;
  chat.set_view(view);
  view.connected = false;
  view.unavailable_for_us = 1500 * kUsPerMs;
  chat.set_view(view);
  EXPECT_EQ(chat.health(), ChatHealth::kReconnecting) << "it was connected before";
}

TEST(ChatPanelName, TheLobbysNameElseOneAfterTheClientId) {
  EXPECT_EQ(chat_name("ada", 0x1234abcd), "ada");
  EXPECT_EQ(chat_name("", 0x1234abcd), "player-abcd");
  EXPECT_EQ(chat_name("seventeen-chars-x", 0x1), "player-0001");
}

TEST(ChatPanelOptions, NoChatSessionHeadlessOrWithNoChat) {
  ClientOptions options;
  auto setup = make_client_setup(options, NodeId{0, 1}, 1);
  ASSERT_TRUE(setup) << setup.error();
  EXPECT_TRUE(setup->chat);
  EXPECT_EQ(setup->chat_discovery_port, kDefaultChatDiscoveryPort);
  EXPECT_EQ(setup->chat_discovery_port, 50001);

  options.headless = true;
  options.bot = true;
  setup = make_client_setup(options, NodeId{0, 1}, 1);
  ASSERT_TRUE(setup) << setup.error();
  EXPECT_FALSE(setup->chat) << "the headless bot never opens a chat session";

  options = ClientOptions{};
  options.no_chat = true;
  setup = make_client_setup(options, NodeId{0, 1}, 1);
  ASSERT_TRUE(setup) << setup.error();
  EXPECT_FALSE(setup->chat);

  options = ClientOptions{};
  options.chat_discovery_port = options.discovery_port;
  EXPECT_FALSE(make_client_setup(options, NodeId{0, 1}, 1))
      << "the game's servers would answer the chat's discovery";
  options.chat_discovery_port = 0;
  EXPECT_FALSE(make_client_setup(options, NodeId{0, 1}, 1));
}

}  // namespace
}  // namespace dp::client
