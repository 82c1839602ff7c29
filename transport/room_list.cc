#include "transport/room_list.h"

#include <array>
#include <chrono>
#include <optional>
#include <random>

#include <asio.hpp>

#include "core/security/session.h"
#include "core/wire/codec.h"
#include "transport/asio_udp_transport.h"
#include "transport/process_entropy.h"

namespace dp {
namespace {

const char* phase_name(std::uint8_t phase) {
  switch (phase) {
    case 0:
      return "waiting";
    case 1:
      return "countdown";
    case 2:
      return "playing";
    case 3:
      return "game-over";
    default:
      return "closed";
  }
}

template <class List>
void add_rooms(Game game, const List& list, std::vector<LiveRoom>& out) {
  for (const wire::RoomSummary& s : list.rooms) {
    LiveRoom r;
    r.game = game;
    r.room = s.room;
    r.name = std::string(s.name.view());
    r.players = s.players;
    r.seats = game == Game::kRacing ? 4 : 2;
    r.phase = phase_name(s.phase);
    for (const std::uint16_t score : s.scores) {
      r.score += (r.score.empty() ? "" : "-") + std::to_string(score);
    }
    out.push_back(std::move(r));
  }
}

NodeId random_id() {
  std::random_device rd;
  const auto word = [&] { return (static_cast<std::uint64_t>(rd()) << 32) | rd(); };
  return NodeId{0, word() | 1u};
}

}  // namespace

Result<std::vector<LiveRoom>, std::string> fetch_live_rooms(const RoomListQuery& query) {
  using R = Result<std::vector<LiveRoom>, std::string>;
  asio::io_context io;
  UdpTransportConfig config;
  config.server = false;
  config.discovery_port = query.discovery_port;
  config.client_port = 0;
  config.discovery_address = query.discovery_address;
  auto opened = AsioUdpTransport::open(io, config);
  if (!opened) return R::failure("cannot open a socket: " + opened.error().message);
  AsioUdpTransport& udp = **opened;
  const NodeId self = random_id();
  std::array<std::uint8_t, wire::kMaxDatagramSize + Outbox::kMaxSealBytes> buf{};
  std::optional<Endpoint> server;
  // A keyed cluster lists its rooms only within a session (core/security/session.h).
  SessionSealer session;
  auto send = [&](Endpoint to, const auto& msg) {
    if (auto size =
            wire::encode(self, Epoch{}, msg, std::span(buf).first(wire::kMaxDatagramSize))) {
      std::size_t total = *size;
      if (session.established()) total = session.seal(buf, *size);
      udp.send(Channel::kClient, to, std::span(buf.data(), total));
    }
  };
  auto ask_lists = [&](std::uint64_t client_id) {
    send(*server, wire::ListRooms{client_id});
    send(*server, wire::RaceListRooms{client_id});
  };

  bool pong_answered = false;
  bool racing_answered = false;
  std::vector<LiveRoom> rooms;
  wire::Decoded decoded;
  udp.start_receiving([&](Channel, Endpoint from, std::span<const std::uint8_t> bytes) {
    if (wire::decode_into(bytes, decoded)) return;
    if (const auto* m = std::get_if<wire::DiscoverResponse>(&decoded.body)) {
      // The first server that answers lists its rooms (a follower's replica is as good).
      if (server || m->client.is_unset() || m->control != from) return;
      server = m->client;
      if (m->sessions == 0) {
        ask_lists(self.lo);
      } else {
        session.reset(random_session_seed(), 1);
        send(*server, session.request());
      }
    } else if (const auto* grant = std::get_if<wire::SessionGrant>(&decoded.body)) {
      if (server && from == *server && !session.established() && session.accept(*grant)) {
        ask_lists(session.client_id());
      }
    } else if (const auto* list = std::get_if<wire::RoomList>(&decoded.body)) {
      if (pong_answered) return;
      pong_answered = true;
      add_rooms(Game::kPong, *list, rooms);
    } else if (const auto* race_list = std::get_if<wire::RaceRoomList>(&decoded.body)) {
      if (racing_answered) return;
      racing_answered = true;
      add_rooms(Game::kRacing, *race_list, rooms);
    }
  });
  const auto request = wire::client_discover_request(udp.local_endpoints().client);
  if (auto size = wire::encode(self, Epoch{}, request, buf)) {
    udp.broadcast(Channel::kClient, query.discovery_port, std::span(buf.data(), *size));
  }
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(query.timeout_us);
  while (!(pong_answered && racing_answered) && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(10));
    if (io.stopped()) io.restart();
  }
  udp.close();
  if (!server)
    return R::failure("no server answered on port " + std::to_string(query.discovery_port));
  if (!pong_answered && !racing_answered) return R::failure("the server did not list its rooms");
  return rooms;
}

}  // namespace dp
