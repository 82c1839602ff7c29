#include "apps/pong-client/window.h"

#include <SDL.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "apps/pong-client/canvas.h"
#include "apps/pong-client/chat_panel.h"
#include "apps/pong-client/chat_panel_model.h"
#include "apps/pong-client/display.h"
#include "apps/pong-client/interpolation.h"
#include "apps/pong-client/race_screen.h"
#include "apps/pong-client/race_view.h"
#include "apps/pong-client/screen.h"
#include "apps/pong-client/text.h"
#include "core/services/pong/rules.h"
#include "transport/client_log.h"

namespace dp::client {
namespace {

// The field (800x400, as in the rules) with the status bar below it, outside the field: a
// paddle at the bottom wall stays clear of the bar's text.
constexpr int kFieldWidth = 800;
constexpr int kFieldHeight = 400;
constexpr int kStatusBarHeight = 24;
constexpr int kLogicalWidth = kFieldWidth;
constexpr int kLogicalHeight = kFieldHeight + kStatusBarHeight;
// A race's road is taller: 800x600 with the same status bar below.
constexpr int kRaceLogicalHeight = kRaceFieldHeight + kStatusBarHeight;
constexpr Uint32 kFrameMs = 16;  // ~60 fps when vsync is not available (e.g. Xvfb).
// No state for this long while the match runs: the leader is probably gone.
constexpr TimeUs kReconnectingAfterUs = 150 * kUsPerMs;
// Left-stick dead zone, out of 32767.
constexpr Sint16 kStickDeadZone = 8000;
// A screenshot waits for a match in progress, but no longer than this past its due time.
constexpr TimeUs kScreenshotGraceUs = 20 * kUsPerSecond;
// Where the chat panel goes (logical pixels). Pong: a strip along the bottom of the field,
// clear of the paddles' columns; at game over, beside the result. Racing: the grass right of
// the road, under the time and speed, so it never covers the road.
constexpr SDL_Rect kPongChatInPlay{48, 294, 704, 106};
constexpr SDL_Rect kPongChatWatching{48, 290, 704, 110};
constexpr SDL_Rect kPongChatStill{48, 240, 704, 160};  // Searching, joining, waiting, closed.
constexpr SDL_Rect kPongChatGameOver{428, 4, 364, 392};
constexpr int kPongGameOverLeft = 12;  // The result's box beside the chat.
constexpr int kPongGameOverRight = 420;
constexpr SDL_Rect kRaceChatInPlay{572, 428, 220, 164};
constexpr SDL_Rect kRaceChatStill{572, 128, 220, 464};

using palette::kAccent;
using palette::kBackground;
using palette::kBox;
using palette::kDim;
using palette::kStatusBar;
using palette::kWarn;
using palette::kWhite;

struct Input {
  bool quit = false;
  bool play_again = false;
  bool back_to_lobby = false;
  std::int8_t direction = 0;
};

class PongWindow {
 public:
  PongWindow(Display& display, ClientSession& session, const ClientSetup& setup, ChatPanel& chat)
      : display_(display),
        session_(session),
        chat_(chat),
        setup_(setup),
        renderer_(display.renderer()),
        text_(&display.text()),
        racing_(setup.node.game == Game::kRacing),
        field_height_(racing_ ? kRaceFieldHeight : kFieldHeight) {
    display_.fit_window(setup.window_width, setup.window_height);
    display_.set_logical_size(kLogicalWidth, racing_ ? kRaceLogicalHeight : kLogicalHeight);
    canvas_ = &display_.canvas();
  }

