#include "apps/pong-client/race_screen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/services/racing/race.h"

namespace dp::client {
namespace {

using palette::kAccent;
using palette::kBox;
using palette::kDim;
using palette::kWhite;

constexpr float kOne = racing::kFixedOne;
constexpr int kRoadLeft = racing::kRoadLeft / racing::kFixedOne;
constexpr int kRoadRight = racing::kRoadRight / racing::kFixedOne;
constexpr int kRoadWidth = kRoadRight - kRoadLeft;
constexpr float kCarWidth = static_cast<float>(racing::kCarWidth) / kOne;
constexpr float kCarHeight = static_cast<float>(racing::kCarHeight) / kOne;
constexpr float kRacerY = static_cast<float>(racing::kRacerY) / kOne;
constexpr int kLanes = 3;
constexpr int kDashPeriod = 60;  // A lane mark and its gap, in pixels.
constexpr int kDashLength = 34;
constexpr int kKerbWidth = 8;
constexpr int kPanelWidth = kRoadLeft - kKerbWidth - 16;  // The side panels, left and right.

constexpr SDL_Color kGrass{24, 62, 38, 255};
constexpr SDL_Color kGrassLight{30, 72, 44, 255};
constexpr SDL_Color kRoad{54, 57, 66, 255};
constexpr SDL_Color kLaneMark{210, 214, 222, 255};
constexpr SDL_Color kKerbRed{190, 50, 50, 255};
constexpr SDL_Color kPanel{10, 14, 22, 215};
constexpr SDL_Color kYou{255, 196, 64, 255};
// Rivals by slot, see-through: racers are ghosts to each other.
constexpr SDL_Color kRivals[wire::kRaceSlots] = {
    {90, 170, 255, 170}, {120, 220, 140, 170}, {240, 120, 200, 170}, {180, 150, 255, 170}};
constexpr SDL_Color kCrashed{110, 112, 118, 200};
constexpr SDL_Color kTraffic[] = {{214, 72, 72, 255},  {120, 200, 120, 255}, {190, 120, 220, 255},
                                  {230, 140, 60, 255}, {80, 200, 200, 255},  {220, 220, 230, 255}};

SDL_Color with_alpha(SDL_Color c, Uint8 a) { return SDL_Color{c.r, c.g, c.b, a}; }

// A traffic car keeps its x for its whole way down the road: its colour follows from it, so
// it does not change when other cars spawn or leave.
SDL_Color traffic_colour(float x) {
  const auto h = static_cast<unsigned>(std::lround(x * 7.0F)) * 2654435761U;
  return kTraffic[(h >> 16) % (sizeof kTraffic / sizeof kTraffic[0])];
}

// A car seen from above, nose up: wheels, body, windscreen, rear window.
void draw_car(Canvas& c, float x, float y, SDL_Color body) {
  const SDL_Color tyre{12, 12, 14, body.a};
  for (const float wy : {y + 8, y + kCarHeight - 22}) {
    c.fill_f(x - 3, wy, 6, 14, tyre);
    c.fill_f(x + kCarWidth - 3, wy, 6, 14, tyre);
  }
  c.fill_f(x, y, kCarWidth, kCarHeight, body);
  const SDL_Color glass{30, 40, 60, body.a};
  c.fill_f(x + 6, y + 15, kCarWidth - 12, 13, glass);
  c.fill_f(x + 7, y + kCarHeight - 16, kCarWidth - 14, 8, glass);
  const SDL_Color light{255, 250, 210, body.a};
  c.fill_f(x + 4, y + 1, 7, 4, light);
  c.fill_f(x + kCarWidth - 11, y + 1, 7, 4, light);
}

// The field: grass bands, kerbs and lane marks all scroll down by the distance driven.
void draw_road(Canvas& c, float road_px) {
  const int shift = static_cast<int>(std::fmod(road_px, 2.0F * kDashPeriod));
  c.fill(0, 0, kRaceFieldWidth, kRaceFieldHeight, kGrass);
  for (int y = -2 * kDashPeriod + shift; y < kRaceFieldHeight; y += 2 * kDashPeriod) {
    c.fill(0, y, kRaceFieldWidth, kDashPeriod, kGrassLight);
  }
  c.fill(kRoadLeft, 0, kRoadWidth, kRaceFieldHeight, kRoad);
  const int dash_shift = shift % kDashPeriod;
  for (int y = -kDashPeriod + dash_shift; y < kRaceFieldHeight; y += kDashPeriod) {
    for (int lane = 1; lane < kLanes; ++lane) {
      c.fill(kRoadLeft + lane * kRoadWidth / kLanes - 2, y, 4, kDashLength, kLaneMark);
    }
  }
  for (int y = -2 * kDashPeriod + shift; y < kRaceFieldHeight; y += kDashPeriod / 2) {
    const bool red = ((y - shift) / (kDashPeriod / 2)) % 2 == 0;
    const SDL_Color kerb = red ? kKerbRed : kWhite;
    c.fill(kRoadLeft - kKerbWidth, y, kKerbWidth, kDashPeriod / 2, kerb);
    c.fill(kRoadRight, y, kKerbWidth, kDashPeriod / 2, kerb);
  }
}

void draw_racers(Canvas& c, const wire::RaceState& race, const DrawnRace& drawn) {
  const bool started = race.phase >= static_cast<std::uint8_t>(racing::Phase::kRacing);
  // Rivals and the crashed first, your own car on top.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < race.racers.size(); ++i) {
      const wire::RaceRacer& r = race.racers[i];
      const bool you = race.your_slot == i;
      if ((pass == 1) != you) continue;
      const bool in = (r.flags & (wire::RaceRacer::kRacing | wire::RaceRacer::kPresent)) != 0;
      if (!in || (started && (r.flags & wire::RaceRacer::kRacing) == 0)) continue;
      const bool crashed = started && (r.flags & wire::RaceRacer::kAlive) == 0;
      const SDL_Color body = crashed ? kCrashed : (you ? kYou : kRivals[i]);
      const float x = drawn.racer_x[i];
      if (you && !crashed)
        c.fill_f(x - 6, kRacerY - 6, kCarWidth + 12, kCarHeight + 12, SDL_Color{255, 196, 64, 70});
      draw_car(c, x, kRacerY, body);
      // Your name below your car; rivals' above theirs, staggered by slot, as ghosts often
      // drive on top of each other.
      const std::string label = you ? "you" : std::string(r.name.view());
      const float label_y =
          you ? kRacerY + kCarHeight + 1 : kRacerY - 20 - (i % 2 == 0 ? 0.0F : 18.0F);
      c.text(label, static_cast<int>(x + kCarWidth / 2), static_cast<int>(label_y),
             TextSize::kSmall, Align::kCentre,
             crashed ? kDim : (you ? kYou : with_alpha(kRivals[i], 255)));
      if (crashed) {
        c.text("X", static_cast<int>(x + kCarWidth / 2), static_cast<int>(kRacerY + 18),
               TextSize::kMedium, Align::kCentre, palette::kWarn);
      }
    }
  }
}

