#include "transport/asio_udp_transport.h"

#include <array>
#include <optional>
#include <utility>

#include <asio.hpp>

namespace dp {
namespace {

using asio::ip::udp;

constexpr std::size_t kChannelCount = 3;

std::size_t index_of(Channel channel) { return static_cast<std::size_t>(channel); }

udp::endpoint to_asio(std::uint32_t ip, std::uint16_t port) {
  return {asio::ip::address_v4(ip), port};
}

std::optional<Endpoint> from_asio(const udp::endpoint& ep) {
  if (!ep.address().is_v4()) return std::nullopt;
  return Endpoint{ep.address().to_v4().to_uint(), ep.port()};
}

std::string describe(const char* what, std::uint16_t port, const asio::error_code& ec) {
  return std::string(what) + " port " + std::to_string(port) + ": " + ec.message();
}

}  // namespace

Result<std::uint32_t, TransportError> parse_ipv4(std::string_view text) {
  asio::error_code ec;
  const auto address = asio::ip::make_address_v4(std::string(text), ec);
  if (ec) {
    return Result<std::uint32_t, TransportError>::failure(
        {"not an IPv4 address: '" + std::string(text) + "'"});
  }
  return address.to_uint();
}

std::uint32_t advertise_ip_for(std::uint32_t discovery_ip, std::uint16_t discovery_port) {
  constexpr std::uint32_t kLoopback = 0x7f000001;
  if ((discovery_ip >> 24) == 127) return kLoopback;
  // Connecting a UDP socket only asks the kernel for a route; no datagram leaves the host.
  asio::io_context io;
  udp::socket probe(io);
  asio::error_code ec;
  probe.open(udp::v4(), ec);
  if (ec) return kLoopback;
  probe.set_option(asio::socket_base::broadcast(true), ec);
  probe.connect(to_asio(discovery_ip, discovery_port == 0 ? 9 : discovery_port), ec);
  if (ec) return kLoopback;
  const udp::endpoint local = probe.local_endpoint(ec);
  if (ec || !local.address().is_v4() || local.address().is_unspecified()) return kLoopback;
  return local.address().to_v4().to_uint();
}

struct AsioUdpTransport::Impl : std::enable_shared_from_this<AsioUdpTransport::Impl> {
  struct Socket {
    explicit Socket(asio::io_context& io) : socket(io) {}
    udp::socket socket;
    udp::endpoint sender;
    // Receive buffer, kTransportMaxDatagramBytes; longer datagrams arrive truncated, which
    // still exceeds the protocol limit and is rejected by the node.
    std::array<std::uint8_t, kTransportMaxDatagramBytes> buffer{};
  };

  explicit Impl(asio::io_context& context) : io(context) {}

  asio::io_context& io;
  UdpTransportConfig config;
  std::uint32_t discovery_ip = 0;
  std::uint32_t advertised_ip = 0;
  std::array<std::unique_ptr<Socket>, kChannelCount> sockets;
  ReceiveHandler handler;
  TransportStats stats;
  bool receiving = false;

  Socket* socket_for(Channel channel) {
    const std::size_t i = index_of(channel);
    if (i >= kChannelCount || !sockets[i] || !sockets[i]->socket.is_open()) return nullptr;
    return sockets[i].get();
  }

  std::optional<std::string> open_socket(Channel channel, std::uint16_t port, bool shared) {
    auto s = std::make_unique<Socket>(io);
    asio::error_code ec;
    const char* name = channel_name(channel);
    s->socket.open(udp::v4(), ec);
    if (ec) return describe(name, port, ec);
    // Options first: SO_REUSEADDR only counts if set before bind.
    if (shared) {
      s->socket.set_option(asio::socket_base::reuse_address(true), ec);
      if (ec) return describe(name, port, ec);
#if defined(SO_REUSEPORT) && !defined(__linux__)
      // BSD and macOS deliver broadcasts to every socket on a port only with SO_REUSEPORT.
      // Linux delivers them to every SO_REUSEADDR socket, and there SO_REUSEPORT would
      // load-balance unicast instead, so it is not set.
      using reuse_port = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
      s->socket.set_option(reuse_port(true), ec);
      if (ec) return describe(name, port, ec);
#endif
    }
    s->socket.set_option(asio::socket_base::broadcast(true), ec);
    if (ec) return describe(name, port, ec);
    s->socket.bind(udp::endpoint(asio::ip::address_v4::any(), port), ec);
    if (ec) return describe(name, port, ec);
    s->socket.non_blocking(true, ec);
    if (ec) return describe(name, port, ec);
    sockets[index_of(channel)] = std::move(s);
    return std::nullopt;
  }

  std::uint16_t bound_port(Channel channel) const {
    const auto& s = sockets[index_of(channel)];
    if (!s || !s->socket.is_open()) return 0;
    asio::error_code ec;
    const udp::endpoint local = s->socket.local_endpoint(ec);
    return ec ? 0 : local.port();
  }

  void receive_next(Channel channel) {
    Socket* s = socket_for(channel);
    if (s == nullptr) return;
    std::weak_ptr<Impl> weak = weak_from_this();
    s->socket.async_receive_from(asio::buffer(s->buffer), s->sender,
                                 [weak, channel](const asio::error_code& ec, std::size_t size) {
                                   // The transport may be gone or closed; then there is nothing
                                   // left to do.
                                   if (ec == asio::error::operation_aborted) return;
                                   const std::shared_ptr<Impl> self = weak.lock();
                                   if (!self) return;
                                   self->on_received(channel, ec, size);
                                 });
  }

