// The SDL2 window of pong-client: reads the keyboard and a game controller, draws the screen
// that fits the client's state (searching, waiting, countdown, playing, game over) of either
// game from the session's view, and can save one frame for scripts/screenshot.sh. Pong
// steers with W/S or up/down, a race with left/right or A/D; a spectator sends nothing and
// sees a "WATCHING room N" banner. The chat panel (chat_panel.h) shows on every screen but a
// player's countdown and match, where Tab opens it over the field; while its input is open,
// keys type and the direction sent is 0.
//
// Runs on the main thread while the session's network loop runs on its own thread
// (transport/client_process.h). The window's logical size is Pong's 800x400 field or the
// race's 800x600 road, with a 24 px status bar below, so it scales to any window size with
// letterboxing.
#pragma once

#include "apps/pong-client/chat_panel.h"
#include "apps/pong-client/display.h"
#include "transport/client_options.h"
#include "transport/client_process.h"

namespace dp::client {

struct GameOutcome {
  // The process exit code: 0 when the player quits (or the screenshot was saved), 1 when the
  // screenshot cannot be written, the session's own code when it ended (--timeout-s).
  int exit_code = 0;
  bool back_to_lobby = false;  // The player asked for the lobby (L): no exit yet.
};

// Starts the session's loop in the background, shows its screens in `display` until the
// player quits or goes back to the lobby, then quits the session. The chat panel follows the
// room's channel; while its input is open the keys are the chat's and the direction sent is 0.
GameOutcome run_game(Display& display, ClientSession& session, const ClientSetup& setup,
                     ChatPanel& chat);

}  // namespace dp::client