std::string clock_text(std::uint32_t tick) {
  const std::uint32_t s = tick / racing::kTicksPerSecond;
  char out[16];
  std::snprintf(out, sizeof out, "%u:%02u", s / 60, s % 60);
  return out;
}

// The side panels: the room and the standings on the left, time and speed on the right.
void draw_panels(Canvas& c, const ClientView& view, const wire::RaceState& race) {
  constexpr int kX = 8;
  const int rows = static_cast<int>(race_standings(race).size());
  c.fill(kX, 8, kPanelWidth, 74 + 24 * std::max(rows, 1), kPanel);
  const std::string room = race.name.view().empty() ? "room " + std::to_string(race.room)
                                                    : std::string(race.name.view());
  c.text("RACE", kX + 10, 14, TextSize::kMedium, Align::kLeft, kAccent);
  c.text(room, kX + kPanelWidth - 10, 20, TextSize::kSmall, Align::kRight, kDim);
  c.text("racer", kX + 10, 50, TextSize::kSmall, Align::kLeft, kDim);
  c.text("score", kX + kPanelWidth - 10, 50, TextSize::kSmall, Align::kRight, kDim);
  int y = 74;
  int rank = 1;
  for (const Standing& s : race_standings(race)) {
    const bool crashed =
        race.phase >= static_cast<std::uint8_t>(racing::Phase::kRacing) && !s.alive;
    const SDL_Color colour = crashed ? kDim : (s.you ? kYou : kWhite);
    c.fill(kX + 10, y + 3, 10, 14,
           crashed ? kCrashed : (s.you ? kYou : with_alpha(kRivals[s.slot], 255)));
    std::string name = std::to_string(rank++) + ". " + s.name;
    if (s.you && s.name != "you") name += " (you)";
    c.text(name, kX + 26, y, TextSize::kSmall, Align::kLeft, colour);
    c.text(std::to_string(s.score), kX + kPanelWidth - 10, y, TextSize::kSmall, Align::kRight,
           colour);
    if (crashed)
      c.text("crashed", kX + kPanelWidth - 50, y, TextSize::kSmall, Align::kRight, palette::kWarn);
    y += 24;
  }

  const int rx = kRoadRight + kKerbWidth + 8;
  c.fill(rx, 8, kPanelWidth, 112, kPanel);
  c.text("TIME", rx + 10, 16, TextSize::kSmall, Align::kLeft, kDim);
  c.text(clock_text(race.tick), rx + kPanelWidth - 10, 12, TextSize::kMedium, Align::kRight,
         kWhite);
  c.text("SPEED", rx + 10, 50, TextSize::kSmall, Align::kLeft, kDim);
  // The seed's 7 px per frame reads as 140 km/h; standing still before GO.
  const bool moving = race.phase == static_cast<std::uint8_t>(racing::Phase::kRacing);
  c.text(std::to_string(moving ? race.traffic_speed / racing::kFixedOne * 20 : 0) + " km/h",
         rx + kPanelWidth - 10, 46, TextSize::kMedium, Align::kRight, kWhite);
  const char* hint = view.spectating ? "spectating: no input" : "Left/Right or A/D";
  c.text(hint, rx + 10, 90, TextSize::kSmall, Align::kLeft, kDim);
}

