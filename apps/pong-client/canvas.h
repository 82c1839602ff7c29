// Drawing helpers shared by the window's screens (Pong, racing, lobby): filled rectangles and
// words in logical pixels, and the palette, so every screen looks like one program.
#pragma once

#include <SDL.h>

#include <string>

#include "apps/pong-client/text.h"

namespace dp::client {

namespace palette {
constexpr SDL_Color kBackground{14, 18, 28, 255};
constexpr SDL_Color kStatusBar{8, 10, 16, 255};
constexpr SDL_Color kBox{24, 30, 44, 255};  // Behind words drawn over a field.
constexpr SDL_Color kWhite{235, 238, 245, 255};
constexpr SDL_Color kDim{120, 130, 150, 255};
constexpr SDL_Color kAccent{255, 196, 64, 255};
constexpr SDL_Color kWarn{255, 110, 90, 255};
constexpr SDL_Color kWatch{200, 40, 60, 255};  // The spectator's banner.
}  // namespace palette

class Canvas {
 public:
  Canvas(SDL_Renderer* renderer, TextRenderer& text, int width)
      : renderer_(renderer), text_(text), width_(width) {}

  int width() const { return width_; }
  TextRenderer& text() { return text_; }
  SDL_Renderer* renderer() { return renderer_; }

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
  void outline(int x, int y, int w, int h, SDL_Color c) {
    SDL_SetRenderDrawColor(renderer_, c.r, c.g, c.b, c.a);
    const SDL_Rect r{x, y, w, h};
    SDL_RenderDrawRect(renderer_, &r);
  }
  void text(const std::string& s, int x, int y, TextSize size, Align align, SDL_Color c) {
    text_.draw(s, x, y, size, align, c);
  }
  // Centred on the canvas.
  void say(const std::string& s, int y, TextSize size, SDL_Color c) {
    text_.draw(s, width_ / 2, y, size, Align::kCentre, c);
  }
  // Centred on x, on an opaque box so nothing behind runs through the words.
  void say_boxed(const std::string& s, int x, int y, TextSize size, SDL_Color c,
                 SDL_Color box = palette::kBox) {
    const SDL_Rect r = text_.measure(s, size);
    constexpr int kPad = 8;
    fill(x - r.w / 2 - kPad, y - kPad / 2, r.w + 2 * kPad, r.h + kPad, box);
    text_.draw(s, x, y, size, Align::kCentre, c);
  }

 private:
  SDL_Renderer* renderer_;
  TextRenderer& text_;
  int width_;
};

}  // namespace dp::client
