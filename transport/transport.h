// The Transport interface: how a driver moves a node's datagrams in and out.
//
// A node (core/common/node.h) never touches sockets; its driver owns a Transport and carries
// out the node's outbox through it. Two implementations fit this shape: the Asio UDP
// transport (asio_udp_transport.h) for real hosts, and the deterministic emulator (sim/),
// which can implement the same calls by queueing events on its virtual clock.
//
// Shape:
//   - a node has up to three local sockets, named by Channel (discovery, control, client);
//   - send() is unicast from one of those sockets to an Endpoint;
//   - broadcast() sends from one of those sockets to every listener on a discovery port
//     (the transport knows the broadcast address; the node names only the port);
//   - received datagrams are pushed to one handler as (channel, from, bytes);
//   - local_endpoints() reports what is really bound (port 0 resolved) with the unicast IP
//     the node should advertise to its peers.
// Errors are values (SendStatus); nothing here throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

#include "core/common/node.h"
#include "core/common/outbox.h"
#include "core/common/types.h"

namespace dp {

// Largest datagram a transport passes in either direction, in bytes. The protocol's own
// limit is 1200 (Outbox::kMaxDatagram); the margin lets oversized hostile datagrams reach the
// node's decoder, which counts and rejects them, instead of vanishing silently.
constexpr std::size_t kTransportMaxDatagramBytes = 2048;

enum class SendStatus : std::uint8_t {
  kOk = 0,
  kNoSuchChannel,  // This transport has no socket for the channel (e.g. a client's control).
  kTooLarge,       // Over kTransportMaxDatagramBytes.
  kWouldBlock,     // The socket's send buffer is full; the datagram was dropped.
  kFailed,         // Any other socket error; the datagram was dropped.
};
const char* send_status_name(SendStatus status);

// Counters a transport keeps about itself. Monotonic.
struct TransportStats {
  std::uint64_t datagrams_sent = 0;
  std::uint64_t send_errors = 0;  // Every send() or broadcast() that did not return kOk.
  std::uint64_t datagrams_received = 0;
  std::uint64_t receive_errors = 0;  // Socket errors on receive (the socket keeps receiving).
};

class Transport {
 public:
  // Receives one datagram. The bytes are untrusted and valid only during the call.
  using ReceiveHandler =
      std::function<void(Channel channel, Endpoint from, std::span<const std::uint8_t> bytes)>;

  virtual ~Transport() = default;

  // The endpoints actually bound (port 0 resolved to the real port), carrying the unicast IP
  // peers should use, and the port discovery broadcasts go to. Channels this transport does
  // not have are left unset.
  virtual LocalEndpoints local_endpoints() const = 0;
  virtual bool has_channel(Channel channel) const = 0;

  // Unicast from the socket of `from` to `to`.
  virtual SendStatus send(Channel from, Endpoint to, std::span<const std::uint8_t> bytes) = 0;
  // Broadcast from the socket of `from` to every listener on `port` that the transport's
  // broadcast domain reaches.
  virtual SendStatus broadcast(Channel from, std::uint16_t port,
                               std::span<const std::uint8_t> bytes) = 0;

  // Starts delivering received datagrams to `handler`, from the driver's event loop (never
  // from another thread). Replaces any earlier handler.
  virtual void start_receiving(ReceiveHandler handler) = 0;
  // Stops receiving and closes the sockets; later sends return kNoSuchChannel.
  virtual void close() = 0;

  virtual const TransportStats& stats() const = 0;
};

// Carries out the datagrams of one drained outbox: broadcast ones go to
// broadcast(d.from, d.to.port), the rest to send(d.from, d.to). Returns how many failed.
// Events and persistence are the driver's business, not the transport's.
std::size_t send_outbox(Transport& transport, const Outbox& outbox);

}  // namespace dp