  GameOutcome loop() {
    const TimeUs started_us = monotonic_now_us();
    chat_.set_text_input_always(false);
    for (;;) {
      const Uint32 frame_start_ms = SDL_GetTicks();
      const Input input = poll_input();
      if (input.quit) break;
      ClientView view = session_.view();
      // The chat follows the room once seated or watching; the lobby's until then.
      const Screen screen = screen_for(view);
      chat_.set_channel(chat_channel_for(view),
                        screen != Screen::kSearching && screen != Screen::kJoining);
      chat_.set_in_play(chat_in_play(view, screen));
      chat_.update();
      const bool over = view.result || newest_phase(view) == room_phase::kClosed;
      // Back to the lobby from a result, or from watching at any time.
      if (input.back_to_lobby && (over || view.spectating)) return GameOutcome{0, true};
      // A spectator sends nothing: its keys only choose what to look at.
      session_.set_direction(view.spectating ? 0 : input.direction);
      if (view.ended) return GameOutcome{session_.exit_code(), false};  // --timeout-s, or failed.
      feed(view);
      if (input.play_again && over && !view.spectating) {
        interpolator_.clear();
        race_interpolator_.clear();
        session_.play_again();
      }
      const TimeUs now_us = monotonic_now_us();
      draw(view, now_us);
      if (!setup_.screenshot.empty() && screenshot_due(view, now_us - started_us)) {
        return GameOutcome{display_.save_screenshot(setup_.screenshot) ? 0 : 1, false};
      }
      SDL_RenderPresent(renderer_);
      const Uint32 spent_ms = SDL_GetTicks() - frame_start_ms;
      if (spent_ms < kFrameMs) SDL_Delay(kFrameMs - spent_ms);
    }
    return GameOutcome{0, false};
  }

 private:
  Input poll_input() {
    Input input;
    SDL_Event event;
    while (SDL_PollEvent(&event) != 0) {
      // While the chat's input is open every key is its own: none reaches the game.
      if (chat_.on_event(event)) continue;
      switch (event.type) {
        case SDL_QUIT:
          input.quit = true;
          break;
        case SDL_KEYDOWN:
          if (event.key.keysym.sym == SDLK_ESCAPE) input.quit = true;
          if (event.key.keysym.sym == SDLK_RETURN || event.key.keysym.sym == SDLK_KP_ENTER) {
            input.play_again = true;
          }
          if (event.key.keysym.sym == SDLK_l || event.key.keysym.sym == SDLK_BACKSPACE) {
            input.back_to_lobby = true;
          }
          break;
        case SDL_CONTROLLERDEVICEADDED:
        case SDL_CONTROLLERDEVICEREMOVED:
          display_.on_controller_event(event);
          break;
        case SDL_CONTROLLERBUTTONDOWN:
          if (event.cbutton.button == SDL_CONTROLLER_BUTTON_A ||
              event.cbutton.button == SDL_CONTROLLER_BUTTON_START) {
            input.play_again = true;
          }
          if (event.cbutton.button == SDL_CONTROLLER_BUTTON_BACK) input.quit = true;
          if (event.cbutton.button == SDL_CONTROLLER_BUTTON_Y) input.back_to_lobby = true;
          break;
        default:
          break;
      }
    }
    const Uint8* keys = SDL_GetKeyboardState(nullptr);
    // Typing in the chat never moves a paddle or a car: the direction is then 0.
    if (racing_) {
      input.direction = chat_.game_direction(race_steering(keys));
      return input;
    }
    bool up = keys[SDL_SCANCODE_W] != 0 || keys[SDL_SCANCODE_UP] != 0;
    bool down = keys[SDL_SCANCODE_S] != 0 || keys[SDL_SCANCODE_DOWN] != 0;
    if (display_.controller() != nullptr) {
      const Sint16 stick =
          SDL_GameControllerGetAxis(display_.controller(), SDL_CONTROLLER_AXIS_LEFTY);
      up = up || stick < -kStickDeadZone ||
           SDL_GameControllerGetButton(display_.controller(), SDL_CONTROLLER_BUTTON_DPAD_UP) != 0;
      down =
          down || stick > kStickDeadZone ||
          SDL_GameControllerGetButton(display_.controller(), SDL_CONTROLLER_BUTTON_DPAD_DOWN) != 0;
    }
    input.direction = chat_.game_direction(static_cast<std::int8_t>((down ? 1 : 0) - (up ? 1 : 0)));
    return input;
  }

