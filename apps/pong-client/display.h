// The process's one SDL2 window, kept open from the lobby through every session: the
// renderer, the text, the canvas, the first game controller, and saving a frame for
// scripts/screenshot.sh. Each screen sets the logical size it draws in; the window scales it
// with letterboxing.
#pragma once

#include <SDL.h>

#include <memory>
#include <string>

#include "apps/pong-client/canvas.h"
#include "apps/pong-client/text.h"

namespace dp::client {

class Display {
 public:
  Display() = default;
  ~Display();
  Display(const Display&) = delete;
  Display& operator=(const Display&) = delete;

  // Initialises SDL and opens the window; prints why not and returns false on failure.
  bool open(int window_width, int window_height);
  // The logical size the next frames are drawn in.
  void set_logical_size(int width, int height);
  // Resizes the window (a screen of another shape), unless the user chose its size.
  void fit_window(int window_width, int window_height);
  void set_user_sized() { user_sized_ = true; }

  SDL_Renderer* renderer() { return renderer_; }
  TextRenderer& text() { return *text_; }
  Canvas& canvas() { return *canvas_; }
  SDL_GameController* controller() { return controller_; }
  // Opens or closes the controller on SDL_CONTROLLERDEVICEADDED/REMOVED.
  void on_controller_event(const SDL_Event& event);
  // Saves the frame drawn (before it is presented) as BMP.
  bool save_screenshot(const std::string& path);

 private:
  void open_first_controller();

  bool sdl_initialised_ = false;
  bool user_sized_ = false;
  SDL_Window* window_ = nullptr;
  SDL_Renderer* renderer_ = nullptr;
  SDL_GameController* controller_ = nullptr;
  std::unique_ptr<TextRenderer> text_;
  std::unique_ptr<Canvas> canvas_;
};

}  // namespace dp::client
