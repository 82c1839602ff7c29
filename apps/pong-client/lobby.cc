#include "apps/pong-client/lobby.h"

#include <SDL.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "transport/client_log.h"
#include "transport/room_list.h"

namespace dp::client {
namespace {

using palette::kAccent;
using palette::kBox;
using palette::kDim;
using palette::kWarn;
using palette::kWhite;

constexpr int kWidth = 800;
constexpr int kHeight = 624;  // The racing window's shape, so the window keeps its size.
constexpr Uint32 kFrameMs = 16;
constexpr auto kRefreshPeriod = std::chrono::seconds(1);
// The lower half: the live rooms across the form's width, or, with the chat, the rooms on the
// left and the chat panel on the right.
constexpr int kRoomsTop = 336;
constexpr SDL_Rect kRoomsAlone{110, kRoomsTop, 580, 0};
constexpr SDL_Rect kRoomsBesideChat{16, kRoomsTop, 454, 0};
constexpr SDL_Rect kChatArea{482, kRoomsTop - 4, 310, 258};
// A screenshot waits for the room list, but no longer than this past its due time.
constexpr TimeUs kScreenshotGraceUs = 20 * kUsPerSecond;

// Fetches the live rooms every second on its own thread (a fetch blocks for up to 0.5 s,
// which the window must not). The newest answer is read under a mutex.
class RoomFetcher {
 public:
  explicit RoomFetcher(RoomListQuery query) : query_(std::move(query)) {
    thread_ = std::thread([this] { run(); });
  }
  ~RoomFetcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  RoomFetcher(const RoomFetcher&) = delete;
  RoomFetcher& operator=(const RoomFetcher&) = delete;

  struct Snapshot {
    std::uint64_t fetches = 0;  // Answers (or failures) so far.
    std::vector<LiveRoom> rooms;
    std::string error;  // Of the newest fetch; empty when it answered.
  };
  Snapshot snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return latest_;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      const auto started = std::chrono::steady_clock::now();
      lock.unlock();
      auto answer = fetch_live_rooms(query_);
      lock.lock();
      ++latest_.fetches;
      if (answer) {
        latest_.rooms = std::move(*answer);
        latest_.error.clear();
      } else {
        latest_.error = answer.error();
      }
      wake_.wait_until(lock, started + kRefreshPeriod, [this] { return stop_; });
    }
  }

  RoomListQuery query_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // Guarded by mutex_.
  Snapshot latest_;    // Guarded by mutex_.
  std::thread thread_;
};

const char* game_label(Game game) { return game == Game::kRacing ? "Racing" : "Pong"; }

