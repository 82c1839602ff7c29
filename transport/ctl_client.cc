#include "transport/ctl_client.h"

#include <array>
#include <chrono>
#include <map>
#include <random>

#include <asio.hpp>

#include "core/security/datagram_auth.h"
#include "core/wire/codec.h"
#include "transport/asio_udp_transport.h"
#include "transport/server_options.h"

namespace dp {
namespace {

NodeId random_id() {
  std::random_device rd;
  const auto word = [&] { return (static_cast<std::uint64_t>(rd()) << 32) | rd(); };
  return NodeId{0, word() | 1u};
}

std::uint64_t wall_clock_us() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

constexpr int kAttempts = 3;  // Per request, within the timeout.

}  // namespace

struct CtlClient::Impl {
  CtlOptions options;
  asio::io_context io;
  std::unique_ptr<AsioUdpTransport> udp;
  NodeId self = random_id();
  std::uint64_t next_nonce = 1;
  std::unique_ptr<DatagramAuth> auth;  // With a key: seals every request.
  bool keyed_cluster = false;
  std::array<std::uint8_t, wire::kMaxDatagramSize + Outbox::kMaxSealBytes> buf{};
  // What arrived, for the call that waits for it.
  std::map<NodeId, CtlServer> discovered;
  std::map<std::uint64_t, std::pair<wire::Header, wire::Message>> answers;

  void send_request(const CtlServer& to, wire::CtlCommand command, const NodeId& target,
                    std::uint64_t nonce) {
    wire::CtlRequest request;
    request.command = static_cast<std::uint8_t>(command);
    request.target = target;
    request.nonce = nonce;
    // Unkeyed, a server answers nothing larger than the question.
    if (!auth) {
      for (std::size_t i = 0; i < wire::kCtlRequestPadding; ++i) request.padding.push_back(0);
    }
    auto size = wire::encode(self, Epoch{}, request, std::span(buf).first(wire::kMaxDatagramSize));
    if (!size) return;
    const std::size_t total = auth ? auth->seal(std::span(buf), *size) : *size;
    udp->send(Channel::kClient, to.control, std::span(buf.data(), total));
  }

  // Runs the loop until `done` holds or `deadline` passes.
  template <class Done>
  void run_until(std::chrono::steady_clock::time_point deadline, Done done) {
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(5));
      if (io.stopped()) io.restart();
    }
  }
  std::chrono::steady_clock::duration attempt_span() const {
    return std::chrono::microseconds(options.timeout_us / kAttempts);
  }

  // Sends one request (retried) and waits for the answer with its nonce.
  std::optional<std::pair<wire::Header, wire::Message>> ask(const CtlServer& to,
                                                            wire::CtlCommand command,
                                                            const NodeId& target) {
    const std::uint64_t nonce = next_nonce++;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
      send_request(to, command, target, nonce);
      run_until(std::chrono::steady_clock::now() + attempt_span(),
                [&] { return answers.count(nonce) != 0; });
      if (auto it = answers.find(nonce); it != answers.end()) {
        auto answer = it->second;
        answers.erase(it);
        return answer;
      }
      // A move-leader or drain is not repeated: the first may have arrived, its answer lost.
      if (command != wire::CtlCommand::kStatus) break;
    }
    return std::nullopt;
  }

  void on_datagram(Endpoint from, std::span<const std::uint8_t> bytes) {
    wire::Decoded d;
    if (wire::decode_into(DatagramAuth::split(bytes).message, d)) return;
    if (const auto* m = std::get_if<wire::DiscoverResponse>(&d.body)) {
      if (m->control != from || m->role == static_cast<std::uint8_t>(wire::Role::kClient)) return;
      discovered[d.header.sender] = CtlServer{d.header.sender, m->control};
      keyed_cluster = keyed_cluster || m->sessions == 1;
    } else if (const auto* s = std::get_if<wire::CtlStatus>(&d.body)) {
      answers[s->nonce] = {d.header, d.body};
    } else if (const auto* r = std::get_if<wire::CtlResult>(&d.body)) {
      answers[r->nonce] = {d.header, d.body};
    }
  }
};

CtlClient::CtlClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CtlClient::~CtlClient() {
  if (impl_ && impl_->udp) impl_->udp->close();
}

