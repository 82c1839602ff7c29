// libFuzzer target: client sessions (core/security/session.h) on a keyed server. Three
// clients hold sessions (two from the cluster key, one from the previous key, as during a
// rotation) and an outsider holds one from another cluster; the input is a list of records
// [op][a][b], each one client request: sealed properly, or naming another client, with a bit
// flipped, truncated, lengthened, replayed, from the outsider, or with a trailer made of
// input bytes. Each goes to a SessionIssuer of the same cluster and, as a datagram, to a keyed
// ServerNode's client socket.
//
// Oracles (abort on failure): a properly sealed request passes exactly once (a copy of one
// that passed is refused as replayed); every other request is refused; the server counts a
// refusal for each refused request and none for a request that passed; and whatever the
// bytes, the server's role, epoch and highest term do not move.
#include <sodium.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/security/session.h"
#include "core/services/pong/service.h"
#include "core/wire/codec.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/server_fuzz.h"

namespace {

using namespace dp;

ClusterKey key_of(std::uint8_t fill) {
  ClusterKey k{};
  k.fill(fill);
  return k;
}
SessionSeed seed_of(std::uint8_t fill) {
  SessionSeed s{};
  s.fill(fill);
  return s;
}

struct Sent {
  std::vector<std::uint8_t> bytes;
  std::size_t message = 0;  // Header and body; the rest is the trailer.
  std::uint64_t client_id = 0;
  bool passed = false;
};

std::vector<std::uint8_t> sealed_input(SessionSealer& by, std::uint64_t client_id,
                                       std::uint32_t seq, std::size_t& message) {
  std::vector<std::uint8_t> room(Outbox::kMaxDatagram + Outbox::kMaxSealBytes);
  wire::Input input;
  input.client_id = client_id;
  input.room = 1;
  input.input_seq = seq;
  message = *wire::encode(NodeId{0, 77}, Epoch{}, input, room);
  room.resize(by.seal(room, message));
  return room;
}

std::uint64_t refusals(const ServerNode& node) { return node.stats().datagrams_rejected; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ClusterKeys keys;
  keys.primary = key_of(1);
  keys.previous = key_of(2);
  SessionIssuer checker(keys, seed_of(9), 1);

  ServerConfig config;
  config.id = NodeId{0, 5};
  config.keys = keys;
  config.endpoints.control = Endpoint{0x7f000005, 50010};
  config.endpoints.client = Endpoint{0x7f000005, 50020};
  ServerNode node(config, pong::pong_services(pong::PongConfig{}));
  node.start(0);
  fuzz::drain(node);
  const Epoch epoch = node.known_epoch();
  const std::uint64_t term = node.highest_term();

  // Sessions: clients 0 and 1 from the cluster key, 2 from the previous one, 3 an outsider.
  std::array<SessionSealer, 4> clients;
  ClusterKeys previous_only;
  previous_only.primary = key_of(2);
  ClusterKeys outsider;
  outsider.primary = key_of(3);
  SessionIssuer old_issuer(previous_only, seed_of(10), 1);
  SessionIssuer other_cluster(outsider, seed_of(11), 1);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i].reset(seed_of(static_cast<std::uint8_t>(20 + i)), 1);
    SessionIssuer& from = i < 2 ? checker : i == 2 ? old_issuer : other_cluster;
    auto grant = from.grant(clients[i].request());
    FUZZ_CHECK(grant.has_value() && clients[i].accept(*grant));
  }

  std::vector<Sent> history;
  TimeUs now = 0;
  for (std::size_t pos = 0; pos + 3 <= size && history.size() < 128; pos += 3) {
    const std::uint8_t op = data[pos] % 8;
    const std::uint8_t a = data[pos + 1];
    const std::uint8_t b = data[pos + 2];
    SessionSealer& client = clients[a % 3];
    Sent s;
    bool proper = false;
    switch (op) {
      case 0:  // Properly sealed.
        s.client_id = client.client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        proper = true;
        break;
      case 1:  // A session speaking for another client.
        s.client_id = clients[(a + 1) % 3].client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        break;
      case 2: {  // A bit flipped anywhere.
        s.client_id = client.client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        const std::size_t bit = (std::size_t{a} * 256 + b) % (s.bytes.size() * 8);
        s.bytes[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        break;
      }
      case 3:  // Truncated.
        s.client_id = client.client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        s.bytes.resize(s.bytes.size() - 1 - b % (s.bytes.size() - s.message));
        break;
      case 4:  // Lengthened.
        s.client_id = client.client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        s.bytes.insert(s.bytes.end(), 1 + b % 8, a);
        break;
      case 5:  // A copy of an earlier one.
        if (history.empty()) continue;
        s = history[(std::size_t{a} * 256 + b) % history.size()];
        s.passed = false;
        break;
      case 6:  // From another cluster's session.
        s.client_id = clients[3].client_id();
        s.bytes = sealed_input(clients[3], s.client_id, b, s.message);
        break;
      case 7: {  // A trailer of input bytes after a proper message.
        s.client_id = client.client_id();
        s.bytes = sealed_input(client, s.client_id, b, s.message);
        for (std::size_t i = s.message; i < s.bytes.size(); ++i) {
          s.bytes[i] = data[(pos + i) % size];
        }
        break;
      }
    }
    const std::span<const std::uint8_t> message(s.bytes.data(), s.message);
    const std::span<const std::uint8_t> trailer(s.bytes.data() + s.message,
                                                s.bytes.size() - s.message);
    const auto error = checker.verify(message, trailer, s.client_id);
    if (proper) {
      FUZZ_CHECK(!error.has_value());
    } else if (op == 5) {
      // A copy: refused as replayed if the original passed, else refused as it was.
      const bool original_passed = [&] {
        for (const Sent& h : history) {
          if (h.bytes == s.bytes) return h.passed;
        }
        return false;
      }();
      FUZZ_CHECK(error.has_value());
      if (original_passed) FUZZ_CHECK(*error == SessionError::kReplayed);
    } else if (op == 7 && !error.has_value()) {
      // The input bytes happened to be the proper trailer: only possible as a copy of one.
      FUZZ_CHECK(false);
    } else {
      FUZZ_CHECK(error.has_value());
    }
    s.passed = !error.has_value();

    // The same datagram at a keyed server: refused and counted exactly when the checker
    // refused it (same cluster keys; its own cache and windows), and its state unmoved.
    now += 1000;
    if (node.next_tick_at() <= now) node.on_tick(now);
    fuzz::drain(node);
    const std::uint64_t before = refusals(node);
    node.on_datagram(now, Channel::kClient, Endpoint{0x7f000009, 40000}, s.bytes);
    fuzz::drain(node);
    FUZZ_CHECK(refusals(node) == before + (s.passed ? 0 : 1));
    FUZZ_CHECK(node.highest_term() <= term + 1);
    FUZZ_CHECK(node.known_epoch() == epoch || node.is_leader());
    history.push_back(std::move(s));
  }
  return 0;
}
