#include "apps/pong-client/display.h"

#include <cstdio>

namespace dp::client {

Display::~Display() {
  canvas_.reset();
  text_.reset();
  if (controller_ != nullptr) SDL_GameControllerClose(controller_);
  if (renderer_ != nullptr) SDL_DestroyRenderer(renderer_);
  if (window_ != nullptr) SDL_DestroyWindow(window_);
  if (sdl_initialised_) SDL_Quit();
}

bool Display::open(int window_width, int window_height) {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_GAMECONTROLLER) != 0) {
    std::fprintf(stderr, "pong-client: SDL_Init: %s\n", SDL_GetError());
    return false;
  }
  sdl_initialised_ = true;
  SDL_SetHint(SDL_HINT_RENDER_SCALE_QUALITY, "linear");
  window_ = SDL_CreateWindow("Distributed Pong", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED,
                             window_width, window_height, SDL_WINDOW_RESIZABLE);
  if (window_ == nullptr) {
    std::fprintf(stderr, "pong-client: SDL_CreateWindow: %s\n", SDL_GetError());
    return false;
  }
  renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_ACCELERATED | SDL_RENDERER_PRESENTVSYNC);
  if (renderer_ == nullptr) renderer_ = SDL_CreateRenderer(window_, -1, SDL_RENDERER_SOFTWARE);
  if (renderer_ == nullptr) {
    std::fprintf(stderr, "pong-client: SDL_CreateRenderer: %s\n", SDL_GetError());
    return false;
  }
  SDL_SetRenderDrawBlendMode(renderer_, SDL_BLENDMODE_BLEND);
  text_ = std::make_unique<TextRenderer>(renderer_, TextRenderer::kDefaultFont);
  if (!text_->using_ttf()) {
    std::fprintf(stderr, "pong-client: %s not usable; using the drawn font\n",
                 TextRenderer::kDefaultFont);
  }
  open_first_controller();
  return true;
}

void Display::set_logical_size(int width, int height) {
  SDL_RenderSetLogicalSize(renderer_, width, height);
  if (!canvas_ || canvas_->width() != width) {
    canvas_ = std::make_unique<Canvas>(renderer_, *text_, width);
  }
}

void Display::fit_window(int window_width, int window_height) {
  if (user_sized_ || window_ == nullptr) return;
  int w = 0;
  int h = 0;
  SDL_GetWindowSize(window_, &w, &h);
  if (w != window_width || h != window_height)
    SDL_SetWindowSize(window_, window_width, window_height);
}

void Display::open_first_controller() {
  if (controller_ != nullptr) return;
  for (int i = 0; i < SDL_NumJoysticks(); ++i) {
    if (!SDL_IsGameController(i)) continue;
    controller_ = SDL_GameControllerOpen(i);
    if (controller_ != nullptr) return;
  }
}

void Display::on_controller_event(const SDL_Event& event) {
  if (event.type == SDL_CONTROLLERDEVICEADDED) {
    open_first_controller();
  } else if (event.type == SDL_CONTROLLERDEVICEREMOVED && controller_ != nullptr &&
             event.cdevice.which ==
                 SDL_JoystickInstanceID(SDL_GameControllerGetJoystick(controller_))) {
    SDL_GameControllerClose(controller_);
    controller_ = nullptr;
    open_first_controller();
  }
}

bool Display::save_screenshot(const std::string& path) {
  int w = 0;
  int h = 0;
  SDL_GetRendererOutputSize(renderer_, &w, &h);
  SDL_Surface* surface = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_BGR24);
  if (surface == nullptr) return false;
  const bool ok = SDL_RenderReadPixels(renderer_, nullptr, SDL_PIXELFORMAT_BGR24, surface->pixels,
                                       surface->pitch) == 0 &&
                  SDL_SaveBMP(surface, path.c_str()) == 0;
  if (!ok) std::fprintf(stderr, "pong-client: screenshot: %s\n", SDL_GetError());
  SDL_FreeSurface(surface);
  if (ok) std::printf("pong-client: saved %s (%dx%d)\n", path.c_str(), w, h);
  return ok;
}

}  // namespace dp::client
