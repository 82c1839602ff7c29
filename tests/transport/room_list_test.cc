// The lobby's room list over real UDP on loopback: three servers carrying both games, a
// waiting Pong player and a waiting racer seated through real sockets, and fetch_live_rooms
// asking the cluster from another socket, as the lobby screen does.
#include "transport/room_list.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <memory>
#include <thread>

#include <asio.hpp>

#include "core/client/client_node.h"
#include "core/cluster/server_node.h"
#include "core/services/games.h"
#include "tests/transport/test_support.h"
#include "transport/asio_udp_transport.h"
#include "transport/node_driver.h"

namespace dp {
namespace {

struct Host {
  std::unique_ptr<AsioUdpTransport> transport;
  std::unique_ptr<Node> node;
  std::unique_ptr<NodeDriver> driver;
};

TEST(RoomList, TheLobbyListsEveryGamesLiveRooms) {
  asio::io_context io;
  const std::uint16_t port = test::random_discovery_port();
  std::array<Host, 5> hosts;
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const bool server = i < 3;
    UdpTransportConfig udp;
    udp.server = server;
    udp.discovery_port = port;
    udp.control_port = 0;
    udp.client_port = 0;
    udp.discovery_address = test::kLoopbackBroadcast;
    auto opened = AsioUdpTransport::open(io, udp);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    Host& h = hosts[i];
    h.transport = std::move(*opened);
    if (server) {
      ServerConfig config;
      config.id = NodeId{0xb000 + i, 0x1157 + i};
      config.seed = 7 + i;
      config.endpoints = h.transport->local_endpoints();
      h.node = std::make_unique<ServerNode>(config, game_services({}));
    } else {
      ClientConfig config;
      config.id = NodeId{0, 0xc11e + i};
      config.seed = 9 + i;
      config.endpoints = h.transport->local_endpoints();
      config.endpoints.discovery_port = port;
      config.game = i == 3 ? Game::kPong : Game::kRacing;
      config.room_name = i == 3 ? "pong-room" : "race-room";
      config.player_name = i == 3 ? "ann" : "bob";
      h.node = std::make_unique<ClientNode>(config);
    }
    h.driver = std::make_unique<NodeDriver>(io, *h.node, *h.transport, DriverCallbacks{});
  }
  for (Host& h : hosts) h.driver->start();
  std::atomic<bool> stop{false};
  std::thread loop([&] {
    while (!stop) io.run_for(std::chrono::milliseconds(20));
  });
  RoomListQuery query;
  query.discovery_address = test::kLoopbackBroadcast;
  query.discovery_port = port;
  std::vector<LiveRoom> rooms;
  for (int attempt = 0; attempt < 20 && rooms.size() < 2; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    auto fetched = fetch_live_rooms(query);
    if (fetched.ok()) rooms = *fetched;
  }
  stop = true;
  loop.join();
  ASSERT_EQ(rooms.size(), 2u);
  const LiveRoom& pong = rooms[0].game == Game::kPong ? rooms[0] : rooms[1];
  const LiveRoom& race = rooms[0].game == Game::kPong ? rooms[1] : rooms[0];
  EXPECT_EQ(pong.name, "pong-room");
  EXPECT_EQ(pong.players, 1);
  EXPECT_EQ(pong.seats, 2);
  EXPECT_EQ(pong.phase, "waiting");
  EXPECT_EQ(race.name, "race-room");
  EXPECT_EQ(race.game, Game::kRacing);
  EXPECT_EQ(race.seats, 4);
  EXPECT_EQ(race.players, 1);
}

TEST(RoomList, NoClusterIsAClearError) {
  RoomListQuery query;
  query.discovery_address = test::kLoopbackBroadcast;
  query.discovery_port = test::random_discovery_port();
  query.timeout_us = 200 * kUsPerMs;
  const auto fetched = fetch_live_rooms(query);
  ASSERT_FALSE(fetched.ok());
  EXPECT_NE(fetched.error().find("no server answered"), std::string::npos) << fetched.error();
}

}  // namespace
}  // namespace dp
