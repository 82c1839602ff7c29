// pong-ctl's side of the control family (core/wire/control_messages.h) over real UDP: find
// the servers (a discovery broadcast, or the control sockets the operator names), ask each
// for its status, and send move-leader and drain requests, sealed with the cluster key when
// the cluster has one. Blocking calls, each bounded by a timeout; requests are retried.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/cluster/config.h"
#include "core/common/result.h"
#include "core/common/types.h"
#include "core/security/cluster_keys.h"
#include "core/wire/control_messages.h"

namespace dp {

struct CtlOptions {
  std::string discovery_address = "255.255.255.255";
  std::uint16_t discovery_port = 0;
  // Control sockets to ask instead of broadcasting (pong-ctl --server HOST:PORT).
  std::vector<Endpoint> servers;
  ClusterKeys keys;  // The cluster key, for a cluster that has one.
  // With a key, requests are sealed like a server's datagrams, the cluster's election mode
  // included (pong-ctl --mode).
  ElectionMode mode = ElectionMode::kSticky;
  TimeUs timeout_us = 1000 * kUsPerMs;
};

// A server as discovery (or --server) found it.
struct CtlServer {
  NodeId id;
  Endpoint control;
};

// One server's answer to a status request.
struct ServerStatus {
  CtlServer server;
  Epoch epoch;  // The epoch it leads or follows (the last one, while it has no leader).
  wire::CtlStatus status;
};

struct CtlReply {
  wire::CtlOutcome outcome = wire::CtlOutcome::kRefused;
  std::string detail;
};

class CtlClient {
 public:
  static Result<std::unique_ptr<CtlClient>, std::string> open(const CtlOptions& options);
  ~CtlClient();
  CtlClient(const CtlClient&) = delete;
  CtlClient& operator=(const CtlClient&) = delete;

  // The servers that answer a discovery broadcast within the timeout (or the --server list,
  // whose ids the status requests learn). Fails when none answers.
  Result<std::vector<CtlServer>, std::string> discover();
  // The status of each server that answers (in id order); those that do not are left out.
  std::vector<ServerStatus> statuses(const std::vector<CtlServer>& servers);
  Result<ServerStatus, std::string> status_of(const CtlServer& server);
  Result<CtlReply, std::string> request(const CtlServer& server, wire::CtlCommand command,
                                        const NodeId& target = {});
  // Whether discovery saw a cluster that takes client sessions (it has a key).
  bool cluster_keyed() const;

 private:
  struct Impl;
  explicit CtlClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "3", "0000000000000003", the last 8 hex digits a log shows, ...: the server of `servers`
// the text names; none when no server's id matches (or more than one's short form does).
std::optional<NodeId> match_server_id(const std::vector<CtlServer>& servers,
                                      const std::string& text);

}  // namespace dp
