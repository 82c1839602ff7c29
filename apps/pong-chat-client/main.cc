// pong-chat-client: the terminal chat client, for scripts and tests. Every line of standard
// input is sent as one message to a channel of the chat cluster (pong-chat); every line of the
// channel is printed as "[n] name: text". Status goes to standard error.
//
//   printf 'hello\nbye\n' | pong-chat-client --name alice --discovery-address 127.255.255.255
//
// Exit codes: 0 when standard input ended and every message was delivered (and --wait-lines
// were shown); 1 on a start-up failure; 2 on a bad flag; 3 when --timeout-s ran out first.
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "core/wire/chat_text.h"
#include "core/wire/room_name.h"
#include "transport/chat_session.h"
#include "transport/process_entropy.h"

namespace {

std::atomic<bool> g_signalled{false};
void on_signal(int) { g_signalled.store(true); }

struct Input {  // Lines read from stdin by the reader thread.
  std::mutex mutex;
  std::vector<std::string> lines;
  bool ended = false;
};

void read_stdin(Input& input) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::lock_guard<std::mutex> lock(input.mutex);
    input.lines.push_back(line);
  }
  std::lock_guard<std::mutex> lock(input.mutex);
  input.ended = true;
}

// Every message sent and every line seen, with CLOCK_MONOTONIC times, as one JSON object.
void write_record(const std::string& path, const dp::ChatSession& session) {
  const dp::ChatClient& c = session.client();
  const dp::TimeUs offset = session.monotonic_offset_us();
  std::ofstream out(path);
  out << "{\"client_id\":\"" << c.client_id() << "\",\"name\":\"" << c.name() << "\",\"sent\":[";
  for (std::size_t i = 0; i < c.send_times().size(); ++i) {
    const auto& [queued, acked] = c.send_times()[i];
    out << (i ? "," : "") << "[" << i + 1 << "," << queued + offset << ","
        << (acked ? acked + offset : 0) << "]";
  }
  out << "],\"seen\":[";
  for (std::size_t i = 0; i < c.seen().size(); ++i) {
    const dp::ChatSeen& s = c.seen()[i];
    out << (i ? "," : "") << "[" << s.n << ",\"" << s.client_id << "\"," << s.msg_id << ","
        << s.at_us + offset << "]";
  }
  out << "],\"rehomes\":" << c.stats().rehomes << ",\"resends\":" << c.stats().resends
      << ",\"rate_limited\":" << c.stats().rate_limited << "}\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::string name = "player";
  std::string channel(dp::wire::kLobbyChannel);
  std::string discovery_address = "255.255.255.255";
  std::uint16_t discovery_port = dp::kDefaultChatDiscoveryPort;
  std::uint64_t wait_lines = 0;
  double timeout_s = 0;
  int linger_ms = 300;
  bool stay = false;
  bool quiet = false;
  std::string record;
  CLI::App app{
      "Distributed Pong terminal chat client: sends each line of standard input to a channel "
      "of the chat cluster (pong-chat) and prints the channel as \"[n] name: text\"."};
  app.add_option("--name", name, "Your name: printable ASCII, 1-16 characters")
      ->capture_default_str();
  app.add_option("--channel", channel,
                 "The channel: lobby, or a game room's (pong:NAME, racing:NAME)")
      ->capture_default_str();
  app.add_option("--discovery-address", discovery_address,
                 "Broadcast address to find the chat cluster (127.255.255.255 for one host)")
      ->capture_default_str();
  app.add_option("--discovery-port", discovery_port, "The chat cluster's discovery port")
      ->capture_default_str()
      ->check(dp::udp_port(1));
  app.add_option("--wait-lines", wait_lines,
                 "Before exiting, wait until this many lines of the channel were shown");
  app.add_option("--timeout-s", timeout_s, "Give up (exit 3) after this many seconds (0: never)")
      ->capture_default_str();
  app.add_option("--linger-ms", linger_ms,
                 "After the last message is delivered, keep printing this long")
      ->capture_default_str()
      ->check(CLI::Range(0, 600000));
  app.add_flag("--stay", stay, "Keep running after standard input ends (until Ctrl-C)");
  app.add_flag("--quiet", quiet, "Print no lines of the channel");
  app.add_option("--record", record,
                 "At exit, write every message sent and line seen, with times, to this JSON file");
  if (const auto status = dp::parse_flags(app, argc, argv)) return *status;
  if (name.empty() || name.size() > dp::wire::kPlayerNameMax || !dp::wire::valid_name(name)) {
    std::cerr << "pong-chat-client: --name: printable ASCII, 1-16 characters\n";
    return dp::kExitBadFlags;
  }
  if (!dp::wire::valid_chat_channel(channel)) {
    std::cerr << "pong-chat-client: --channel: printable ASCII without spaces, 1-40 "
                 "characters\n";
    return dp::kExitBadFlags;
  }
  if (!(timeout_s >= 0)) {
    std::cerr << "pong-chat-client: --timeout-s: must be >= 0\n";
    return dp::kExitBadFlags;
  }

  std::random_device device;
  const dp::NodeId id{0, dp::random_u64(device) | 1u};
  dp::ChatSessionSetup setup = dp::chat_session_setup(discovery_address, discovery_port, id,
                                                      dp::random_u64(device), name, channel);
  setup.node.record_lines = !record.empty();
  auto opened = dp::ChatSession::open(setup);
  if (!opened) {
    std::cerr << "pong-chat-client: " << opened.error() << "\n";
    return 1;
  }
  dp::ChatSession& session = **opened;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  session.start();

  Input input;
  std::thread reader([&input] { read_stdin(input); });
  reader.detach();  // Blocked in getline at exit is fine: the process ends.

  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  std::uint64_t printed = 0;  // The last line number printed.
  std::size_t line_number = 0;
  std::uint32_t posted = 0;  // Messages handed to the session.
  bool was_connected = false;
  bool told_unavailable = false;
  dp::Epoch leader;
  std::optional<Clock::time_point> done_at;
  int code = 0;
  while (!g_signalled.load()) {
    bool ended = false;
    {
      std::lock_guard<std::mutex> lock(input.mutex);
      for (std::string& text : input.lines) {
        ++line_number;
        const auto error = dp::wire::check_chat_text(text);
        if (error != dp::wire::ChatTextError::kOk) {
          std::cerr << "pong-chat-client: input line " << line_number
                    << " not sent: " << dp::wire::chat_text_error_name(error) << "\n";
          continue;
        }
        session.send(std::move(text));
        ++posted;
      }
      input.lines.clear();
      ended = input.ended;
    }
    const dp::ChatView v = session.view();
    for (const dp::ChatShownLine& shown : v.lines) {
      if (shown.line.n <= printed) continue;
      printed = shown.line.n;
      if (!quiet) {
        std::printf("[%llu] %.*s: %.*s\n", static_cast<unsigned long long>(shown.line.n),
                    static_cast<int>(shown.line.name.size()), shown.line.name.view().data(),
                    static_cast<int>(shown.line.text.size()), shown.line.text.view().data());
      }
    }
    std::fflush(stdout);
    if (v.connected && (!was_connected || v.leader != leader)) {
      std::cerr << "pong-chat-client: " << (was_connected ? "re-homed to" : "connected to")
                << " chat leader " << v.leader.leader.short_str() << " (term " << v.leader.term
                << ")\n";
      leader = v.leader;
      told_unavailable = false;
    }
    was_connected = was_connected || v.connected;
    if (!v.connected && v.unavailable_for_us > 2 * dp::kUsPerSecond && !told_unavailable) {
      std::cerr << "pong-chat-client: chat unavailable: no chat server answers on "
                << discovery_address << ":" << discovery_port << " (still trying)\n";
      told_unavailable = true;
    }
    const bool all_sent = ended && v.queued == posted && v.acked == posted;
    const bool all_seen = v.lines_taken >= wait_lines;
    if (!stay && all_sent && all_seen) {
      if (!done_at) done_at = Clock::now();
      if (Clock::now() - *done_at >= std::chrono::milliseconds(linger_ms)) break;
    }
    if (timeout_s > 0 && Clock::now() - started >= std::chrono::duration<double>(timeout_s)) {
      std::cerr << "pong-chat-client: --timeout-s ran out: " << v.acked << " of " << v.queued
                << " messages delivered, " << v.lines_taken << " lines seen\n";
      code = 3;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  session.quit();
  if (!record.empty()) write_record(record, session);
  std::fflush(stdout);
  std::_Exit(code);  // The stdin reader may still be blocked.
}
