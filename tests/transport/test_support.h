// Helpers shared by the transport tests: a bounded event-loop runner and a random
// high discovery port, so concurrent test runs on one host rarely share a port.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

#include <asio/io_context.hpp>

namespace dp::test {

// Loopback only: every test in this folder stays on 127.0.0.0/8.
constexpr const char* kLoopbackBroadcast = "127.255.255.255";
constexpr std::uint32_t kLoopbackIp = 0x7f000001;

// Runs `io` in 5 ms slices until `done()` holds or `limit` has passed (so every test is
// bounded). Returns done().
template <class Pred>
bool run_until(asio::io_context& io, Pred done,
               std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(std::chrono::milliseconds(5));
  }
  return done();
}

// Runs `io` for `duration`, whatever happens.
inline void run_for(asio::io_context& io, std::chrono::milliseconds duration) {
  run_until(
      io, [] { return false; }, duration);
}

// A random port in [20000, 32000): below Linux's ephemeral range and away from the
// defaults, so it does not collide with sockets bound to port 0 or with a real server.
inline std::uint16_t random_discovery_port() {
  std::random_device device;
  return static_cast<std::uint16_t>(20000 + device() % 12000);
}

}  // namespace dp::test
