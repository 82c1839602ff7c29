// pong-ctl: operate a running cluster. It finds the servers by the same discovery broadcast
// the clients use (or asks the control sockets given with --server) and speaks the control
// message family (core/wire/control_messages.h) to their control sockets.
//
//   pong-ctl status [--json] [--max-lag N]   one line per server; exit 1 if unhealthy
//   pong-ctl rooms [--json]                  live rooms with game, players and score
//   pong-ctl move-leader ID                  the leader hands over to follower ID
//   pong-ctl drain ID                        ID hands over if it leads, then never leads
//
// A cluster with a key answers only requests sealed with it (--key-file or
// --passphrase-file, as given to the servers). Exit codes: 0 done (status: healthy); 1 the
// cluster is unhealthy, unreachable, or refused the request; 2 a bad flag.
#include <cstdio>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "apps/app_flags.h"
#include "apps/pong-ctl/commands.h"
#include "transport/asio_udp_transport.h"
#include "transport/cluster_key_file.h"

namespace {

dp::Result<dp::Endpoint, std::string> parse_host_port(const std::string& text) {
  using R = dp::Result<dp::Endpoint, std::string>;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return R::failure("'" + text + "' is not HOST:PORT");
  const auto ip = dp::parse_ipv4(text.substr(0, colon));
  if (!ip) return R::failure("'" + text + "': " + ip.error().message);
  int port = 0;
  try {
    port = std::stoi(text.substr(colon + 1));
  } catch (...) {
    port = 0;
  }
  if (port < 1 || port > 65535) return R::failure("'" + text + "': the port must be 1 to 65535");
  return dp::Endpoint{*ip, static_cast<std::uint16_t>(port)};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "pong-ctl: ask a running Distributed Pong cluster for its status, list its rooms, "
      "move the leadership or drain a server before stopping it"};
  app.require_subcommand(1);
  dp::CtlOptions options;
  options.discovery_port = dp::kDefaultDiscoveryPort;
  std::vector<std::string> servers;
  std::string key_file;
  std::string passphrase_file;
  std::int64_t timeout_ms = 1000;
  std::string mode = "sticky";
  app.add_option("--discovery-address", options.discovery_address,
                 "Where to broadcast the discovery request (127.255.255.255 for a cluster on "
                 "this host)")
      ->capture_default_str();
  app.add_option("--discovery-port", options.discovery_port, "The cluster's discovery port")
      ->capture_default_str()
      ->transform(dp::udp_port(1));
  app.add_option("--server", servers,
                 "A server's control socket, HOST:PORT, to ask instead of broadcasting "
                 "(repeat it for each server)");
  app.add_option("--key-file", key_file, "The cluster key file the servers were given");
  app.add_option("--passphrase-file", passphrase_file,
                 "Instead of --key-file: the passphrase file the servers were given");
  app.add_option("--mode", mode,
                 "The cluster's election mode (as given to pong-server --mode): with a key, "
                 "requests are sealed for it")
      ->capture_default_str()
      ->check(CLI::IsMember({"sticky", "classic"}));
  app.add_option("--timeout-ms", timeout_ms, "How long to wait for the servers' answers")
      ->capture_default_str()
      ->check(CLI::Range(50, 60000));

  dp::ctl::StatusFlags status_flags;
  auto* status = app.add_subcommand(
      "status",
      "One line per server: id, role, epoch, applied and committed seq, lag behind "
      "the leader, rooms, players, spectators, uptime, version. Exits 1 when there is "
      "no single leader, a server lags beyond --max-lag, or --servers did not answer");
  status->add_flag("--json", status_flags.json, "One JSON object instead of the table");
  status
      ->add_option("--max-lag", status_flags.max_lag,
                   "Log entries a follower may be behind the leader")
      ->capture_default_str();
  status
      ->add_option("--servers", status_flags.expect_servers,
                   "How many servers must answer (0: as many as discovery found)")
      ->capture_default_str()
      ->check(CLI::Range(0, 32));

  bool rooms_json = false;
  auto* rooms = app.add_subcommand("rooms", "Live rooms of every game, with players and score");
  rooms->add_flag("--json", rooms_json, "One JSON object instead of the table");

  std::string move_target;
  std::int64_t wait_ms = 3000;
  auto* move =
      app.add_subcommand("move-leader",
                         "Hand the leadership to follower ID at once (no timeout waited, no score "
                         "lost); waits until ID leads");
  move->add_option("ID", move_target,
                   "The server to lead: its id (as given to --id, or as "
                   "status prints it)")
      ->required();
  move->add_option("--wait-ms", wait_ms, "How long to wait for ID to lead")
      ->capture_default_str()
      ->check(CLI::Range(100, 60000));

  std::string drain_target;
  auto* drain = app.add_subcommand(
      "drain",
      "Server ID hands the leadership over if it leads, and never leads again until it "
      "restarts: ready to stop");
  drain->add_option("ID", drain_target, "The server to drain")->required();
  drain->add_option("--wait-ms", wait_ms, "How long to wait for the hand-over")
      ->capture_default_str()
      ->check(CLI::Range(100, 60000));

  if (auto code = dp::parse_flags(app, argc, argv)) return *code;

  options.timeout_us = timeout_ms * dp::kUsPerMs;
  options.mode = mode == "classic" ? dp::ElectionMode::kClassic : dp::ElectionMode::kSticky;
  for (const std::string& s : servers) {
    auto endpoint = parse_host_port(s);
    if (!endpoint) {
      std::fprintf(stderr, "pong-ctl: --server %s\n", endpoint.error().c_str());
      return dp::kExitBadFlags;
    }
    options.servers.push_back(*endpoint);
  }
  if (!key_file.empty() && !passphrase_file.empty()) {
    std::fprintf(stderr, "pong-ctl: give --key-file or --passphrase-file, not both\n");
    return dp::kExitBadFlags;
  }
  if (!key_file.empty()) {
    auto key = dp::read_key_file(key_file);
    if (!key) {
      std::fprintf(stderr, "pong-ctl: --key-file: %s\n", key.error().c_str());
      return dp::ctl::kExitFailed;
    }
    options.keys.primary = *key;
  } else if (!passphrase_file.empty()) {
    auto passphrase = dp::read_passphrase_file(passphrase_file);
    auto key = passphrase ? dp::key_from_passphrase(*passphrase)
                          : dp::Result<dp::ClusterKey, std::string>::failure(passphrase.error());
    if (!key) {
      std::fprintf(stderr, "pong-ctl: --passphrase-file: %s\n", key.error().c_str());
      return dp::ctl::kExitFailed;
    }
    options.keys.primary = *key;
  }

  if (rooms->parsed()) return dp::ctl::rooms(options, rooms_json);
  auto ctl = dp::CtlClient::open(options);
  if (!ctl) {
    std::fprintf(stderr, "pong-ctl: %s\n", ctl.error().c_str());
    return dp::ctl::kExitFailed;
  }
  if (status->parsed()) return dp::ctl::status(**ctl, status_flags);
  if (move->parsed()) return dp::ctl::move_leader(**ctl, move_target, wait_ms);
  return dp::ctl::drain(**ctl, drain_target, wait_ms);
}