Result<std::unique_ptr<CtlClient>, std::string> CtlClient::open(const CtlOptions& options) {
  using R = Result<std::unique_ptr<CtlClient>, std::string>;
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  UdpTransportConfig config;
  config.server = false;
  config.discovery_port = options.discovery_port;
  config.client_port = 0;
  config.discovery_address = options.discovery_address;
  auto opened = AsioUdpTransport::open(impl->io, config);
  if (!opened) return R::failure("cannot open a socket: " + opened.error().message);
  impl->udp = std::move(*opened);
  if (!options.keys.empty()) {
    // The boot stamp is the wall clock: a later run is a newer boot to the replay windows.
    impl->auth = std::make_unique<DatagramAuth>(static_cast<std::uint8_t>(options.mode),
                                                options.keys, wall_clock_us());
  }
  Impl* raw = impl.get();
  impl->udp->start_receiving([raw](Channel, Endpoint from, std::span<const std::uint8_t> bytes) {
    raw->on_datagram(from, bytes);
  });
  return std::unique_ptr<CtlClient>(new CtlClient(std::move(impl)));
}

bool CtlClient::cluster_keyed() const { return impl_->keyed_cluster; }

Result<std::vector<CtlServer>, std::string> CtlClient::discover() {
  using R = Result<std::vector<CtlServer>, std::string>;
  Impl& m = *impl_;
  if (!m.options.servers.empty()) {
    std::vector<CtlServer> listed;
    for (const Endpoint& e : m.options.servers) listed.push_back(CtlServer{NodeId{}, e});
    return listed;
  }
  const auto request = wire::client_discover_request(m.udp->local_endpoints().client);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(m.options.timeout_us);
  // Ask twice: a lost broadcast must not hide a server.
  for (int round = 0; round < 2; ++round) {
    if (auto size = wire::encode(m.self, Epoch{}, request, m.buf)) {
      m.udp->broadcast(Channel::kClient, m.options.discovery_port, std::span(m.buf.data(), *size));
    }
    m.run_until(std::min(deadline, std::chrono::steady_clock::now() +
                                       std::chrono::microseconds(m.options.timeout_us / 2)),
                [] { return false; });
  }
  if (m.discovered.empty()) {
    return R::failure("no server answered a discovery broadcast to " + m.options.discovery_address +
                      ":" + std::to_string(m.options.discovery_port));
  }
  std::vector<CtlServer> found;
  for (const auto& [id, server] : m.discovered) found.push_back(server);
  return found;
}

Result<ServerStatus, std::string> CtlClient::status_of(const CtlServer& server) {
  using R = Result<ServerStatus, std::string>;
  auto answer = impl_->ask(server, wire::CtlCommand::kStatus, {});
  if (!answer) return R::failure("no status from " + server.control.str());
  const auto* status = std::get_if<wire::CtlStatus>(&answer->second);
  if (status == nullptr) return R::failure("a wrong answer from " + server.control.str());
  return ServerStatus{CtlServer{answer->first.sender, server.control}, answer->first.epoch,
                      *status};
}

std::vector<ServerStatus> CtlClient::statuses(const std::vector<CtlServer>& servers) {
  std::vector<ServerStatus> out;
  for (const CtlServer& s : servers) {
    if (auto status = status_of(s)) out.push_back(*status);
  }
  std::sort(out.begin(), out.end(),
            [](const ServerStatus& a, const ServerStatus& b) { return a.server.id < b.server.id; });
  return out;
}

Result<CtlReply, std::string> CtlClient::request(const CtlServer& server, wire::CtlCommand command,
                                                 const NodeId& target) {
  using R = Result<CtlReply, std::string>;
  auto answer = impl_->ask(server, command, target);
  if (!answer) return R::failure("no answer from " + server.control.str());
  const auto* result = std::get_if<wire::CtlResult>(&answer->second);
  if (result == nullptr) return R::failure("a wrong answer from " + server.control.str());
  return CtlReply{static_cast<wire::CtlOutcome>(result->outcome),
                  std::string(result->detail.view())};
}

std::optional<NodeId> match_server_id(const std::vector<CtlServer>& servers,
                                      const std::string& text) {
  if (auto id = parse_node_id(text)) {
    for (const CtlServer& s : servers) {
      if (s.id == *id) return s.id;
    }
  }
  std::optional<NodeId> found;
  for (const CtlServer& s : servers) {
    if (s.id.short_str() == text || s.id.str() == text) {
      if (found) return std::nullopt;
      found = s.id;
    }
  }
  return found;
}

}  // namespace dp