int seated_count(const wire::RaceState& race) {
  int n = 0;
  for (const wire::RaceRacer& r : race.racers) {
    if ((r.flags & wire::RaceRacer::kPresent) != 0) ++n;
  }
  return n;
}

void draw_game_over(Canvas& c, const ClientView& view, const wire::RaceState& race,
                    int chat_width) {
  c.fill(0, 0, kRaceFieldWidth, kRaceFieldHeight, SDL_Color{0, 0, 0, 150});
  // Centred on the field, or left of the chat panel.
  const int left = chat_width > 0 ? 16 : 150;
  const int right = chat_width > 0 ? kRaceFieldWidth - chat_width - 8 : kRaceFieldWidth - 150;
  const int x = (left + right) / 2;
  auto say = [&c, x](const std::string& s, int y, TextSize size, SDL_Color colour) {
    c.text(s, x, y, size, Align::kCentre, colour);
  };
  const bool player = race.your_slot < wire::kRaceSlots;
  const auto& board = view.race_board;
  const bool board_shown = player && board && board->room == race.room;
  // The box fits what it holds: headline, scores, best and top 10, keys.
  const int rows = static_cast<int>(race_standings(race).size());
  const int top_rows = board_shown ? static_cast<int>(board->top.size()) : 0;
  const int bottom =
      std::max(118 + 20 * rows + 12, 210) + (board_shown ? 50 + 19 * top_rows : 20) + 56;
  c.fill(left, 24, right - left, bottom - 24, kBox);
  say(race_headline(race), 36, TextSize::kLarge, kAccent);
  say("final scores", 98, TextSize::kSmall, kDim);
  int y = 118;
  const std::uint8_t winner_slot = race.winner >= 1 ? race.winner - 1 : 0xff;
  for (const Standing& s : race_standings(race)) {
    char line[64];
    std::snprintf(line, sizeof line, "%-16s %5u%s", s.name.c_str(), static_cast<unsigned>(s.score),
                  s.slot == winner_slot ? "  winner" : "        ");
    say(line, y, TextSize::kSmall, s.you ? kYou : kWhite);
    y += 20;
  }
  y = std::max(y + 12, 210);
  if (!player) {
    say("(watching: no personal best)", y, TextSize::kSmall, kDim);
  } else if (!board_shown) {
    say("leaderboard: waiting for the server...", y, TextSize::kSmall, kDim);
  } else {
    const wire::RaceBoardEntry& you = board->you;
    char line[96];
    std::snprintf(line, sizeof line, "%s: personal best %u, %u %s in %u %s",
                  std::string(you.name.view()).c_str(), static_cast<unsigned>(you.best),
                  static_cast<unsigned>(you.wins), you.wins == 1 ? "win" : "wins",
                  static_cast<unsigned>(you.races), you.races == 1 ? "race" : "races");
    say(line, y, TextSize::kSmall, kWhite);
    std::snprintf(line, sizeof line, "%-20s %5s  %4s  %4s", "top racers", "races", "wins", "best");
    say(line, y + 30, TextSize::kSmall, kDim);
    int row_y = y + 50;
    int rank = 1;
    for (const wire::RaceBoardEntry& e : board->top) {
      std::snprintf(line, sizeof line, "%2d. %-16s %5u  %4u  %4u", rank++,
                    std::string(e.name.view()).c_str(), static_cast<unsigned>(e.races),
                    static_cast<unsigned>(e.wins), static_cast<unsigned>(e.best));
      say(line, row_y, TextSize::kSmall, e.name == you.name ? kYou : kWhite);
      row_y += 19;
    }
  }
  const char* keys = view.spectating ? "L: back to the lobby    Esc: quit"
                                     : "Enter: play again    L: back to the lobby    Esc: quit";
  say(keys, bottom - 36, TextSize::kSmall, kDim);
}

}  // namespace

