// What every part of one scenario run shares: the scenario, the simulator, the result being
// built (timeline, trace, figures), and the names of hosts and epochs as the report writes
// them. The observers and action handlers of sim/run/ each keep their own state and reach
// the rest through this.
#pragma once

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "core/client/chat_client.h"
#include "core/client/client_node.h"
#include "core/cluster/server_node.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/simulator.h"

namespace dp::sim {

class RunContext {
 public:
  RunContext(const Scenario& scenario, const RunOptions& options);

  const Scenario& scenario;
  const RunOptions& options;
  Simulator sim;
  RunResult result;

  // Hosts: the game's servers (node 1..N) come first, then its clients, then the chat
  // cluster's servers (chat node 1..K) and its clients (chat client 1..M), then the attacker.
  HostIndex servers() const { return static_cast<HostIndex>(scenario.servers); }
  HostIndex clients_end() const {
    return servers() + static_cast<HostIndex>(scenario.clients.size());
  }
  HostIndex chat_servers_begin() const { return clients_end(); }
  HostIndex chat_servers_end() const {
    return chat_servers_begin() + static_cast<HostIndex>(scenario.chat.servers);
  }
  HostIndex chat_clients_end() const {
    return chat_servers_end() + static_cast<HostIndex>(scenario.chat.clients);
  }
  bool is_client(HostIndex h) const { return h >= servers() && h < clients_end(); }
  bool is_game_server(HostIndex h) const { return h < servers(); }
  bool is_chat_server(HostIndex h) const {
    return h >= chat_servers_begin() && h < chat_servers_end();
  }
  bool is_chat_client(HostIndex h) const {
    return h >= chat_servers_end() && h < chat_clients_end();
  }
  // The attacker's host (sim/attacker.h), after every other, when the scenario has one.
  HostIndex attacker_host() const { return chat_clients_end(); }
  bool is_attacker(HostIndex h) const { return has_attacker && h == attacker_host(); }
  const bool has_attacker;
  bool is_chat(HostIndex h) const { return h >= chat_servers_begin() && h < chat_clients_end(); }
  // Runs a ServerNode (of either cluster).
  bool is_server(HostIndex h) const { return is_game_server(h) || is_chat_server(h); }
  static int number(HostIndex h) { return static_cast<int>(h) + 1; }
  static HostIndex host_of(int node) { return static_cast<HostIndex>(node - 1); }
  // A node of the game's cluster, or of the chat's (`chat`), by its number.
  HostIndex host_of(int node, bool chat) const {
    return chat ? chat_servers_begin() + static_cast<HostIndex>(node - 1) : host_of(node);
  }
  // "node 3", "chat node 2", "client 4", "chat client 1".
  std::string name(HostIndex h) const;
  int client_number(HostIndex h) const { return static_cast<int>(h - servers()) + 1; }
  std::string client_name(HostIndex h) const {
    return "client " + std::to_string(client_number(h));
  }
  // The server that has (or had, before a wipe-disk) this id.
  std::optional<HostIndex> server_of(const NodeId& id) const;
  // "node 3" for a server id, else its short id.
  std::string server_name(const NodeId& id) const;
  // "2/node 3" rather than the raw id, so details read like the timeline.
  std::string epoch_name(const Epoch& e) const;
  bool live(HostIndex h) const { return sim.host(h).up(); }
  // Servers (is_server) run ServerNode, game clients ClientNode, chat clients ChatClient.
  const ServerNode& server(HostIndex h) const {
    return static_cast<const ServerNode&>(*sim.node(h));
  }
  const ClientNode* client(HostIndex h) const {
    return static_cast<const ClientNode*>(sim.node(h));
  }
  // The longest freeze client h's player saw during a running match, one still going now
  // included (ClientNode::ongoing_stall_us); a crashed client's ongoing one is not counted.
  TimeUs stall_of(const ClientNode& c, HostIndex h) const {
    return std::max(c.longest_stall_us(), live(h) ? c.ongoing_stall_us(sim.now()) : TimeUs{0});
  }
  const ChatClient* chat_client(HostIndex h) const {
    return static_cast<const ChatClient*>(sim.node(h));
  }

  // Recording (bounded: kMaxTimelineEntries, kMaxTraceRecords).
  void add_timeline(TimelineEntry t);
  void add_trace(TraceRecord r);
  void instant(TimeUs now, HostIndex h, std::string what);
  void note(TimeUs now, std::string text) { text_entry(now, TimelineEntry::What::kNote, text); }
  void match_note(TimeUs now, std::string text) {
    text_entry(now, TimelineEntry::What::kMatch, text);
  }
  void client_note(TimeUs now, std::string text) {
    text_entry(now, TimelineEntry::What::kClient, text);
  }
  void network_note(TimeUs now, std::string text);

  static std::string seconds_str(TimeUs t);
  static std::string ms_str(TimeUs t);  // "291.6 ms"

 private:
  void text_entry(TimeUs now, TimelineEntry::What what, std::string& text);
};

}  // namespace dp::sim