  // Left/right arrows, A/D, the left stick or the d-pad: -1 left, +1 right.
  std::int8_t race_steering(const Uint8* keys) const {
    bool left = keys[SDL_SCANCODE_A] != 0 || keys[SDL_SCANCODE_LEFT] != 0;
    bool right = keys[SDL_SCANCODE_D] != 0 || keys[SDL_SCANCODE_RIGHT] != 0;
    if (display_.controller() != nullptr) {
      const Sint16 stick =
          SDL_GameControllerGetAxis(display_.controller(), SDL_CONTROLLER_AXIS_LEFTX);
      left =
          left || stick < -kStickDeadZone ||
          SDL_GameControllerGetButton(display_.controller(), SDL_CONTROLLER_BUTTON_DPAD_LEFT) != 0;
      right =
          right || stick > kStickDeadZone ||
          SDL_GameControllerGetButton(display_.controller(), SDL_CONTROLLER_BUTTON_DPAD_RIGHT) != 0;
    }
    return static_cast<std::int8_t>((right ? 1 : 0) - (left ? 1 : 0));
  }

  void feed(const ClientView& view) {
    for (const TimedState& timed : view.recent) {
      if (fed_any_ && !(timed.position > fed_position_)) continue;
      interpolator_.add(timed);
      race_interpolator_.add(timed);
      fed_position_ = timed.position;
      fed_any_ = true;
    }
  }

  static std::uint8_t newest_phase(const ClientView& view) {
    return view.recent.empty() ? room_phase::kWaiting : view.recent.back().state.phase;
  }

  bool screenshot_due(const ClientView& view, TimeUs elapsed_us) const {
    if (elapsed_us < setup_.screenshot_after_us) return false;
    bool ready = false;
    switch (setup_.screenshot_at) {
      case ScreenshotAt::kPlaying:
        // A race a few seconds in, so the traffic has come down the road.
        ready = newest_phase(view) == room_phase::kPlaying &&
                (!racing_ || view.recent.back().state.tick > 4 * 60);
        break;
      case ScreenshotAt::kCountdown:
        // At "1": every racer of the grid has joined by then.
        ready = newest_phase(view) == room_phase::kCountdown &&
                view.recent.back().state.countdown_ticks <= 60;
        break;
      case ScreenshotAt::kGameOver:
        ready = view.result.has_value() &&
                (view.spectating ||
                 (racing_ ? view.race_board.has_value() : view.leaderboard.has_value()));
        break;
      default:
        break;
    }
    // A whole match takes longer than the start of one.
    const TimeUs grace = setup_.screenshot_at == ScreenshotAt::kGameOver ? 6 * kScreenshotGraceUs
                                                                         : kScreenshotGraceUs;
    return ready || elapsed_us > setup_.screenshot_after_us + grace;
  }

  void fill(int x, int y, int w, int h, SDL_Color c) {
    SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
    const SDL_Rect r{x, y, w, h};
    SDL_RenderFillRect(renderer_, &r);
  }
  void fill_f(float x, float y, float w, float h, SDL_Color c) {
    SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
    const SDL_FRect r{x, y, w, h};
    SDL_RenderFillRectF(renderer_, &r);
  }
  void say(const std::string& s, int y, TextSize size, SDL_Color c, int x = kLogicalWidth / 2) {
    text_->draw(s, x, y, size, Align::kCentre, c);
  }
  // Words over the field, on an opaque box so that neither the net nor a paddle runs
  // through them.
  void say_boxed(const std::string& s, int y, TextSize size, SDL_Color c) {
    const SDL_Rect r = text_->measure(s, size);
    constexpr int kPad = 8;
    fill(kLogicalWidth / 2 - r.w / 2 - kPad, y - kPad / 2, r.w + 2 * kPad, r.h + kPad, kBox);
    say(s, y, size, c);
  }

