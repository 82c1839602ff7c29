// A tiny test-only node for exercising the emulator without the cluster protocol.
//
// It follows a script of sends at fixed times (driven by its ticks), records every datagram
// it receives and, if `echo` is set, sends each payload back to its sender from its control
// socket. On start it persists highest_term = (what it was given) + 1, so tests can see the
// simulator's "disk" survive a crash. The payload's first byte serves as the message kind.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "core/common/node.h"

namespace dp::sim::testing {

struct Received {
  TimeUs at = 0;
  Channel channel = Channel::kControl;
  Endpoint from;
  std::vector<std::uint8_t> payload;
};

struct ScriptedSend {
  TimeUs at = 0;
  Channel from = Channel::kControl;
  bool broadcast = false;
  Endpoint to;  // For a broadcast only the port matters.
  std::vector<std::uint8_t> payload;
};

class EchoNode final : public Node {
 public:
  static constexpr TimeUs kNever = TimeUs{1} << 60;

  EchoNode(std::vector<Received>* log, bool echo, std::vector<ScriptedSend> script,
           PersistentState persisted)
      : log_(log), echo_(echo), script_(std::move(script)), persisted_(persisted) {}

  void start(TimeUs now) override {
    outbox_.emit(node_event(now, NodeEventKind::kStarted));
    outbox_.persist(PersistentState{persisted_.highest_term + 1, {}, 0});
  }
  void on_datagram(TimeUs now, Channel channel, Endpoint from,
                   std::span<const std::uint8_t> bytes) override {
    log_->push_back(Received{now, channel, from, {bytes.begin(), bytes.end()}});
    if (echo_) send(Channel::kControl, false, from, bytes);
  }
  void on_tick(TimeUs now) override {
    while (next_ < script_.size() && script_[next_].at <= now) {
      const ScriptedSend& s = script_[next_++];
      send(s.from, s.broadcast, s.to, s.payload);
    }
  }
  TimeUs next_tick_at() const override {
    return next_ < script_.size() ? script_[next_].at : kNever;
  }

 private:
  void send(Channel from, bool broadcast, Endpoint to, std::span<const std::uint8_t> payload) {
    auto buf = outbox_.begin_datagram();
    std::memcpy(buf.data(), payload.data(), payload.size());
    outbox_.commit_datagram(from, broadcast, to, payload.size(), payload.empty() ? 0 : payload[0]);
  }

  std::vector<Received>* log_;
  bool echo_;
  std::vector<ScriptedSend> script_;
  std::size_t next_ = 0;
  PersistentState persisted_;
};

}  // namespace dp::sim::testing
