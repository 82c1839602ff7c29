#include "core/services/games.h"

namespace dp {

std::vector<std::unique_ptr<Service>> game_services(const pong::PongConfig& pong) {
  std::vector<std::unique_ptr<Service>> services = pong::pong_services(pong);
  racing::RacingConfig racing;
  racing.forfeit_timeout_us = pong.forfeit_timeout_us;
  services.push_back(std::make_unique<racing::RacingService>(racing));
  return services;
}

}  // namespace dp
