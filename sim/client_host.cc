#include "sim/client_host.h"

#include <memory>

#include "core/client/client_node.h"
#include "core/services/pong/bot.h"
#include "core/services/racing/bot.h"

namespace dp::sim {

NodeFactory bot_client_factory(int skill_percent, const std::string& room, int matches,
                               TimeUs rematch_after_us, Game game, bool spectate) {
  return [skill_percent, room, matches, rematch_after_us, game, spectate](
             const HostSpec& spec, const Disk&, std::uint64_t seed) -> std::unique_ptr<Node> {
    ClientConfig config;
    config.id = spec.id;
    config.endpoints = spec.endpoints;
    config.room_name = room;
    config.player_name = spec.name;
    config.matches = matches;
    config.rematch_after_us = rematch_after_us;
    config.seed = seed;
    config.game = game;
    config.spectate = spectate;
    auto client = std::make_unique<ClientNode>(config);
    client->set_input_policy(
        [skill_percent](const wire::RoomState& shown, std::uint8_t my_slot, Rng& rng) {
          return pong::bot_direction(shown, my_slot, skill_percent, rng);
        });
    client->set_race_policy(
        [skill_percent](const wire::RaceState& shown, std::uint8_t my_slot, Rng& rng) {
          return racing::bot_steering(shown, my_slot, skill_percent, rng);
        });
    return client;
  };
}

}  // namespace dp::sim
