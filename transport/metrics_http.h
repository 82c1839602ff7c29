// A minimal HTTP/1.0 responder for Prometheus: GET /metrics on a TCP port, answered with the
// text the caller renders, then the connection is closed. Everything else gets 404 (another
// path), 405 (another method) or 400 (no request line).
//
// It runs on the server's io_context thread, like the node, so rendering reads the node's
// counters without locks. It is bounded: a request may be at most kMaxRequestBytes and must
// arrive within kRequestTimeout; at most kMaxConnections are served at once, and a connection
// beyond that is closed at once. Prometheus scrapes once every few seconds; nothing here needs
// to be faster than that.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "core/common/result.h"

namespace dp {

class MetricsHttpServer {
 public:
  static constexpr std::size_t kMaxRequestBytes = 4096;
  static constexpr std::chrono::seconds kRequestTimeout{5};
  static constexpr int kMaxConnections = 8;

  using Render = std::function<std::string()>;

  // Listens on address:port (port 0: any free port). The error names the address.
  static Result<std::unique_ptr<MetricsHttpServer>, std::string> open(asio::io_context& io,
                                                                      const std::string& address,
                                                                      std::uint16_t port,
                                                                      Render render);
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;
  ~MetricsHttpServer();

  std::uint16_t port() const { return port_; }
  // Requests answered, whatever their path or status.
  std::uint64_t requests() const { return requests_; }
  // Stops accepting; connections in progress finish. Idempotent.
  void close();

  // The answer to one request's bytes (the head, up to the blank line): status line, headers
  // and body. `render` is called only for GET /metrics. Public for the tests.
  static std::string respond(const std::string& request, const Render& render);

 private:
  struct Connection;
  MetricsHttpServer(asio::io_context& io, Render render);
  void accept();

  asio::io_context& io_;
  asio::ip::tcp::acceptor acceptor_;
  Render render_;
  std::uint16_t port_ = 0;
  std::uint64_t requests_ = 0;
  int connections_ = 0;
  // Expires with the server, so completions still queued on the io_context do nothing.
  std::shared_ptr<bool> alive_;
};

}  // namespace dp
