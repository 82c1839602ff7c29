// Text for the Pong window: SDL2_ttf with DejaVu Sans Mono (Debian's fonts-dejavu-core), or,
// when the font cannot be loaded, a drawn 3x5 block font (digits, capitals and a little
// punctuation) so scores and notices stay legible without any font package.
//
// Rendered strings are cached as textures, at most kCacheMax of them (the cache is emptied
// when full; a screen shows a few dozen strings, the chat panel's rows included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include <SDL.h>
#include <SDL_ttf.h>

namespace dp::client {

enum class TextSize { kSmall = 0, kMedium = 1, kLarge = 2, kHuge = 3 };
enum class Align { kLeft, kCentre, kRight };

class TextRenderer {
 public:
  static constexpr std::size_t kCacheMax = 128;
  static constexpr const char* kDefaultFont = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";

  // Loads the font; on failure (or an empty path) falls back to the drawn font.
  TextRenderer(SDL_Renderer* renderer, const std::string& font_path);
  ~TextRenderer();
  TextRenderer(const TextRenderer&) = delete;
  TextRenderer& operator=(const TextRenderer&) = delete;

  // Draws `text` with its top at y, aligned on x, in logical pixels.
  void draw(const std::string& text, int x, int y, TextSize size, Align align, SDL_Color color);
  // The size `text` takes when drawn (x and y are 0).
  SDL_Rect measure(const std::string& text, TextSize size) const;
  bool using_ttf() const { return fonts_[0] != nullptr; }

 private:
  void draw_blocks(const std::string& text, int x, int y, TextSize size, Align align,
                   SDL_Color color);

  SDL_Renderer* renderer_;
  bool ttf_initialised_ = false;
  TTF_Font* fonts_[4] = {nullptr, nullptr, nullptr, nullptr};
  struct Cached {
    SDL_Texture* texture = nullptr;
    int w = 0;
    int h = 0;
  };
  std::map<std::tuple<std::string, int, std::uint32_t>, Cached> cache_;
};

}  // namespace dp::client
