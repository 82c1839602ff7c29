// Runs a chat client's network side on its own thread: binds a client socket, drives a
// ChatClient with a NodeDriver on a private asio::io_context, and offers the caller (the SDL
// client's chat panel, the terminal client) thread-safe calls: view() copies what the panel
// shows under a mutex; send(), switch_channel() and request_older() post work to the loop.
//
// The chat session is separate from the game's (transport/client_process.h): its own socket,
// loop and thread, talking to the chat cluster's ports only. A game never waits for it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/client/chat_client.h"
#include "core/common/result.h"
#include "transport/asio_udp_transport.h"

namespace dp {

struct ChatSessionSetup {
  UdpTransportConfig udp;  // server = false; discovery_port: the chat cluster's.
  ChatClientConfig node;   // endpoints are filled in once the socket is bound.
};

// The usual setup: a client socket on any port, discovery on 127.255.255.255 or the LAN.
ChatSessionSetup chat_session_setup(const std::string& discovery_address,
                                    std::uint16_t discovery_port, const NodeId& id,
                                    std::uint64_t seed, const std::string& name,
                                    const std::string& channel);

// What the chat panel shows, copied out for another thread.
struct ChatView {
  std::uint64_t version = 0;  // Increases whenever anything below changes.
  bool connected = false;     // A chat leader answered within the silence timeout.
  // No chat leader has answered for this long (since the start, or since the last answer).
  TimeUs unavailable_for_us = 0;
  std::string channel;
  std::vector<ChatShownLine> lines;    // Oldest first (the newest kLinesInView).
  std::vector<ChatOutgoing> outgoing;  // Sending, then the last few delivered.
  std::uint64_t lines_taken = 0;       // Lines taken in since the start (for printers).
  std::uint32_t queued = 0;            // Our messages so far.
  std::uint32_t acked = 0;             // Of those, acknowledged.
  Epoch leader;
  // Our client id as the chat cluster knows it: the configured one, or, with a keyed chat
  // cluster, the one that goes with the session key (core/client/session_link.h).
  std::uint64_t client_id = 0;
  ChatClientStats stats;
};
constexpr std::size_t kLinesInView = 500;

class ChatSession {
 public:
  static Result<std::unique_ptr<ChatSession>, std::string> open(const ChatSessionSetup& setup);
  ~ChatSession();
  ChatSession(const ChatSession&) = delete;
  ChatSession& operator=(const ChatSession&) = delete;

  // Runs the loop on a background thread. Call once.
  void start();
  // Thread-safe.
  ChatView view() const;
  void send(std::string text);
  void switch_channel(std::string channel);
  void request_older();
  // Stops the loop and joins its thread. Idempotent. After it, client() may be read.
  void quit();
  const ChatClient& client() const;
  // The loop's clock (driver time) as CLOCK_MONOTONIC microseconds: add to the node's times.
  TimeUs monotonic_offset_us() const;

 private:
  struct Impl;
  explicit ChatSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
};

}  // namespace dp
