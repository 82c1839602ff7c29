// The lobby screen: the first screen of a pong-client started without flags that say what to
// play. It shows the form of LobbyModel (lobby_model.h) and the cluster's live rooms, which a
// background thread fetches every second (transport/room_list.h), and returns the choice.
#pragma once

#include <optional>
#include <string>

#include "apps/pong-client/chat_panel.h"
#include "apps/pong-client/display.h"
#include "apps/pong-client/lobby_model.h"
#include "transport/client_options.h"

namespace dp::client {

struct LobbyOutcome {
  std::optional<LobbyChoice> choice;  // None: the player quit (or the screenshot was saved).
  int exit_code = 0;                  // 1 when the screenshot could not be written.
};

// Runs the lobby until the player chooses or quits. `base` gives the discovery address and
// port, and the remembered name file is read and (on a choice) written. With `screenshot`
// set, saves a frame once the room list has arrived and at least `screenshot_after_us` went
// by, then returns without a choice. The chat panel (when enabled) follows the lobby's
// channel under the name typed, beside the live rooms; Tab opens its input.
LobbyOutcome run_lobby(Display& display, const ClientOptions& base, const ClientSetup& setup,
                       ChatPanel& chat);

}  // namespace dp::client
