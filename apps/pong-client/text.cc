#include "apps/pong-client/text.h"

#include <cctype>
#include <cstring>

namespace dp::client {
namespace {

constexpr int kPointSizes[4] = {15, 22, 44, 96};
// Block size in logical pixels of the drawn font, per TextSize.
constexpr int kBlockSizes[4] = {2, 3, 7, 16};

// 3x5 glyphs, rows top to bottom, '1' for a filled block.
struct Glyph {
  char c;
  const char* rows;
};
constexpr Glyph kGlyphs[] = {
    {'0', "111101101101111"}, {'1', "010110010010111"}, {'2', "111001111100111"},
    {'3', "111001111001111"}, {'4', "101101111001001"}, {'5', "111100111001111"},
    {'6', "111100111101111"}, {'7', "111001001001001"}, {'8', "111101111101111"},
    {'9', "111101111001111"}, {'A', "010101111101101"}, {'B', "110101110101110"},
    {'C', "011100100100011"}, {'D', "110101101101110"}, {'E', "111100110100111"},
    {'F', "111100110100100"}, {'G', "011100101101011"}, {'H', "101101111101101"},
    {'I', "111010010010111"}, {'J', "001001001101010"}, {'K', "101101110101101"},
    {'L', "100100100100111"}, {'M', "101111111101101"}, {'N', "110101101101101"},
    {'O', "010101101101010"}, {'P', "110101110100100"}, {'Q', "010101101110011"},
    {'R', "110101110101101"}, {'S', "011100010001110"}, {'T', "111010010010010"},
    {'U', "101101101101111"}, {'V', "101101101101010"}, {'W', "101101111111101"},
    {'X', "101101010101101"}, {'Y', "101101010010010"}, {'Z', "111001010100111"},
    {'.', "000000000000010"}, {':', "000010000010000"}, {'-', "000000111000000"},
    {'/', "001001010100100"}, {'(', "010100100100010"}, {')', "010001001001010"},
    {'!', "010010010000010"}, {'?', "111001010000010"}, {'=', "000111000111000"},
};

const char* glyph_rows(char c) {
  const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Glyph& g : kGlyphs) {
    if (g.c == upper) return g.rows;
  }
  return nullptr;  // Drawn as a space.
}

std::uint32_t packed(SDL_Color c) {
  return (static_cast<std::uint32_t>(c.r) << 24) | (static_cast<std::uint32_t>(c.g) << 16) |
         (static_cast<std::uint32_t>(c.b) << 8) | c.a;
}

int aligned_x(int x, int w, Align align) {
  switch (align) {
    case Align::kLeft:
      return x;
    case Align::kCentre:
      return x - w / 2;
    case Align::kRight:
      return x - w;
  }
  return x;
}

}  // namespace

TextRenderer::TextRenderer(SDL_Renderer* renderer, const std::string& font_path)
    : renderer_(renderer) {
  if (font_path.empty() || TTF_Init() != 0) return;
  ttf_initialised_ = true;
  for (int i = 0; i < 4; ++i) {
    fonts_[i] = TTF_OpenFont(font_path.c_str(), kPointSizes[i]);
    if (fonts_[i] == nullptr) {
      for (int j = 0; j < i; ++j) {
        TTF_CloseFont(fonts_[j]);
        fonts_[j] = nullptr;
      }
      return;
    }
  }
}

TextRenderer::~TextRenderer() {
  for (auto& [key, cached] : cache_) SDL_DestroyTexture(cached.texture);
  for (TTF_Font*& font : fonts_) {
    if (font != nullptr) TTF_CloseFont(font);
    font = nullptr;
  }
  if (ttf_initialised_) TTF_Quit();
}

SDL_Rect TextRenderer::measure(const std::string& text, TextSize size) const {
  const int index = static_cast<int>(size);
  int w = 0;
  int h = 0;
  if (using_ttf() && TTF_SizeUTF8(fonts_[index], text.c_str(), &w, &h) == 0) return {0, 0, w, h};
  const int block = kBlockSizes[index];
  return {0, 0, static_cast<int>(text.size()) * 4 * block - block, 5 * block};
}

void TextRenderer::draw(const std::string& text, int x, int y, TextSize size, Align align,
                        SDL_Color color) {
  if (text.empty()) return;
  const int index = static_cast<int>(size);
  if (!using_ttf()) {
    draw_blocks(text, x, y, size, align, color);
    return;
  }
  const auto key = std::make_tuple(text, index, packed(color));
  auto it = cache_.find(key);
  if (it == cache_.end()) {
    if (cache_.size() >= kCacheMax) {
      for (auto& [k, cached] : cache_) SDL_DestroyTexture(cached.texture);
      cache_.clear();
    }
    SDL_Surface* surface = TTF_RenderUTF8_Blended(fonts_[index], text.c_str(), color);
    if (surface == nullptr) {
      draw_blocks(text, x, y, size, align, color);
      return;
    }
    Cached cached{SDL_CreateTextureFromSurface(renderer_, surface), surface->w, surface->h};
    SDL_FreeSurface(surface);
    if (cached.texture == nullptr) return;
    it = cache_.emplace(key, cached).first;
  }
  const SDL_Rect dst{aligned_x(x, it->second.w, align), y, it->second.w, it->second.h};
  SDL_RenderCopy(renderer_, it->second.texture, nullptr, &dst);
}

void TextRenderer::draw_blocks(const std::string& text, int x, int y, TextSize size, Align align,
                               SDL_Color color) {
  const int block = kBlockSizes[static_cast<int>(size)];
  const int advance = 4 * block;  // Three blocks and a gap.
  const int width = static_cast<int>(text.size()) * advance - block;
  int pen = aligned_x(x, width, align);
  SDL_SetRenderDrawColor(renderer_, color.r, color.g, color.b, color.a);
  for (const char c : text) {
    if (const char* rows = glyph_rows(c); rows != nullptr) {
      for (int i = 0; i < 15; ++i) {
        if (rows[i] != '1') continue;
        const SDL_Rect r{pen + (i % 3) * block, y + (i / 3) * block, block, block};
        SDL_RenderFillRect(renderer_, &r);
      }
    }
    pen += advance;
  }
}

}  // namespace dp::client
