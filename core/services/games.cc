#include "core/services/games.h"

namespace dp {

std::vector<std::unique_ptr<Service>> game_services(const pong::PongConfig& pong,
                                                    const racing::RacingConfig& racing) {
  std::vector<std::unique_ptr<Service>> services = pong::pong_services(pong);
  racing::RacingConfig config = racing;
  config.forfeit_timeout_us = pong.forfeit_timeout_us;
  services.push_back(std::make_unique<racing::RacingService>(config));
  return services;
}

}  // namespace dp