  // The field: the net only while the ball is in play (a text screen has none through its
  // words), the scores, the paddles, and the ball while the match runs.
  void draw_field(const wire::RoomState& newest, const DrawnPositions& p, bool dim) {
    const bool running =
        newest.phase == room_phase::kPlaying || newest.phase == room_phase::kCountdown;
    if (running) {
      for (int y = 0; y < kFieldHeight; y += 20) fill(kFieldWidth / 2 - 1, y + 4, 2, 12, kDim);
    }
    const std::string left = std::to_string(newest.score_left);
    const std::string right = std::to_string(newest.score_right);
    text_->draw(left, kLogicalWidth / 2 - 60, 14, TextSize::kLarge, Align::kRight, kWhite);
    text_->draw(right, kLogicalWidth / 2 + 60, 14, TextSize::kLarge, Align::kLeft, kWhite);
    const SDL_Color paddle = dim ? kDim : kWhite;
    const float pw = static_cast<float>(pong::kPaddleWidth) / pong::kFixedOne;
    const float ph = static_cast<float>(pong::kPaddleHeight) / pong::kFixedOne;
    const float ball = static_cast<float>(pong::kBallSize) / pong::kFixedOne;
    const SDL_Color mine = dim ? kDim : kAccent;
    fill_f(static_cast<float>(pong::kLeftPaddleX) / pong::kFixedOne, p.paddle_left_y, pw, ph,
           newest.your_slot == 0 ? mine : paddle);
    fill_f(static_cast<float>(pong::kRightPaddleX) / pong::kFixedOne, p.paddle_right_y, pw, ph,
           newest.your_slot == 1 ? mine : paddle);
    if (running) fill_f(p.ball_x, p.ball_y, ball, ball, kWhite);
  }

  // The keys once a match is over: a spectator cannot play again. `narrow`: beside the chat.
  static const char* keys_after(const ClientView& view, bool narrow = false) {
    if (narrow)
      return view.spectating ? "L: lobby    Esc: quit" : "Enter: again   L: lobby   Esc: quit";
    return view.spectating ? "L: back to the lobby    Esc: quit"
                           : "Enter: play again    L: back to the lobby    Esc: quit";
  }

  void draw_status(const ClientView& view, const wire::RoomState* newest) {
    std::string line;
    if (newest != nullptr && !newest->leader_control.is_unset()) {
      line = "leader " + newest->leader_control.str();
    } else if (!view.leader_client.is_unset()) {
      line = "leader " + view.leader_client.str();
    } else {
      line = "no leader yet";
    }
    if (!view.leader_epoch.is_none()) {
      line += "  server " + view.leader_epoch.leader.short_str() + "  epoch " +
              std::to_string(view.leader_epoch.term);
    }
    if (newest != nullptr) {
      line += "  room " + (newest->name.empty() ? std::to_string(newest->room)
                                                : std::string(newest->name.view()));
      if (view.spectating) {
        line += "  spectating";
      } else if (racing_) {
        line += "  you: racer " + std::to_string(newest->your_slot + 1);
      } else {
        line += newest->your_slot == 0 ? "  you: left" : "  you: right";
      }
    }
    fill(0, field_height_, kLogicalWidth, kStatusBarHeight, kStatusBar);
    text_->draw(line, 8, field_height_ + 4, TextSize::kSmall, Align::kLeft, kDim);
  }

