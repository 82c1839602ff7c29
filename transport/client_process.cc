#include "transport/client_process.h"

#include <chrono>
#include <csignal>
#include <exception>
#include <functional>
#include <mutex>

#include <asio.hpp>

#include "core/services/pong/bot.h"
#include "core/services/racing/bot.h"
#include "transport/asio_udp_transport.h"
#include "transport/client_log.h"
#include "transport/logger.h"
#include "transport/node_driver.h"
#include "transport/process_entropy.h"

namespace dp {
namespace {

// Forwards to the real transport and calls `after` once the driver has handled each received
// datagram, so the view and the log see every accepted state the moment it is accepted.
class ObservedTransport final : public Transport {
 public:
  ObservedTransport(Transport& inner, std::function<void()> after)
      : inner_(inner), after_(std::move(after)) {}

  LocalEndpoints local_endpoints() const override { return inner_.local_endpoints(); }
  bool has_channel(Channel channel) const override { return inner_.has_channel(channel); }
  SendStatus send(Channel from, Endpoint to, std::span<const std::uint8_t> bytes) override {
    return inner_.send(from, to, bytes);
  }
  SendStatus broadcast(Channel from, std::uint16_t port,
                       std::span<const std::uint8_t> bytes) override {
    return inner_.broadcast(from, port, bytes);
  }
  void start_receiving(ReceiveHandler handler) override {
    inner_.start_receiving(
        [this, handler = std::move(handler)](Channel channel, Endpoint from,
                                             std::span<const std::uint8_t> bytes) {
          handler(channel, from, bytes);
          after_();
        });
  }
  void close() override { inner_.close(); }
  const TransportStats& stats() const override { return inner_.stats(); }

 private:
  Transport& inner_;
  std::function<void()> after_;
};

}  // namespace

struct ClientSession::Impl {
  explicit Impl(const ClientSetup& s)
      : setup(s),
        logger(LogLevel::kInfo),
        log(logger),
        refresh_timer(io),
        end_timer(io),
        timeout_timer(io),
        signals(io) {}

  // Runs on the loop thread after every input the node got.
  void observed() {
    if (ended) return;
    const TimeUs mono_us = monotonic_now_us();
    log.observe(*node, mono_us);
    bool changed = false;
    {
      std::lock_guard<std::mutex> lock(view_mutex);
      if (node->shown() != nullptr && node->shown_position() != last_position) {
        last_position = node->shown_position();
        if (view.recent.size() >= kRecentStatesMax) view.recent.erase(view.recent.begin());
        view.recent.push_back(TimedState{*node->shown(), last_position, mono_us, {}});
        if (node->shown_race() != nullptr) view.recent.back().race = *node->shown_race();
        changed = true;
      }
      if (view.phase != node->phase() || view.leader_epoch != node->leader_epoch() ||
          view.leader_client != node->leader_client() ||
          view.result.has_value() != node->result().has_value() ||
          view.rehomes != node->stats().rehomes ||
          view.leaderboard.has_value() != node->leaderboard().has_value() ||
          (view.leaderboard && view.leaderboard->result != node->leaderboard()->result) ||
          view.race_board.has_value() != node->race_board().has_value() ||
          (view.race_board && view.race_board->result != node->race_board()->result)) {
        view.phase = node->phase();
        view.leader_epoch = node->leader_epoch();
        view.leader_client = node->leader_client();
        view.result = node->result();
        view.leaderboard = node->leaderboard();
        view.race_board = node->race_board();
        view.rehomes = node->stats().rehomes;
        changed = true;
      }
      if (changed) ++view.version;
    }
    if (node->result() && !result_handled) {
      result_handled = true;
      if (setup.quit_after_match) {
        end_after(kQuitLingerUs, kClientExitOk, "quit-after-match");
      } else if (setup.bot && setup.headless) {
        end_timer.expires_after(std::chrono::microseconds(kPlayAgainDelayUs));
        end_timer.async_wait([this](const asio::error_code& ec) {
          if (!ec) do_play_again();
        });
      }
    }
  }

  void do_play_again() {
    if (ended) return;
    result_handled = false;
    driver->apply([this](TimeUs now) { node->play_again(now); });
    log.line(monotonic_now_us(), "play-again", "");
    observed();
  }

  void end_after(TimeUs delay_us, int code, const std::string& why) {
    end_timer.expires_after(std::chrono::microseconds(delay_us));
    end_timer.async_wait([this, code, why](const asio::error_code& ec) {
      if (!ec) end(code, why);
    });
  }

  void end(int code, const std::string& why) {
    if (ended) return;
    driver->apply([this](TimeUs now) { node->leave(now); });
    ended = true;
    exit_code.store(code);
    const ClientStats& s = node->stats();
    log.line(monotonic_now_us(), "exit",
             "why=" + why + " code=" + std::to_string(code) + " states_accepted=" +
                 std::to_string(s.states_accepted) + " rehomes=" + std::to_string(s.rehomes) +
                 " rediscoveries=" + std::to_string(s.rediscoveries) +
                 " rebuilt_clusters=" + std::to_string(s.clusters_changed) +
                 " rejected=" + std::to_string(s.datagrams_rejected) +
                 " longest_stall_ms=" + std::to_string(node->longest_stall_us() / kUsPerMs) +
                 " score_went_backwards=" + (node->score_went_backwards() ? "yes" : "no"));
    driver->stop();
    refresh_timer.cancel();
    end_timer.cancel();
    timeout_timer.cancel();
    asio::error_code ignored;
    signals.cancel(ignored);
    transport->close();
    {
      std::lock_guard<std::mutex> lock(view_mutex);
      view.ended = true;
      ++view.version;
    }
  }