void draw_race_screen(Canvas& c, const ClientView& view, Screen screen, const wire::RaceState& race,
                      const DrawnRace& drawn, int chat_width) {
  draw_road(c, drawn.road_px);
  for (const DrawnCar& car : drawn.traffic) {
    if (car.y > -kCarHeight && car.y < kRaceFieldHeight) {
      draw_car(c, car.x, car.y, traffic_colour(car.x));
    }
  }
  draw_racers(c, race, drawn);
  draw_panels(c, view, race);
  const int centre = (kRoadLeft + kRoadRight) / 2;
  switch (screen) {
    case Screen::kWaiting: {
      c.say_boxed("Waiting for racers...", centre, 200, TextSize::kMedium, kWhite);
      const int seated = seated_count(race);
      c.say_boxed(
          std::to_string(seated) + (seated == 1 ? " racer" : " racers") + " seated; GO needs 2",
          centre, 250, TextSize::kSmall, kDim);
      break;
    }
    case Screen::kCountdown:
      c.say_boxed(race_countdown_text(view.recent.back().state), centre, 150, TextSize::kHuge,
                  kAccent);
      c.say_boxed("get ready", centre, 290, TextSize::kMedium, kWhite);
      break;
    case Screen::kPlaying: {
      const std::string banner = race_banner(view.recent.back().state);
      if (!banner.empty()) c.say_boxed(banner, centre, 150, TextSize::kHuge, kAccent);
      const bool you_crashed = race.your_slot < race.racers.size() &&
                               (race.racers[race.your_slot].flags & wire::RaceRacer::kAlive) == 0;
      if (you_crashed) {
        c.say_boxed("Crashed! The others drive on...", centre, 260, TextSize::kMedium,
                    palette::kWarn);
      }
      break;
    }
    case Screen::kGameOver:
      draw_game_over(c, view, race, chat_width);
      break;
    default:
      break;
  }
}

}  // namespace dp::client