class LobbyScreen {
 public:
  LobbyScreen(Display& display, const ClientOptions& base, const ClientSetup& setup,
              ChatPanel& chat)
      : display_(display),
        c_(display.canvas()),
        base_(base),
        setup_(setup),
        name_path_(name_file_path(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"))),
        model_(base.name.empty() ? load_name(name_path_).value_or("") : base.name,
               base.game == "racing" ? Game::kRacing : Game::kPong, base.room),
        fetcher_(RoomListQuery{base.discovery_address, base.discovery_port, 500 * kUsPerMs}),
        chat_(chat) {}

  LobbyOutcome loop() {
    const TimeUs started_us = monotonic_now_us();
    SDL_StartTextInput();
    chat_.set_text_input_always(true);
    chat_.set_in_play(false);
    chat_.set_channel(std::string(wire::kLobbyChannel));
    for (;;) {
      const Uint32 frame_start_ms = SDL_GetTicks();
      bool quit = false;
      std::optional<LobbyChoice> choice = poll(quit);
      if (quit) return LobbyOutcome{};
      if (choice) {
        if (!choice->watch) save_name(name_path_, choice->name);
        return LobbyOutcome{choice, 0};
      }
      chat_.set_name(model_.name());
      chat_.update();
      const RoomFetcher::Snapshot rooms = fetcher_.snapshot();
      if (rooms.fetches != fetches_seen_) {
        fetches_seen_ = rooms.fetches;
        model_.set_rooms(rooms.rooms);
      }
      draw(rooms);
      const TimeUs elapsed_us = monotonic_now_us() - started_us;
      if (!setup_.screenshot.empty() && setup_.screenshot_at == ScreenshotAt::kLobby &&
          elapsed_us >= setup_.screenshot_after_us &&
          ((rooms.fetches > 0 && !rooms.rooms.empty()) ||
           elapsed_us > setup_.screenshot_after_us + kScreenshotGraceUs)) {
        return LobbyOutcome{std::nullopt, display_.save_screenshot(setup_.screenshot) ? 0 : 1};
      }
      SDL_RenderPresent(display_.renderer());
      const Uint32 spent_ms = SDL_GetTicks() - frame_start_ms;
      if (spent_ms < kFrameMs) SDL_Delay(kFrameMs - spent_ms);
    }
  }

 private:
  std::optional<LobbyChoice> poll(bool& quit) {
    SDL_Event event;
    std::optional<LobbyChoice> choice;
    while (SDL_PollEvent(&event) != 0 && !choice) {
      if (chat_.on_event(event)) continue;  // Typing in the chat, or Tab.
      switch (event.type) {
        case SDL_QUIT:
          quit = true;
          break;
        case SDL_TEXTINPUT:
          // W on the room list watches; anywhere else it is a letter.
          if (model_.row() == LobbyModel::Row::kRooms) {
            const std::string typed = event.text.text;
            if (typed == "w" || typed == "W") choice = model_.key(LobbyKey::kWatch);
          } else {
            model_.type(event.text.text);
          }
          break;
        case SDL_KEYDOWN:
          choice = on_key(event.key.keysym.sym, quit);
          break;
        case SDL_CONTROLLERDEVICEADDED:
        case SDL_CONTROLLERDEVICEREMOVED:
          display_.on_controller_event(event);
          break;
        default:
          break;
      }
    }
    return choice;
  }

  std::optional<LobbyChoice> on_key(SDL_Keycode key, bool& quit) {
    switch (key) {
      case SDLK_ESCAPE:
        quit = true;
        return std::nullopt;
      case SDLK_UP:
        return model_.key(LobbyKey::kUp);
      case SDLK_DOWN:
        return model_.key(LobbyKey::kDown);
      case SDLK_LEFT:
        return model_.key(LobbyKey::kLeft);
      case SDLK_RIGHT:
        return model_.key(LobbyKey::kRight);
      case SDLK_TAB:
        return model_.key(LobbyKey::kTab);
      case SDLK_BACKSPACE:
        return model_.key(LobbyKey::kBackspace);
      case SDLK_RETURN:
      case SDLK_KP_ENTER:
        return model_.key(LobbyKey::kEnter);
      default:
        return std::nullopt;
    }
  }

  // One row of the form: its label, and a box around it when it has the focus.
  void row_frame(LobbyModel::Row row, int y, const char* label) {
    const bool focus = model_.row() == row;
    if (focus) {
      c_.fill(110, y - 6, 580, 34, kBox);
      c_.fill(110, y - 6, 4, 34, kAccent);
    }
    c_.text(label, 130, y, TextSize::kSmall, Align::kLeft, focus ? kAccent : kDim);
  }

  // Two choices side by side, the one chosen bright.
  void toggle(int y, const char* a, const char* b, bool second) {
    c_.text(std::string(second ? "  " : "[ ") + a + (second ? "  " : " ]"), 260, y - 2,
            TextSize::kMedium, Align::kLeft, second ? kDim : kWhite);
    c_.text(std::string(second ? "[ " : "  ") + b + (second ? " ]" : "  "), 450, y - 2,
            TextSize::kMedium, Align::kLeft, second ? kWhite : kDim);
  }

  void draw(const RoomFetcher::Snapshot& fetched) {
    SDL_Renderer* r = display_.renderer();
    SDL_SetRenderDrawColor(r, palette::kBackground.r, palette::kBackground.g,
                           palette::kBackground.b, 255);
    SDL_RenderClear(r);
    c_.say("DISTRIBUTED PONG", 18, TextSize::kLarge, kAccent);
    c_.say("Pong and Racing on a replicated LAN cluster", 76, TextSize::kSmall, kDim);

    using Row = LobbyModel::Row;
    const bool blink = (SDL_GetTicks() / 500) % 2 == 0;
    int y = 114;
    row_frame(Row::kName, y, "your name");
    const bool editing_name = model_.row() == Row::kName && !chat_.focused();
    c_.text(model_.name() + (editing_name && blink ? "_" : ""), 260, y - 2, TextSize::kMedium,
            Align::kLeft, kWhite);
    const std::string problem = name_problem(model_.name());
    if (!problem.empty() && (editing_name || !model_.problem().empty())) {
      c_.text(problem, 675, y + 2, TextSize::kSmall, Align::kRight, kWarn);
    }
    y += 40;
    row_frame(Row::kGame, y, "game");
    toggle(y, "Pong", "Racing", model_.game() == Game::kRacing);
    y += 40;
    row_frame(Row::kMatch, y, "match");
    toggle(y, "Quick match", "Named room", model_.named_match());
    if (model_.named_match()) {
      y += 40;
      row_frame(Row::kRoomName, y, "room name");
      const bool editing_room = model_.row() == Row::kRoomName && !chat_.focused();
      c_.text(model_.room_name() + (editing_room && blink ? "_" : ""), 260, y - 2,
              TextSize::kMedium, Align::kLeft, kWhite);
    }
    y += 44;
    const std::string play =
        std::string("Enter: play ") + game_label(model_.game()) +
        (model_.named_match() && !model_.room_name().empty() ? " in room " + model_.room_name()
                                                             : std::string(" (quick match)"));
    c_.say_boxed(play, kWidth / 2, y, TextSize::kMedium, kAccent);
    if (!model_.problem().empty()) c_.say(model_.problem(), y + 36, TextSize::kSmall, kWarn);

    if (chat_.enabled()) {
      draw_rooms(fetched, kRoomsBesideChat);
      chat_.draw(c_, kChatArea, false);
    } else {
      draw_rooms(fetched, kRoomsAlone);
    }
    c_.fill(0, kHeight - 30, kWidth, 30, palette::kStatusBar);
    // With the chat, Tab opens its input (Up/Down still move between the rows).
    c_.say(chat_.enabled()
               ? "Up/Down: move  Left/Right: choose  Enter: play  W: watch  Tab: chat  Esc: quit"
               : "Up/Down/Tab: move   Left/Right: choose   Enter: play   W: watch a room   "
                 "Esc: quit",
           kHeight - 24, TextSize::kSmall, kDim);
  }

  // The live rooms in `area` (its x and width; its y is the top).
  void draw_rooms(const RoomFetcher::Snapshot& fetched, const SDL_Rect& area) {
    const bool focus = model_.row() == LobbyModel::Row::kRooms;
    const bool narrow = chat_.enabled();
    const int left = area.x;
    const int right = area.x + area.w;
    const int top = area.y;
    c_.text("LIVE ROOMS", left, top, TextSize::kSmall, Align::kLeft, focus ? kAccent : kWhite);
    std::string status;
    if (fetched.fetches == 0) {
      status = "asking the cluster...";
    } else if (!fetched.error.empty()) {
      status = fetched.error;
    } else {
      status = std::to_string(fetched.rooms.size()) + " live, refreshed every second";
    }
    if (narrow && status.size() > 36) status = status.substr(0, 33) + "...";
    c_.text(status, right, top, TextSize::kSmall, Align::kRight,
            fetched.error.empty() ? kDim : kWarn);
    // Beside the chat the columns are narrower ("countdown" is the longest phase).
    const char* format = narrow ? "%-6s %-16.16s %-5s %-9s %s" : "%-7s %-16.16s %-7s %-10s %s";
    char line[128];
    std::snprintf(line, sizeof line, format, "game", "room", narrow ? "seats" : "players", "phase",
                  "score");
    c_.text(line, left + 20, top + 24, TextSize::kSmall, Align::kLeft, kDim);
    int y = top + 46;
    const std::vector<LiveRoom>& rooms = model_.rooms();
    if (rooms.empty() && fetched.fetches > 0) {
      c_.text(narrow ? "no live room yet: press Enter to open one"
                     : "no live room yet: choose a game and press Enter to open one",
              left + 20, y, TextSize::kSmall, Align::kLeft, kDim);
    }
    for (std::size_t i = 0; i < rooms.size(); ++i) {
      const LiveRoom& room = rooms[i];
      const bool selected = focus && i == model_.selected();
      if (selected) c_.fill(left, y - 2, right - left, 20, kBox);
      const std::string label = room.name.empty() ? "#" + std::to_string(room.room)
                                                  : room.name + " #" + std::to_string(room.room);
      const std::string players = std::to_string(room.players) + "/" + std::to_string(room.seats);
      std::snprintf(line, sizeof line, format, game_label(room.game), label.c_str(),
                    players.c_str(), room.phase.c_str(), room.score.c_str());
      c_.text(std::string(selected ? "> " : "  ") + line, left + 2, y, TextSize::kSmall,
              Align::kLeft, selected ? kAccent : kWhite);
      y += 20;
    }
    if (focus && !rooms.empty()) {
      c_.text("Enter joins the selected room, W watches it", (left + right) / 2, y + 8,
              TextSize::kSmall, Align::kCentre, kDim);
    }
  }

  Display& display_;
  Canvas& c_;
  const ClientOptions& base_;
  const ClientSetup& setup_;
  std::string name_path_;
  LobbyModel model_;
  RoomFetcher fetcher_;
  std::uint64_t fetches_seen_ = 0;
  ChatPanel& chat_;
};

}  // namespace

LobbyOutcome run_lobby(Display& display, const ClientOptions& base, const ClientSetup& setup,
                       ChatPanel& chat) {
  display.set_logical_size(kWidth, kHeight);
  LobbyScreen screen(display, base, setup, chat);
  LobbyOutcome outcome = screen.loop();
  // Text input stays on only while the chat's input is open.
  chat.set_text_input_always(false);
  return outcome;
}

}  // namespace dp::client
