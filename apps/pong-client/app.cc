#include "apps/pong-client/app.h"

#include <cstdlib>
#include <iostream>

#include "apps/app_flags.h"
#include "apps/pong-client/chat_panel.h"
#include "apps/pong-client/display.h"
#include "apps/pong-client/lobby.h"
#include "apps/pong-client/lobby_model.h"
#include "apps/pong-client/window.h"
#include "transport/client_process.h"

namespace dp::client {

int run_windowed(const ClientOptions& options, bool lobby_first, const IdentitySource& identity) {
  const auto [first_id, first_seed] = identity();
  const auto base = make_client_setup(options, first_id, first_seed);
  if (!base) {
    std::cerr << "pong-client: " << base.error() << "\n";
    return kExitBadFlags;
  }
  Display display;
  // The lobby has the racing window's shape.
  const bool fit_race = lobby_first && !base->window_size_given;
  if (!display.open(fit_race ? kRaceWindowWidth : base->window_width,
                    fit_race ? kRaceWindowHeight : base->window_height)) {
    return 1;
  }
  if (base->window_size_given) display.set_user_sized();
  // One chat session for the whole run, under the name the lobby starts with (--name, or the
  // remembered one); it runs on its own thread, so nothing here waits for it.
  std::string chat_name = options.name;
  if (chat_name.empty() && lobby_first) {
    chat_name =
        load_name(name_file_path(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"))).value_or("");
  }
  ChatPanel chat(*base, identity, chat_name);  // Without base->chat: no session, no panel.
  // The screenshot's message goes to the first channel a screen follows (see ChatPanel::send).
  if (!base->screenshot_chat_send.empty()) chat.send(base->screenshot_chat_send);
  if (!base->screenshot_chat_draft.empty()) chat.draft(base->screenshot_chat_draft);
  bool lobby = lobby_first;
  for (;;) {
    ClientOptions session_options = options;
    if (lobby) {
      const LobbyOutcome outcome = run_lobby(display, options, *base, chat);
      if (!outcome.choice) return outcome.exit_code;
      session_options = options_for(*outcome.choice, options);
    }
    const auto [id, seed] = identity();
    const auto setup = make_client_setup(session_options, id, seed);
    if (!setup) {
      std::cerr << "pong-client: " << setup.error() << "\n";
      return kExitBadFlags;
    }
    auto session = ClientSession::open(*setup);
    if (!session) {
      std::cerr << "pong-client: " << session.error() << "\n";
      return 1;
    }
    const GameOutcome outcome = run_game(display, **session, *setup, chat);
    if (!outcome.back_to_lobby) return outcome.exit_code;
    lobby = true;
  }
}

}  // namespace dp::client