  // The game-over leaderboard: the player's record, then the best ten, the player's own row
  // highlighted. It comes from the leader once the result is committed.
  void draw_leaderboard(const std::optional<wire::LeaderboardState>& board, std::uint32_t room,
                        int x) {
    if (!board || board->room != room) {
      say("leaderboard: waiting for the server...", 140, TextSize::kSmall, kDim, x);
      return;
    }
    const wire::BoardEntry& you = board->you;
    char line[96];
    auto plural = [](unsigned n, const char* one, const char* many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    // Beside the chat the box is narrower: "you" instead of the name (which the list shows).
    const bool narrow = x != kLogicalWidth / 2;
    std::snprintf(line, sizeof line, "%s: best %s, %s in %s",
                  narrow ? "you" : std::string(you.name.view()).c_str(),
                  plural(you.best, "point", "points").c_str(),
                  plural(you.wins, "win", "wins").c_str(),
                  plural(you.matches, "match", "matches").c_str());
    say(line, 132, TextSize::kSmall, kWhite, x);
    std::snprintf(line, sizeof line, "%-20s %4s  %6s  %4s", "top players", "wins", "played",
                  "best");
    say(line, 160, TextSize::kSmall, kDim, x);
    int y = 180;
    int rank = 1;
    for (const wire::BoardEntry& e : board->top) {
      std::snprintf(line, sizeof line, "%2d. %-16s %4u  %6u  %4u", rank++,
                    std::string(e.name.view()).c_str(), static_cast<unsigned>(e.wins),
                    static_cast<unsigned>(e.matches), static_cast<unsigned>(e.best));
      say(line, y, TextSize::kSmall, e.name == you.name ? kAccent : kWhite, x);
      y += 14;
    }
  }

  void draw(const ClientView& view, TimeUs now_us) {
    SDL_SetRenderDrawColor(renderer_, kBackground.r, kBackground.g, kBackground.b, 255);
    SDL_RenderClear(renderer_);
    const wire::RoomState* newest = view.recent.empty() ? nullptr : &view.recent.back().state;
    const Screen screen = screen_for(view);
    draw_screen(view, screen, now_us);
    const SDL_Rect chat_rect = chat_area(view, screen);
    if (chat_.shown()) {
      // See-through while the match runs (the ball shows under it), for players and
      // spectators alike.
      chat_.draw(*canvas_, chat_rect, screen == Screen::kCountdown || screen == Screen::kPlaying);
    } else {  // In play: where the panel would open, how to open it.
      chat_.draw_hint(*canvas_, chat_rect.x + chat_rect.w, chat_rect.y + chat_rect.h, racing_);
    }
    // Last, so nothing drawn on the field reaches into the bar.
    draw_status(view, newest);
  }

  SDL_Rect chat_area(const ClientView& view, Screen screen) const {
    const bool in_play = chat_in_play(view, screen);
    if (racing_) return in_play ? kRaceChatInPlay : kRaceChatStill;
    if (screen == Screen::kGameOver) return kPongChatGameOver;
    if (in_play) return kPongChatInPlay;
    const bool running = screen == Screen::kCountdown || screen == Screen::kPlaying;
    return running ? kPongChatWatching : kPongChatStill;
  }

  void draw_screen(const ClientView& view, Screen screen, TimeUs now_us) {
    const wire::RoomState* newest = view.recent.empty() ? nullptr : &view.recent.back().state;
    switch (screen) {
      case Screen::kSearching:
        say("Searching for servers...", 150, TextSize::kMedium, kWhite);
        say("broadcasting to " + session_.discovery_str(), 190, TextSize::kSmall, kDim);
        return;
      case Screen::kJoining:
        say("Joining " + view.leader_client.str() + " ...", 160, TextSize::kMedium, kWhite);
        return;
      case Screen::kClosed:
        say("The room closed before the match ended.", 140, TextSize::kMedium, kWhite);
        say(keys_after(view), 200, TextSize::kSmall, kDim);
        return;
      default:
        break;
    }
    if (racing_) {
      draw_race(view, screen, now_us);
    } else {
      draw_pong(view, screen, now_us);
    }
    // Pong's words at the bottom of the field move up above the chat's strip.
    const bool chat_below = !racing_ && chat_.shown();
    if (view.spectating && screen != Screen::kGameOver) {
      canvas_->say_boxed(watching_banner(*newest), kLogicalWidth / 2,
                         racing_ ? 12 : (chat_below ? 252 : 360), TextSize::kMedium, kWhite,
                         palette::kWatch);
    }
    const bool running = screen == Screen::kCountdown || screen == Screen::kPlaying;
    const bool silent = now_us - view.recent.back().arrived_mono_us > kReconnectingAfterUs;
    if (running && (silent || view.phase == ClientPhase::kDiscovering ||
                    view.phase == ClientPhase::kJoining)) {
      const int y = racing_ ? 400 : (chat_below ? 200 : 300);
      fill(250, y, 300, 34, SDL_Color{40, 20, 20, 220});
      say("reconnecting...", y + 6, TextSize::kMedium, kWarn);
    }
  }

  void draw_race(const ClientView& view, Screen screen, TimeUs now_us) {
    const TimedState& newest = view.recent.back();
    if (!newest.race) return;
    const std::optional<DrawnRace> drawn = race_interpolator_.at(now_us);
    // The result's box stays left of the chat panel.
    const int chat_width = chat_.enabled() ? kRaceFieldWidth - kRaceChatStill.x : 0;
    draw_race_screen(*canvas_, view, screen, *newest.race, drawn ? *drawn : DrawnRace{},
                     chat_width);
  }

  void draw_pong(const ClientView& view, Screen screen, TimeUs now_us) {
    const wire::RoomState* newest = &view.recent.back().state;
    const std::optional<DrawnPositions> p = interpolator_.at(now_us);
    switch (screen) {
      case Screen::kWaiting:
        draw_field(*newest, *p, true);
        say_boxed("Waiting for an opponent...", 150, TextSize::kMedium, kWhite);
        say("you stay seated until one joins; Esc quits", 196, TextSize::kSmall, kDim);
        return;
      case Screen::kCountdown: {
        draw_field(*newest, *p, false);
        const std::string words = countdown_text(*newest);
        // Above the ball, which waits in the centre.
        say_boxed(words, 70, words.size() == 1 ? TextSize::kHuge : TextSize::kLarge, kAccent);
        break;
      }
      case Screen::kPlaying: {
        draw_field(*newest, *p, false);
        const std::string banner = playing_banner(*newest);
        if (!banner.empty()) say_boxed(banner, 70, TextSize::kHuge, kAccent);
        break;
      }
      case Screen::kGameOver:
        draw_game_over(view, *newest, *p);
        return;
      default:
        return;
    }
  }

  // The result, the player's record and the top 10. It stays after the room has closed (the
  // leader closes a finished room a couple of seconds after the match), until the player
  // chooses to play again or to quit.
  void draw_game_over(const ClientView& view, const wire::RoomState& newest,
                      const DrawnPositions& p) {
    draw_field(newest, p, true);
    // Beside the chat panel, the box moves left and narrows.
    const bool narrow = chat_.enabled();
    const int x = narrow ? (kPongGameOverLeft + kPongGameOverRight) / 2 : kLogicalWidth / 2;
    const std::uint8_t winner =
        view.result ? view.result->winner_slot : static_cast<std::uint8_t>(newest.winner - 1);
    const std::uint8_t left = view.result ? view.result->score_left : newest.score_left;
    const std::uint8_t right = view.result ? view.result->score_right : newest.score_right;
    const std::uint8_t my_slot = view.result ? view.result->my_slot : newest.your_slot;
    std::string headline = winner == 0 ? "Left wins" : "Right wins";
    if (my_slot <= 1) headline = winner == my_slot ? "You win!" : "You lose";
    if (narrow) {
      fill(kPongGameOverLeft, 4, kPongGameOverRight - kPongGameOverLeft, kFieldHeight - 8, kBox);
    } else {
      fill(140, 4, kFieldWidth - 280, kFieldHeight - 8, kBox);
    }
    say(headline, 40, TextSize::kLarge, kAccent, x);
    say("final score " + std::to_string(left) + " : " + std::to_string(right), 92,
        TextSize::kMedium, kWhite, x);
    draw_leaderboard(view.leaderboard, view.result ? view.result->room : newest.room, x);
    say(keys_after(view, narrow), 350, TextSize::kSmall, kDim, x);
  }

  Display& display_;
  ClientSession& session_;
  ChatPanel& chat_;
  const ClientSetup& setup_;
  SDL_Renderer* renderer_;
  TextRenderer* text_;
  Canvas* canvas_ = nullptr;
  const bool racing_;
  const int field_height_;  // The field above the status bar: Pong's or the road's.
  Interpolator interpolator_;
  RaceInterpolator race_interpolator_;
  StatePosition fed_position_;
  bool fed_any_ = false;
};

}  // namespace

GameOutcome run_game(Display& display, ClientSession& session, const ClientSetup& setup,
                     ChatPanel& chat) {
  PongWindow window(display, session, setup, chat);
  session.start_background();
  const GameOutcome outcome = window.loop();
  session.quit();
  return outcome;
}

}  // namespace dp::client
