#include "transport/chat_session.h"

#include <chrono>
#include <functional>
#include <mutex>

#include <asio.hpp>

#include "transport/client_log.h"
#include "transport/node_driver.h"
#include "transport/process_entropy.h"

namespace dp {
namespace {

constexpr auto kRefreshInterval = std::chrono::milliseconds(20);

}  // namespace

ChatSessionSetup chat_session_setup(const std::string& discovery_address,
                                    std::uint16_t discovery_port, const NodeId& id,
                                    std::uint64_t seed, const std::string& name,
                                    const std::string& channel) {
  ChatSessionSetup setup;
  setup.udp.server = false;
  setup.udp.discovery_port = discovery_port;
  setup.udp.client_port = 0;
  setup.udp.discovery_address = discovery_address;
  setup.node.id = id;
  setup.node.seed = seed;
  setup.node.session_seed = random_session_seed();
  setup.node.name = name;
  setup.node.channel = channel;
  return setup;
}

struct ChatSession::Impl {
  explicit Impl(const ChatSessionSetup& s) : setup(s), refresh_timer(io) {}

  void refresh() {
    const TimeUs now = driver->now();
    std::lock_guard<std::mutex> lock(view_mutex);
    ChatView v;
    v.version = view.version;
    v.connected = node->connected(now);
    if (v.connected) last_connected_us = now;
    v.unavailable_for_us = v.connected ? 0 : now - last_connected_us;
    v.channel = node->channel();
    const auto& lines = node->lines();
    const std::size_t skip = lines.size() > kLinesInView ? lines.size() - kLinesInView : 0;
    v.lines.assign(lines.begin() + static_cast<std::ptrdiff_t>(skip), lines.end());
    v.outgoing.assign(node->outgoing().begin(), node->outgoing().end());
    v.lines_taken = node->stats().lines;
    v.queued = node->queued();
    v.acked = node->acked();
    v.leader = node->leader_epoch();
    v.client_id = node->client_id();
    v.stats = node->stats();
    const bool changed =
        v.connected != view.connected || v.lines_taken != view.lines_taken ||
        v.acked != view.acked || v.queued != view.queued || v.channel != view.channel ||
        v.lines.size() != view.lines.size() || v.leader != view.leader ||
        (v.unavailable_for_us / kUsPerSecond) != (view.unavailable_for_us / kUsPerSecond);
    if (changed) ++v.version;
    view = std::move(v);
  }

  void arm_refresh() {
    refresh_timer.expires_after(kRefreshInterval);
    refresh_timer.async_wait([this](const asio::error_code& ec) {
      if (ec || stopped) return;
      refresh();
      arm_refresh();
    });
  }

  // Runs `input` on the loop thread with the node's clock, then shows the result.
  void post(std::function<void(TimeUs)> input) {
    asio::post(io, [this, input = std::move(input)] {
      if (stopped) return;
      driver->apply(input);
      refresh();
    });
  }

  ChatSessionSetup setup;
  asio::io_context io;
  std::unique_ptr<AsioUdpTransport> udp;
  std::unique_ptr<ChatClient> node;
  std::unique_ptr<NodeDriver> driver;
  asio::steady_timer refresh_timer;
  bool stopped = false;  // Loop thread only.
  TimeUs last_connected_us = 0;
  TimeUs offset_us = 0;
  mutable std::mutex view_mutex;
  ChatView view;
};

Result<std::unique_ptr<ChatSession>, std::string> ChatSession::open(const ChatSessionSetup& setup) {
  using R = Result<std::unique_ptr<ChatSession>, std::string>;
  auto impl = std::make_unique<Impl>(setup);
  auto opened = AsioUdpTransport::open(impl->io, setup.udp);
  if (!opened) return R::failure("cannot open the chat socket: " + opened.error().message);
  impl->udp = std::move(*opened);
  ChatClientConfig config = setup.node;
  config.endpoints = impl->udp->local_endpoints();
  config.endpoints.discovery_port = setup.udp.discovery_port;
  impl->node = std::make_unique<ChatClient>(config);
  impl->driver = std::make_unique<NodeDriver>(impl->io, *impl->node, *impl->udp, DriverCallbacks{});
  impl->offset_us = monotonic_now_us() - impl->driver->now();
  return std::unique_ptr<ChatSession>(new ChatSession(std::move(impl)));
}

ChatSession::ChatSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ChatSession::~ChatSession() { quit(); }

void ChatSession::start() {
  Impl* impl = impl_.get();
  impl->driver->start();
  impl->refresh();
  impl->arm_refresh();
  thread_ = std::thread([impl] { impl->io.run(); });
}

ChatView ChatSession::view() const {
  std::lock_guard<std::mutex> lock(impl_->view_mutex);
  return impl_->view;
}

void ChatSession::send(std::string text) {
  impl_->post([this, text = std::move(text)](TimeUs now) { impl_->node->send(now, text); });
}

void ChatSession::switch_channel(std::string channel) {
  impl_->post([this, channel = std::move(channel)](TimeUs now) {
    impl_->node->switch_channel(now, channel);
  });
}

void ChatSession::request_older() {
  impl_->post([this](TimeUs now) { impl_->node->request_older(now); });
}

void ChatSession::quit() {
  if (!impl_ || !thread_.joinable()) return;
  Impl* impl = impl_.get();
  asio::post(impl->io, [impl] {
    impl->stopped = true;
    impl->refresh_timer.cancel();
    impl->driver->stop();
    impl->udp->close();
  });
  thread_.join();
}

const ChatClient& ChatSession::client() const { return *impl_->node; }

TimeUs ChatSession::monotonic_offset_us() const { return impl_->offset_us; }

}  // namespace dp
