// Basic value types shared by every layer: node identity, endpoints, epochs and time.
// Everything here is plain data with total ordering, so it can live in ordered containers
// and be compared deterministically.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace dp {

// Time is always passed in by the driver; core/ never reads a clock.
using TimeUs = std::int64_t;
constexpr TimeUs kUsPerMs = 1000;
constexpr TimeUs kUsPerSecond = 1000 * 1000;

// A 128-bit node identity. Bully election orders nodes by this id.
struct NodeId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  bool is_nil() const { return hi == 0 && lo == 0; }
  auto operator<=>(const NodeId&) const = default;
  // Short form for logs: the last 8 hex digits.
  std::string short_str() const;
  std::string str() const;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(hi, lo);
  }
};

// An IPv4 endpoint. In the simulator the addresses are virtual.
struct Endpoint {
  std::uint32_t ip = 0;  // Host byte order.
  std::uint16_t port = 0;

  bool is_unset() const { return ip == 0 && port == 0; }
  auto operator<=>(const Endpoint&) const = default;
  std::string str() const;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(ip, port);
  }
};

// An epoch names one leadership: a term number and the leader that claimed it, ordered
// lexicographically like a Paxos ballot. Two sides of a partition may both pick term 5, but
// never the same (term, leader) pair, so "two leaders in one epoch" is a real bug, not a race.
struct Epoch {
  std::uint64_t term = 0;
  NodeId leader;

  bool is_none() const { return term == 0; }
  auto operator<=>(const Epoch&) const = default;
  std::string str() const;  // e.g. "3/a1b2c3d4"

  template <class Archive>
  void serialize(Archive& ar) {
    ar(term, leader);
  }
};

// Which socket of a node a datagram arrives on or leaves from.
enum class Channel : std::uint8_t { kDiscovery = 0, kControl = 1, kClient = 2 };
const char* channel_name(Channel channel);

// Default UDP ports, as in the seed.
constexpr std::uint16_t kDefaultDiscoveryPort = 50000;
constexpr std::uint16_t kDefaultControlPort = 50010;
constexpr std::uint16_t kDefaultClientPort = 50020;
// The chat cluster's own (pong-chat): a separate fault domain, so separate ports.
constexpr std::uint16_t kDefaultChatDiscoveryPort = 50001;
constexpr std::uint16_t kDefaultChatControlPort = 50011;
constexpr std::uint16_t kDefaultChatClientPort = 50021;

std::string ipv4_str(std::uint32_t ip);

}  // namespace dp
