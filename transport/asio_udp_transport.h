// The Transport over real UDP sockets, on standalone Asio.
//
// A server node has three sockets:
//   - discovery: the shared broadcast port (default 50000), bound to 0.0.0.0 with
//     SO_REUSEADDR and SO_BROADCAST set before bind, so several servers on one host all
//     receive every discovery broadcast. Unicast to a shared port reaches only one of them,
//     which is why each node advertises its own control and client endpoints;
//   - control (default 50010) and client (default 50020): exclusive, port 0 picks an
//     ephemeral port (tests run many servers on one host that way).
// A client node has one socket (the client channel, usually an ephemeral port) and
// broadcasts to the discovery port.
//
// Sockets are non-blocking: a send that would block is dropped and counted, as UDP may do
// anyway. Every receive buffer is kTransportMaxDatagramBytes. All callbacks run on the
// io_context's thread. The io_context must outlive the transport.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <asio/io_context.hpp>

#include "core/common/result.h"
#include "transport/transport.h"

namespace dp {

struct UdpTransportConfig {
  // A server opens discovery, control and client sockets; a client only its client socket.
  bool server = true;
  std::uint16_t discovery_port = kDefaultDiscoveryPort;  // Must be non-zero.
  std::uint16_t control_port = kDefaultControlPort;      // 0: ephemeral.
  std::uint16_t client_port = kDefaultClientPort;        // 0: ephemeral (usual for clients).
  // Where broadcasts go. 255.255.255.255 reaches the local subnet; 127.255.255.255 keeps a
  // whole cluster on one host.
  std::string discovery_address = "255.255.255.255";
  // The unicast IP this node tells its peers. Empty: advertise_ip_for(discovery address).
  std::string advertise_ip;
};

struct TransportError {
  std::string message;
};

// Parses dotted-quad IPv4 text into a host-order address.
Result<std::uint32_t, TransportError> parse_ipv4(std::string_view text);

// The unicast IP to advertise when none is configured: 127.0.0.1 when the discovery address
// is in 127.0.0.0/8, otherwise the address of the interface the kernel routes the discovery
// address through (found by connecting a UDP socket, which sends nothing). Falls back to
// 127.0.0.1 if there is no such route.
std::uint32_t advertise_ip_for(std::uint32_t discovery_ip, std::uint16_t discovery_port);

class AsioUdpTransport final : public Transport {
 public:
  // Opens and binds the sockets. Fails with a readable message (e.g. "control port 50010:
  // Address already in use") instead of throwing.
  static Result<std::unique_ptr<AsioUdpTransport>, TransportError> open(
      asio::io_context& io, const UdpTransportConfig& config);

  ~AsioUdpTransport() override;
  AsioUdpTransport(const AsioUdpTransport&) = delete;
  AsioUdpTransport& operator=(const AsioUdpTransport&) = delete;

  LocalEndpoints local_endpoints() const override;
  bool has_channel(Channel channel) const override;
  SendStatus send(Channel from, Endpoint to, std::span<const std::uint8_t> bytes) override;
  SendStatus broadcast(Channel from, std::uint16_t port,
                       std::span<const std::uint8_t> bytes) override;
  void start_receiving(ReceiveHandler handler) override;
  void close() override;
  const TransportStats& stats() const override;

  // The broadcast address in use (host order).
  std::uint32_t discovery_ip() const;

 private:
  struct Impl;
  explicit AsioUdpTransport(std::shared_ptr<Impl> impl);
  // Shared so that receive completions still queued after destruction can see it is gone.
  std::shared_ptr<Impl> impl_;
};

}  // namespace dp