  void arm_refresh() {
    refresh_timer.expires_after(std::chrono::microseconds(kRefreshIntervalUs));
    refresh_timer.async_wait([this](const asio::error_code& ec) {
      if (ec || ended) return;
      observed();
      arm_refresh();
    });
  }

  void start() {
    driver->start();
    observed();
    arm_refresh();
    if (setup.timeout_us) {
      timeout_timer.expires_after(std::chrono::microseconds(*setup.timeout_us));
      timeout_timer.async_wait([this](const asio::error_code& ec) {
        if (!ec) end(kClientExitTimeout, "timeout");
      });
    }
  }

  int loop() {
    try {
      io.run();
    } catch (const std::exception& e) {
      logger.error(std::string("event loop failed: ") + e.what());
      exit_code.store(kClientExitFailed);
      std::lock_guard<std::mutex> lock(view_mutex);
      view.ended = true;
      ++view.version;
    }
    return exit_code.load();
  }

  ClientSetup setup;
  Logger logger;
  ClientLog log;
  asio::io_context io;
  std::unique_ptr<AsioUdpTransport> udp;
  std::unique_ptr<ObservedTransport> transport;
  std::unique_ptr<ClientNode> node;
  std::unique_ptr<NodeDriver> driver;
  asio::steady_timer refresh_timer;
  asio::steady_timer end_timer;  // Quit linger or the next play-again.
  asio::steady_timer timeout_timer;
  asio::signal_set signals;

  std::atomic<std::int8_t> direction{0};
  std::atomic<int> exit_code{kClientExitOk};
  bool ended = false;  // Loop thread only.
  bool result_handled = false;
  StatePosition last_position;

  mutable std::mutex view_mutex;
  ClientView view;  // Guarded by view_mutex.
};

Result<std::unique_ptr<ClientSession>, std::string> ClientSession::open(const ClientSetup& setup) {
  using R = Result<std::unique_ptr<ClientSession>, std::string>;
  auto impl = std::make_unique<Impl>(setup);
  if (!setup.log_file.empty()) {
    if (const std::string error = impl->logger.open_file(setup.log_file); !error.empty()) {
      return R::failure(error);
    }
  }
  auto opened = AsioUdpTransport::open(impl->io, setup.udp);
  if (!opened) return R::failure("cannot open the client socket: " + opened.error().message);
  impl->udp = std::move(*opened);
  Impl* raw = impl.get();
  impl->transport = std::make_unique<ObservedTransport>(*impl->udp, [raw] { raw->observed(); });

  ClientConfig config = setup.node;
  config.session_seed = random_session_seed();
  config.endpoints = impl->udp->local_endpoints();
  config.endpoints.discovery_port = setup.udp.discovery_port;
  impl->node = std::make_unique<ClientNode>(config);
  impl->view.game = config.game;
  impl->view.spectating = config.spectate;
  if (setup.bot) {
    const int skill = setup.skill;
    impl->node->set_input_policy(
        [skill](const wire::RoomState& shown, std::uint8_t slot, Rng& rng) {
          return pong::bot_direction(shown, slot, skill, rng);
        });
    impl->node->set_race_policy([skill](const wire::RaceState& shown, std::uint8_t slot, Rng& rng) {
      return racing::bot_steering(shown, slot, skill, rng);
    });
  } else {
    impl->node->set_input_policy(
        [raw](const wire::RoomState&, std::uint8_t, Rng&) { return raw->direction.load(); });
  }
  impl->driver =
      std::make_unique<NodeDriver>(impl->io, *impl->node, *impl->transport, DriverCallbacks{});
  impl->log.line(monotonic_now_us(), "start",
                 "id=" + config.id.short_str() + " client=" + config.endpoints.client.str() +
                     " discovery=" + ipv4_str(impl->udp->discovery_ip()) + ":" +
                     std::to_string(config.endpoints.discovery_port) + " room=" +
                     (setup.node.room_name.empty() ? std::string("(any)") : setup.node.room_name) +
                     " input=" + (setup.bot ? "bot/" + std::to_string(setup.skill) : "player"));
  return std::unique_ptr<ClientSession>(new ClientSession(std::move(impl)));
}

ClientSession::ClientSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ClientSession::~ClientSession() { quit(); }

int ClientSession::run() {
  Impl* impl = impl_.get();
  impl->signals.add(SIGINT);
  impl->signals.add(SIGTERM);
  impl->signals.async_wait([impl](const asio::error_code& ec, int signal_number) {
    if (!ec) impl->end(kClientExitOk, signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  });
  impl->start();
  return impl->loop();
}

void ClientSession::start_background() {
  Impl* impl = impl_.get();
  impl->start();
  thread_ = std::thread([impl] { impl->loop(); });
}

ClientView ClientSession::view() const {
  std::lock_guard<std::mutex> lock(impl_->view_mutex);
  return impl_->view;
}

void ClientSession::set_direction(std::int8_t direction) { impl_->direction.store(direction); }

void ClientSession::play_again() {
  Impl* impl = impl_.get();
  asio::post(impl->io, [impl] { impl->do_play_again(); });
}

void ClientSession::quit() {
  if (!impl_) return;
  Impl* impl = impl_.get();
  // Only a background loop needs stopping from here; run() returns on its own.
  if (thread_.joinable()) {
    asio::post(impl->io, [impl] { impl->end(kClientExitOk, "quit"); });
    thread_.join();
  }
}

int ClientSession::exit_code() const { return impl_->exit_code.load(); }

std::string ClientSession::discovery_str() const {
  return ipv4_str(impl_->udp->discovery_ip()) + ":" +
         std::to_string(impl_->setup.udp.discovery_port);
}

}  // namespace dp