  void on_received(Channel channel, const asio::error_code& ec, std::size_t size) {
    Socket* s = socket_for(channel);
    if (s == nullptr || !receiving) return;
    if (ec) {
      // E.g. ECONNREFUSED from an ICMP reply to an earlier send; the socket stays usable.
      ++stats.receive_errors;
    } else if (const auto from = from_asio(s->sender)) {
      ++stats.datagrams_received;
      if (handler) handler(channel, *from, std::span<const std::uint8_t>(s->buffer.data(), size));
    }
    // Exactly one receive is outstanding per socket at any time.
    receive_next(channel);
  }

  SendStatus send_to(Channel from, const udp::endpoint& to, std::span<const std::uint8_t> bytes) {
    Socket* s = socket_for(from);
    SendStatus status = SendStatus::kOk;
    if (s == nullptr) {
      status = SendStatus::kNoSuchChannel;
    } else if (bytes.size() > kTransportMaxDatagramBytes) {
      status = SendStatus::kTooLarge;
    } else {
      asio::error_code ec;
      s->socket.send_to(asio::buffer(bytes.data(), bytes.size()), to, 0, ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        status = SendStatus::kWouldBlock;
      } else if (ec) {
        status = SendStatus::kFailed;
      }
    }
    if (status == SendStatus::kOk) {
      ++stats.datagrams_sent;
    } else {
      ++stats.send_errors;
    }
    return status;
  }

  void close_all() {
    receiving = false;
    for (auto& s : sockets) {
      if (!s) continue;
      asio::error_code ignored;
      s->socket.close(ignored);
    }
  }
};

Result<std::unique_ptr<AsioUdpTransport>, TransportError> AsioUdpTransport::open(
    asio::io_context& io, const UdpTransportConfig& config) {
  using R = Result<std::unique_ptr<AsioUdpTransport>, TransportError>;
  if (config.discovery_port == 0) return R::failure({"discovery port must not be 0"});
  const auto discovery_ip = parse_ipv4(config.discovery_address);
  if (!discovery_ip) {
    return R::failure({"discovery address: " + discovery_ip.error().message});
  }
  auto impl = std::make_shared<Impl>(io);
  impl->config = config;
  impl->discovery_ip = *discovery_ip;
  if (config.advertise_ip.empty()) {
    impl->advertised_ip = advertise_ip_for(*discovery_ip, config.discovery_port);
  } else {
    const auto advertised = parse_ipv4(config.advertise_ip);
    if (!advertised) return R::failure({"advertise IP: " + advertised.error().message});
    impl->advertised_ip = *advertised;
  }
  std::optional<std::string> error;
  if (config.server) {
    error = impl->open_socket(Channel::kDiscovery, config.discovery_port, /*shared=*/true);
    if (!error) error = impl->open_socket(Channel::kControl, config.control_port, false);
  }
  if (!error) error = impl->open_socket(Channel::kClient, config.client_port, false);
  if (error) {
    impl->close_all();
    return R::failure({*error});
  }
  return std::unique_ptr<AsioUdpTransport>(new AsioUdpTransport(std::move(impl)));
}

AsioUdpTransport::AsioUdpTransport(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

AsioUdpTransport::~AsioUdpTransport() { impl_->close_all(); }

LocalEndpoints AsioUdpTransport::local_endpoints() const {
  LocalEndpoints out;
  out.discovery_port = impl_->config.discovery_port;
  const auto endpoint_of = [&](Channel channel) {
    const std::uint16_t port = impl_->bound_port(channel);
    return port == 0 ? Endpoint{} : Endpoint{impl_->advertised_ip, port};
  };
  out.discovery = endpoint_of(Channel::kDiscovery);
  out.control = endpoint_of(Channel::kControl);
  out.client = endpoint_of(Channel::kClient);
  return out;
}

bool AsioUdpTransport::has_channel(Channel channel) const {
  return impl_->socket_for(channel) != nullptr;
}

SendStatus AsioUdpTransport::send(Channel from, Endpoint to, std::span<const std::uint8_t> bytes) {
  return impl_->send_to(from, to_asio(to.ip, to.port), bytes);
}

SendStatus AsioUdpTransport::broadcast(Channel from, std::uint16_t port,
                                       std::span<const std::uint8_t> bytes) {
  return impl_->send_to(from, to_asio(impl_->discovery_ip, port), bytes);
}

void AsioUdpTransport::start_receiving(ReceiveHandler handler) {
  impl_->handler = std::move(handler);
  if (impl_->receiving) return;  // Receives are already outstanding.
  impl_->receiving = true;
  for (std::size_t i = 0; i < kChannelCount; ++i) impl_->receive_next(static_cast<Channel>(i));
}

void AsioUdpTransport::close() { impl_->close_all(); }

const TransportStats& AsioUdpTransport::stats() const { return impl_->stats; }

std::uint32_t AsioUdpTransport::discovery_ip() const { return impl_->discovery_ip; }

}  // namespace dp
