#include "transport/metrics_http.h"

#include <string_view>
#include <utility>

#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>

#include "transport/prometheus_text.h"

namespace dp {

struct MetricsHttpServer::Connection : std::enable_shared_from_this<Connection> {
  Connection(asio::io_context& io, MetricsHttpServer& server)
      : socket(io), timer(io), request(kMaxRequestBytes), owner(server), alive(server.alive_) {}

  void start() {
    timer.expires_after(kRequestTimeout);
    timer.async_wait([self = shared_from_this()](const asio::error_code& ec) {
      if (!ec) {
        asio::error_code ignored;
        self->socket.close(ignored);
      }
    });
    asio::async_read_until(socket, request, "\r\n\r\n",
                           [self = shared_from_this()](const asio::error_code& ec, std::size_t) {
                             self->on_request(ec);
                           });
  }

  void on_request(const asio::error_code& ec) {
    if (alive.expired()) return;
    timer.cancel();
    if (ec && ec != asio::error::not_found) {
      finish();  // Closed early, timed out, or sent more than kMaxRequestBytes.
      return;
    }
    const auto data = request.data();
    const std::string head(asio::buffers_begin(data), asio::buffers_end(data));
    ++owner.requests_;
    response = respond(ec ? std::string() : head, owner.render_);
    asio::async_write(socket, asio::buffer(response),
                      [self = shared_from_this()](const asio::error_code&, std::size_t) {
                        asio::error_code ignored;
                        self->socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
                        self->socket.close(ignored);
                        self->finish();
                      });
  }

  void finish() {
    if (finished || alive.expired()) return;
    finished = true;
    --owner.connections_;
  }

  asio::ip::tcp::socket socket;
  asio::steady_timer timer;
  asio::streambuf request;
  std::string response;
  MetricsHttpServer& owner;
  std::weak_ptr<bool> alive;
  bool finished = false;
};

MetricsHttpServer::MetricsHttpServer(asio::io_context& io, Render render)
    : io_(io), acceptor_(io), render_(std::move(render)), alive_(std::make_shared<bool>(true)) {}

MetricsHttpServer::~MetricsHttpServer() {
  close();
  alive_.reset();
}

Result<std::unique_ptr<MetricsHttpServer>, std::string> MetricsHttpServer::open(
    asio::io_context& io, const std::string& address, std::uint16_t port, Render render) {
  using R = Result<std::unique_ptr<MetricsHttpServer>, std::string>;
  const std::string where = address + ":" + std::to_string(port);
  asio::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address, ec);
  if (ec) return R::failure("--metrics-address " + address + " is not an IP address");
  std::unique_ptr<MetricsHttpServer> server(new MetricsHttpServer(io, std::move(render)));
  const asio::ip::tcp::endpoint endpoint(ip, port);
  asio::ip::tcp::acceptor& a = server->acceptor_;
  // Asio's error_code overloads return void in this version: check ec after each step.
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return R::failure("cannot serve metrics on " + where + ": " + ec.message());
  server->port_ = a.local_endpoint(ec).port();
  server->accept();
  return server;
}

void MetricsHttpServer::close() {
  asio::error_code ignored;
  acceptor_.close(ignored);
}

void MetricsHttpServer::accept() {
  auto connection = std::make_shared<Connection>(io_, *this);
  std::weak_ptr<bool> token = alive_;
  acceptor_.async_accept(connection->socket, [this, token, connection](const asio::error_code& ec) {
    if (token.expired() || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (connections_ >= kMaxConnections) {
        asio::error_code ignored;
        connection->socket.close(ignored);
      } else {
        ++connections_;
        connection->start();
      }
    }
    if (acceptor_.is_open()) accept();
  });
}

std::string MetricsHttpServer::respond(const std::string& request, const Render& render) {
  const auto reply = [](std::string_view status, std::string_view type, const std::string& body) {
    std::string out = "HTTP/1.0 ";
    out += status;
    out += "\r\nContent-Type: ";
    out += type;
    out += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    out += body;
    return out;
  };
  const std::string_view head(request);
  const std::size_t line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const std::size_t first_space = line.find(' ');
  const std::size_t second_space =
      first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
  if (line_end == std::string_view::npos || second_space == std::string_view::npos ||
      !line.substr(second_space + 1).starts_with("HTTP/")) {
    return reply("400 Bad Request", "text/plain", "bad request\n");
  }
  const std::string_view method = line.substr(0, first_space);
  std::string_view target = line.substr(first_space + 1, second_space - first_space - 1);
  target = target.substr(0, target.find('?'));  // Prometheus adds no query; others may.
  if (method != "GET" && method != "HEAD") {
    return reply("405 Method Not Allowed", "text/plain", "only GET\n");
  }
  if (target != "/metrics") {
    return reply("404 Not Found", "text/plain", "metrics are at /metrics\n");
  }
  std::string out = reply("200 OK", kPrometheusTextContentType, render());
  if (method == "HEAD") out.resize(out.find("\r\n\r\n") + 4);
  return out;
}

}  // namespace dp
