// The games a server's log carries: Pong and racing, side by side on one log.
#pragma once

#include <memory>
#include <vector>

#include "core/replication/service.h"
#include "core/services/pong/service.h"
#include "core/services/racing/service.h"

namespace dp {

std::vector<std::unique_ptr<Service>> game_services(const pong::PongConfig& pong,
                                                    const racing::RacingConfig& racing = {});

}  // namespace dp
