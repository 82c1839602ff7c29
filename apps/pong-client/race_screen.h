// The racing screens of the window: the road with its scrolling lane marks, the traffic, the
// racers' cars (your own highlighted, rivals see-through, a crashed racer greyed out), the
// standings in the side panel, and the words of each phase: waiting, 3-2-1-GO, the race, and
// the result with your personal best and the top 10.
#pragma once

#include "apps/pong-client/canvas.h"
#include "apps/pong-client/race_view.h"
#include "apps/pong-client/screen.h"

namespace dp::client {

// The road's field, as in racing/race.h; the status bar goes below it.
constexpr int kRaceFieldWidth = 800;
constexpr int kRaceFieldHeight = 600;

// Draws `screen` (waiting, countdown, playing or game over) of a race; `race` is the newest
// race state, `drawn` where its cars are at this frame. `chat_width`: the width at the
// field's right kept for the chat panel (0: none), which the result's box stays clear of.
void draw_race_screen(Canvas& canvas, const ClientView& view, Screen screen,
                      const wire::RaceState& race, const DrawnRace& drawn, int chat_width = 0);

}  // namespace dp::client
