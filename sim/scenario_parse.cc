// Scenario file parsing: TOML via toml++, then strict validation of every key.
//
// toml++ reports syntax errors by exception; they are caught here and turned into
// ScenarioError values, as are schema errors (raised internally as SchemaError and caught at
// the bottom of parse_scenario_text), so nothing throws out of this module.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "sim/scenario.h"
#include "sim/scenario_chat.h"
#include "sim/scenario_parse_expect.h"
#include "sim/scenario_reader.h"

namespace dp::sim {
namespace {

using namespace scenario_reader;  // TableReader, SchemaError, join_path.

std::uint32_t percent_to_ppm(double percent) {
  return static_cast<std::uint32_t>(std::llround(percent * 10000.0));
}

const std::vector<std::string_view> kNetworkKeys = {
    "latency_min_us", "latency_max_us",    "jitter_us",       "reorder_delay_us",
    "loss_percent",   "duplicate_percent", "reorder_percent",
};

// Reads the network keys present in `r` over `spec`.
void read_network(const TableReader& r, NetworkSpec& spec) {
  LinkParams& p = spec.link;
  if (auto v = r.integer("latency_min_us", false, 0, kMaxLatencyUs)) {
    p.latency_min_us = *v;
    spec.present |= kNetLatencyMin;
  }
  if (auto v = r.integer("latency_max_us", false, 0, kMaxLatencyUs)) {
    p.latency_max_us = *v;
    spec.present |= kNetLatencyMax;
  }
  if (auto v = r.integer("jitter_us", false, 0, kMaxLatencyUs)) {
    p.jitter_us = *v;
    spec.present |= kNetJitter;
  }
  if (auto v = r.integer("reorder_delay_us", false, 0, kMaxLatencyUs)) {
    p.reorder_delay_us = *v;
    spec.present |= kNetReorderDelay;
  }
  if (auto v = r.number("loss_percent", false, 0, 100)) {
    p.loss_ppm = percent_to_ppm(*v);
    spec.present |= kNetLoss;
  }
  if (auto v = r.number("duplicate_percent", false, 0, 100)) {
    p.duplicate_ppm = percent_to_ppm(*v);
    spec.present |= kNetDuplicate;
  }
  if (auto v = r.number("reorder_percent", false, 0, 100)) {
    p.reorder_ppm = percent_to_ppm(*v);
    spec.present |= kNetReorder;
  }
  if ((spec.present & kNetLatencyMin) && (spec.present & kNetLatencyMax) &&
      p.latency_min_us > p.latency_max_us) {
    r.fail("latency_min_us",
           "key '" + join_path(r.path(), "latency_min_us") + "' is larger than latency_max_us");
  }
}

const toml::table& as_table(const toml::node& node, const std::string& path) {
  const auto* t = node.as_table();
  if (t == nullptr) {
    throw SchemaError{line_of(node), path,
                      "key '" + path + "' must be a table, not " + type_name(node)};
  }
  return *t;
}

// Visits the tables of an array-of-tables key such as [[event]].
template <class Fn>
void for_each_table(const toml::table& root, std::string_view key, std::size_t max_count, Fn&& fn) {
  const toml::node* node = root.get(key);
  if (node == nullptr) return;
  const auto* array = node->as_array();
  if (array == nullptr) {
    throw SchemaError{line_of(*node), std::string(key),
                      "key '" + std::string(key) + "' must be an array of tables ([[" +
                          std::string(key) + "]]), not " + type_name(*node)};
  }
  if (array->size() > max_count) {
    throw SchemaError{
        line_of(*node), std::string(key),
        "too many '" + std::string(key) + "' entries (at most " + std::to_string(max_count) + ")"};
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string path = std::string(key) + "[" + std::to_string(i + 1) + "]";
    const toml::node& element = *array->get(i);
    const int fallback = line_of(*node);
    fn(TableReader(as_table(element, path), path, fallback > 0 ? fallback : 1));
  }
}

int read_node(const TableReader& r, std::string_view key, int servers) {
  return static_cast<int>(*r.integer(key, true, 1, servers));
}

// cluster = "game" (the default) or "chat": which cluster an action's nodes belong to.
bool read_cluster(const TableReader& r, const Scenario& s) {
  const auto cluster = r.string("cluster", false);
  if (!cluster || *cluster == "game") return false;
  if (*cluster != "chat") {
    r.fail("cluster",
           "key '" + r.path() + ".cluster' must be \"game\" or \"chat\", not \"" + *cluster + "\"");
  }
  if (s.chat.servers == 0) r.fail("cluster", "cluster = \"chat\" needs a [chat] section");
  return true;
}

// forge-coordinator's term: an integer, or a string of digits for the terms beyond TOML's
// signed 64-bit integers (up to 18446744073709551615).
std::uint64_t read_term(const TableReader& r) {
  const toml::node* node = r.node("term");
  if (node->is_integer()) {
    return static_cast<std::uint64_t>(
        *r.integer("term", true, 0, std::numeric_limits<std::int64_t>::max()));
  }
  if (!node->is_string()) r.wrong_type("term", *node, "an integer or a string of digits");
  const std::string text = *r.string("term", true);
  std::uint64_t v = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (const char c : text) {
    if (!ok) break;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    ok = c >= '0' && c <= '9' && v <= (std::numeric_limits<std::uint64_t>::max() - digit) / 10;
    v = v * 10 + digit;
  }
  if (!ok) {
    r.fail("term", "key '" + join_path(r.path(), "term") + "' = \"" + text +
                       "\" is not a term (digits, at most 18446744073709551615)");
  }
  return v;
}

// The attacker's actions (sim/attacker.h).
void read_attack(const TableReader& r, const std::string& action, const Scenario& s,
                 ScenarioAction& a) {
  const std::int64_t duration_ms = s.duration_us / kUsPerMs;
  AttackSpec& k = a.attack;
  if (action == "forge-coordinator") {
    r.only_keys({"at_ms", "action", "term", "term_ahead", "signed"});
    a.kind = ActionKind::kForgeCoordinator;
    if (r.has("term") && r.has("term_ahead")) {
      r.fail("term_ahead", "give either " + r.path() + ".term or " + r.path() + ".term_ahead");
    }
    if (r.has("term")) k.term = read_term(r);
    if (auto v = r.integer("term_ahead", false, 0, std::numeric_limits<std::int64_t>::max())) {
      k.term_ahead = static_cast<std::uint64_t>(*v);
    }
    const std::string how = r.string("signed", false).value_or("none");
    if (how == "none") {
      k.signing = ForgeSigning::kNone;
    } else if (how == "wrong-key") {
      k.signing = ForgeSigning::kWrongKey;
    } else if (how == "classic-mode") {
      k.signing = ForgeSigning::kOtherMode;
    } else if (how == "keyless") {
      k.signing = ForgeSigning::kKeyless;
    } else {
      r.fail("signed", "key '" + join_path(r.path(), "signed") +
                           "' must be \"none\", \"wrong-key\", \"classic-mode\" or "
                           "\"keyless\", not \"" +
                           how + "\"");
    }
  } else if (action == "replay") {
    r.only_keys({"at_ms", "action", "window_ms", "copies"});
    a.kind = ActionKind::kReplay;
    if (auto v = r.integer("window_ms", false, 1, kMaxReplayWindowUs / kUsPerMs)) {
      k.window_us = *v * kUsPerMs;
    }
    if (auto v = r.integer("copies", false, 1, kMaxReplayCopies)) k.copies = static_cast<int>(*v);
  } else if (action == "spoof-input" || action == "spoof-leave") {
    r.only_keys({"at_ms", "action", "count", "every_ms", "client"});
    a.kind = action == "spoof-input" ? ActionKind::kSpoofInput : ActionKind::kSpoofLeave;
    k.count =
        r.integer("count", false, 1, kMaxAttackCount).value_or(action == "spoof-input" ? 10 : 1);
    if (auto v = r.integer("every_ms", false, 0, duration_ms)) k.every_us = *v * kUsPerMs;
    if (r.has("client")) {
      if (s.players() == 0)
        r.fail("client", "'" + r.path() + ".client' names a player, but no bot plays");
      k.client = static_cast<int>(
          *r.integer("client", true, 1, static_cast<std::int64_t>(s.clients.size())));
      if (s.clients[static_cast<std::size_t>(k.client - 1)].spectate) {
        r.fail("client", "'" + r.path() + ".client' = " + std::to_string(k.client) +
                             " is a spectator, not a player");
      }
    }
  } else {  // flood-discovery
    r.only_keys({"at_ms", "action", "count", "every_ms", "victim"});
    a.kind = ActionKind::kFloodDiscovery;
    k.count = r.integer("count", false, 1, kMaxAttackCount).value_or(1000);
    k.every_us = r.integer("every_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
    if (r.has("victim")) {
      if (s.clients.empty())
        r.fail("victim", "'" + r.path() + ".victim' names a client, but there are none");
      k.client = static_cast<int>(
          *r.integer("victim", true, 1, static_cast<std::int64_t>(s.clients.size())));
    }
  }
}

bool is_attack_action(const std::string& action) {
  return action == "forge-coordinator" || action == "replay" || action == "spoof-input" ||
         action == "spoof-leave" || action == "flood-discovery";
}

ScenarioAction read_action(const TableReader& r, const Scenario& s) {
  ScenarioAction a;
  a.line = r.line();
  a.at_us = *r.integer("at_ms", true, 0, s.duration_us / kUsPerMs) * kUsPerMs;
  const std::string action = *r.string("action", true);
  a.chat = read_cluster(r, s);
  const int servers = a.chat ? s.chat.servers : s.servers;
  if (action == "crash-leader" || action == "crash-follower") {
    r.only_keys({"at_ms", "action", "cluster"});
    a.kind = action == "crash-leader" ? ActionKind::kCrashLeader : ActionKind::kCrashFollower;
  } else if (action == "crash-leader-after-point") {
    r.only_keys({"at_ms", "action", "delay_ms"});
    a.kind = ActionKind::kCrashLeaderAfterPoint;
    if (auto v = r.integer("delay_ms", false, 0, kMaxCrashAfterPointDelayUs / kUsPerMs)) {
      a.delay_us = *v * kUsPerMs;
    }
  } else if (action == "crash-leader-after-shown") {
    r.only_keys({"at_ms", "action", "delay_ms"});
    a.kind = ActionKind::kCrashLeaderAfterShown;
    a.delay_us =
        r.integer("delay_ms", false, 0, kMaxCrashAfterShownDelayUs / kUsPerMs).value_or(100) *
        kUsPerMs;
  } else if (action == "isolate-leader-before-point") {
    r.only_keys({"at_ms", "action", "for_ms"});
    a.kind = ActionKind::kIsolateLeaderBeforePoint;
    if (auto v = r.integer("for_ms", false, 1, kMaxIsolateUs / kUsPerMs)) a.for_us = *v * kUsPerMs;
  } else if (action == "crash-leader-during-snapshot") {
    r.only_keys({"at_ms", "action"});
    a.kind = ActionKind::kCrashLeaderDuringSnapshot;
  } else if (action == "crash-only-copy") {
    r.only_keys({"at_ms", "action", "restart_after_ms"});
    a.kind = ActionKind::kCrashOnlyCopy;
    if (auto v = r.integer("restart_after_ms", false, 0, s.duration_us / kUsPerMs)) {
      a.restart_after_us = *v * kUsPerMs;
    }
  } else if (action == "flap") {
    r.only_keys({"at_ms", "action", "node", "from", "to", "both", "down_ms", "every_ms", "until_ms",
                 "probability", "cluster"});
    a.kind = ActionKind::kFlap;
    if (r.has("node")) {
      if (r.has("from") || r.has("to") || r.has("both")) {
        r.fail("node", "a flap names a server (node) or a link (from, to), not both");
      }
      a.node = read_node(r, "node", servers);
    } else {
      if (!r.has("from") || !r.has("to")) {
        r.fail("action", "'flap' needs node (a server) or from and to (a link)");
      }
      a.from = read_node(r, "from", servers);
      a.to = read_node(r, "to", servers);
      if (a.from == a.to) r.fail("to", "'from' and 'to' must name different servers");
      a.both = r.boolean("both", false).value_or(false);
    }
    const std::int64_t duration_ms = s.duration_us / kUsPerMs;
    a.every_us = *r.integer("every_ms", true, 1, duration_ms) * kUsPerMs;
    a.down_us = *r.integer("down_ms", true, 1, duration_ms) * kUsPerMs;
    if (a.down_us >= a.every_us) r.fail("down_ms", "'down_ms' must be shorter than 'every_ms'");
    a.until_us = r.integer("until_ms", false, 0, duration_ms).value_or(duration_ms) * kUsPerMs;
    if (a.until_us <= a.at_us) r.fail("until_ms", "'until_ms' must be after 'at_ms'");
    a.probability = r.number("probability", false, 0, 1).value_or(1.0);
  } else if (action == "crash" || action == "restart" || action == "cut-inbound") {
    r.only_keys({"at_ms", "action", "node", "cluster"});
    a.kind = action == "crash"     ? ActionKind::kCrash
             : action == "restart" ? ActionKind::kRestart
                                   : ActionKind::kCutInbound;
    a.node = read_node(r, "node", servers);
  } else if (action == "move-leader") {
    r.only_keys({"at_ms", "action", "to"});
    a.kind = ActionKind::kMoveLeader;
    a.to = read_node(r, "to", servers);
  } else if (action == "drain") {
    r.only_keys({"at_ms", "action", "node"});
    a.kind = ActionKind::kDrain;
    a.node = read_node(r, "node", servers);
  } else if (action == "cut" || action == "connect") {
    r.only_keys({"at_ms", "action", "from", "to", "cluster"});
    a.kind = action == "cut" ? ActionKind::kCut : ActionKind::kConnect;
    a.from = read_node(r, "from", servers);
    a.to = read_node(r, "to", servers);
    if (a.from == a.to) r.fail("to", "'from' and 'to' must name different servers");
  } else if (action == "crash-all" || action == "restart-all") {
    r.only_keys({"at_ms", "action", "cluster"});
    a.kind = action == "crash-all" ? ActionKind::kCrashAll : ActionKind::kRestartAll;
  } else if (action == "heal") {
    r.only_keys({"at_ms", "action"});
    a.kind = ActionKind::kHeal;
  } else if (action == "wipe-disk") {
    r.only_keys({"at_ms", "action", "node"});
    a.kind = ActionKind::kWipeDisk;
    a.node = read_node(r, "node", s.servers);
  } else if (action == "partition") {
    r.only_keys({"at_ms", "action", "groups", "cluster"});
    a.kind = ActionKind::kPartition;
    const toml::node* groups = r.node("groups");
    if (groups == nullptr) r.fail("groups", "missing required key '" + r.path() + ".groups'");
    const auto* outer = groups->as_array();
    if (outer == nullptr) r.wrong_type("groups", *groups, "an array of arrays of node numbers");
    std::set<int> seen;
    for (const toml::node& g : *outer) {
      const auto* inner = g.as_array();
      if (inner == nullptr) r.wrong_type("groups", g, "an array of arrays of node numbers");
      std::vector<int> group;
      for (const toml::node& n : *inner) {
        const auto* number = n.as_integer();
        if (number == nullptr) r.wrong_type("groups", n, "an array of arrays of node numbers");
        const std::int64_t v = number->get();
        if (v < 1 || v > servers) {
          r.fail("groups", "'" + r.path() + ".groups' names node " + std::to_string(v) +
                               ", but there are " + std::to_string(servers) + " servers");
        }
        if (!seen.insert(static_cast<int>(v)).second) {
          r.fail("groups", "'" + r.path() + ".groups' lists node " + std::to_string(v) + " twice");
        }
        group.push_back(static_cast<int>(v));
      }
      a.groups.push_back(std::move(group));
    }
  } else if (is_attack_action(action)) {
    if (a.chat) r.fail("cluster", "the attacker's actions aim at the game's cluster only");
    read_attack(r, action, s, a);
  } else if (action == "set-network") {
    std::vector<std::string_view> keys = {"at_ms", "action"};
    keys.insert(keys.end(), kNetworkKeys.begin(), kNetworkKeys.end());
    r.only_keys(keys);
    a.kind = ActionKind::kSetNetwork;
    a.network.link = s.network;
    read_network(r, a.network);
    if (a.network.present == 0) r.fail("action", "'set-network' names no network key");
  } else {
    r.fail("action",
           "unknown action '" + action +
               "' (expected crash-leader, crash-follower, crash-leader-after-point, "
               "crash-leader-after-shown, isolate-leader-before-point, "
               "crash-leader-during-snapshot, crash-only-copy, crash, restart, crash-all, "
               "restart-all, wipe-disk, partition, cut, connect, cut-inbound, flap, heal, "
               "set-network, move-leader, drain, forge-coordinator, replay, spoof-input, "
               "spoof-leave or "
               "flood-discovery)");
  }
  return a;
}

void read_rematches(const TableReader& r, ClientSpec& spec, std::int64_t duration_ms) {
  if (auto v = r.integer("matches", false, 1, 1000)) spec.matches = static_cast<int>(*v);
  if (auto v = r.integer("rematch_after_ms", false, 0, duration_ms)) {
    spec.rematch_after_us = *v * kUsPerMs;
  }
}

Game read_game(const TableReader& r, Game fallback) {
  const auto game = r.string("game", false);
  if (!game) return fallback;
  if (*game == "pong") return Game::kPong;
  if (*game == "racing") return Game::kRacing;
  r.fail("game", "unknown game \"" + *game + "\" (expected \"pong\" or \"racing\")");
}

// [clients] or [racers]: a group of bots alike but for their skill and start time.
void read_client_group(const toml::table& root, const char* section, Game game, bool spectate,
                       int max_clients, Scenario& s) {
  const std::int64_t duration_ms = s.duration_us / kUsPerMs;
  const toml::node* clients = root.get(section);
  if (clients == nullptr) return;
  const std::string name(section);
  TableReader r(as_table(*clients, section), section, line_of(*clients));
  r.only_keys({"count", "skill_percent", "skill_min", "skill_max", "room", "start_ms",
               "start_spread_ms", "matches", "rematch_after_ms", "game", "spectate"});
  const int room_left = max_clients - static_cast<int>(s.clients.size());
  const auto count = static_cast<int>(*r.integer("count", true, 0, room_left));
  ClientSpec spec;
  spec.game = read_game(r, game);
  spec.spectate = r.boolean("spectate", false).value_or(spectate);
  if (r.has("skill_percent")) {
    if (r.has("skill_min") || r.has("skill_max")) {
      r.fail("skill_min",
             "give either " + name + ".skill_percent or " + name + ".skill_min/skill_max");
    }
    spec.skill_min = spec.skill_max = static_cast<int>(*r.integer("skill_percent", true, 0, 100));
  } else if (r.has("skill_min") || r.has("skill_max")) {
    spec.skill_min = static_cast<int>(*r.integer("skill_min", true, 0, 100));
    spec.skill_max = static_cast<int>(*r.integer("skill_max", true, 0, 100));
    if (spec.skill_min > spec.skill_max) {
      r.fail("skill_min", name + ".skill_min is larger than " + name + ".skill_max");
    }
  }
  if (auto room = r.string("room", false)) spec.room = *room;
  if (auto v = r.integer("start_ms", false, 0, duration_ms)) spec.start_us = *v * kUsPerMs;
  if (auto v = r.integer("start_spread_ms", false, 0, duration_ms)) {
    spec.start_spread_us = *v * kUsPerMs;
  }
  read_rematches(r, spec, duration_ms);
  s.clients.insert(s.clients.end(), static_cast<std::size_t>(count), spec);
}

// [clients], [racers] and [[client]]: the bots, numbered in that order.
void read_clients(const toml::table& root, Scenario& s) {
  const std::int64_t duration_ms = s.duration_us / kUsPerMs;
  const int max_clients = std::min(kMaxScenarioClients, static_cast<int>(kMaxHosts) - s.servers);
  read_client_group(root, "clients", Game::kPong, false, max_clients, s);
  read_client_group(root, "racers", Game::kRacing, false, max_clients, s);
  read_client_group(root, "spectators", Game::kPong, true, max_clients, s);
  for_each_table(root, "client", static_cast<std::size_t>(max_clients), [&](const TableReader& r) {
    r.only_keys(
        {"skill_percent", "room", "start_ms", "matches", "rematch_after_ms", "game", "spectate"});
    ClientSpec spec;
    spec.game = read_game(r, Game::kPong);
    spec.spectate = r.boolean("spectate", false).value_or(false);
    spec.skill_min = spec.skill_max = static_cast<int>(*r.integer("skill_percent", true, 0, 100));
    if (auto room = r.string("room", false)) spec.room = *room;
    if (auto v = r.integer("start_ms", false, 0, duration_ms)) spec.start_us = *v * kUsPerMs;
    read_rematches(r, spec, duration_ms);
    if (static_cast<int>(s.clients.size()) >= max_clients) {
      r.fail("skill_percent", "too many clients (at most " + std::to_string(max_clients) +
                                  " with " + std::to_string(s.servers) + " servers)");
    }
    s.clients.push_back(std::move(spec));
  });
}

Scenario read_scenario(const toml::table& root, const std::string& file) {
  Scenario s;
  s.file = file;
  TableReader top(root, "", 1);
  top.only_keys({"title", "seed", "duration_ms", "cluster", "network", "clients", "racers",
                 "spectators", "client", "chat", "event", "expect"});
  s.title = *top.string("title", true);
  s.seed = static_cast<std::uint64_t>(
      *top.integer("seed", true, 0, std::numeric_limits<std::int64_t>::max()));
  s.duration_us = *top.integer("duration_ms", true, 1, kMaxScenarioDurationMs) * kUsPerMs;

  const toml::node* cluster = root.get("cluster");
  if (cluster == nullptr) top.fail("cluster", "missing required table [cluster]");
  TableReader c(as_table(*cluster, "cluster"), "cluster", line_of(*cluster));
  c.only_keys({"servers", "mode", "start_spread_ms", "heartbeat_interval_ms",
               "heartbeat_timeout_ms", "answer_timeout_ms", "coordinator_timeout_ms",
               "discovery_interval_ms", "discovery_window_ms", "election_backoff_max_ms",
               "target_score", "min_replicas", "forfeit_timeout_ms", "race_seats",
               "inject_bug_skip_nack", "key", "ring_capacity"});
  s.servers = static_cast<int>(*c.integer("servers", true, 1, kMaxScenarioServers));
  if (auto mode = c.string("mode", false)) {
    if (*mode == "sticky") {
      s.mode = ElectionMode::kSticky;
    } else if (*mode == "classic") {
      s.mode = ElectionMode::kClassic;
    } else {
      c.fail("mode", "key 'cluster.mode' must be \"sticky\" or \"classic\", not \"" + *mode + "\"");
    }
  }
  constexpr std::int64_t kMaxTimingMs = 600'000;
  auto timing = [&](std::string_view key, TimeUs& field) {
    if (auto v = c.integer(key, false, 1, kMaxTimingMs)) field = *v * kUsPerMs;
  };
  if (auto v = c.integer("start_spread_ms", false, 0, kMaxTimingMs)) {
    s.start_spread_us = *v * kUsPerMs;
  }
  timing("heartbeat_interval_ms", s.timing.heartbeat_interval_us);
  timing("heartbeat_timeout_ms", s.timing.heartbeat_timeout_us);
  timing("answer_timeout_ms", s.timing.answer_timeout_us);
  timing("coordinator_timeout_ms", s.timing.coordinator_timeout_us);
  timing("discovery_interval_ms", s.timing.discovery_interval_us);
  timing("discovery_window_ms", s.timing.discovery_window_us);
  timing("election_backoff_max_ms", s.timing.election_backoff_max_us);
  if (auto v = c.integer("target_score", false, 1, 99)) {
    s.target_score = static_cast<std::uint8_t>(*v);
  }
  if (const toml::node* n = c.node("min_replicas"); n != nullptr && n->is_string()) {
    if (*c.string("min_replicas", false) != "majority") {
      c.fail("min_replicas", "key 'cluster.min_replicas' must be a count or \"majority\"");
    }
    s.min_replicas = -1;
  } else if (auto v = c.integer("min_replicas", false, 0, kMaxScenarioServers - 1)) {
    s.min_replicas = static_cast<int>(*v);
  }
  if (auto v = c.integer("race_seats", false, 2, 4)) s.race_seats = static_cast<std::uint8_t>(*v);
  if (auto v = c.integer("forfeit_timeout_ms", false, 1, kMaxTimingMs)) {
    s.forfeit_timeout_us = *v * kUsPerMs;
  }
  if (auto v = c.boolean("inject_bug_skip_nack", false)) s.inject_bug_skip_nack = *v;
  if (auto v = c.boolean("key", false)) s.cluster_key = *v;
  if (auto v = c.integer("ring_capacity", false, kMinRingCapacity, kMaxRingCapacity)) {
    if ((*v & (*v - 1)) != 0) {
      c.fail("ring_capacity", "key 'cluster.ring_capacity' = " + std::to_string(*v) +
                                  " is not a power of two (16, 32, 64, ... 65536)");
    }
    s.ring_capacity = static_cast<std::uint32_t>(*v);
  }
  if (s.timing.heartbeat_timeout_us <= s.timing.heartbeat_interval_us) {
    c.fail(c.has("heartbeat_timeout_ms") ? "heartbeat_timeout_ms" : "heartbeat_interval_ms",
           "cluster.heartbeat_timeout_ms must be longer than cluster.heartbeat_interval_ms");
  }

  if (const toml::node* network = root.get("network")) {
    TableReader n(as_table(*network, "network"), "network", line_of(*network));
    n.only_keys(kNetworkKeys);
    NetworkSpec spec;
    read_network(n, spec);
    if (spec.link.latency_min_us > spec.link.latency_max_us) {
      n.fail(n.has("latency_min_us") ? "latency_min_us" : "latency_max_us",
             "network.latency_min_us is larger than network.latency_max_us");
    }
    s.network = spec.link;
  }

  read_clients(root, s);
  if (const toml::node* chat = root.get("chat")) {
    read_chat(TableReader(as_table(*chat, "chat"), "chat", line_of(*chat)), s);
  }

  for_each_table(root, "event", kMaxScenarioEvents,
                 [&](const TableReader& r) { s.actions.push_back(read_action(r, s)); });
  sort_actions_by_time(s.actions);
  for_each_table(root, "expect", kMaxScenarioExpectations,
                 [&](const TableReader& r) { s.expectations.push_back(read_expectation(r, s)); });
  return s;
}

}  // namespace

Result<Scenario, ScenarioError> parse_scenario_text(std::string_view text,
                                                    const std::string& file_name) {
  try {
    const toml::table root = toml::parse(text, file_name);
    return read_scenario(root, file_name);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return Result<Scenario, ScenarioError>::failure(
        ScenarioError{file_name, static_cast<int>(begin.line), static_cast<int>(begin.column), "",
                      std::string(e.description())});
  } catch (const SchemaError& e) {
    return Result<Scenario, ScenarioError>::failure(
        ScenarioError{file_name, e.line > 0 ? e.line : 1, 0, e.key, e.message});
  }
}

Result<Scenario, ScenarioError> load_scenario_file(const std::string& path) {
  // Scenario files are small; refuse anything absurd before reading it into memory.
  constexpr std::streamoff kMaxFileBytes = 1 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Result<Scenario, ScenarioError>::failure(
        ScenarioError{path, 0, 0, "", "cannot open file"});
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size < 0 || size > kMaxFileBytes) {
    return Result<Scenario, ScenarioError>::failure(
        ScenarioError{path, 0, 0, "", "cannot read file (missing, not a file, or over 1 MiB)"});
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (!in) {
    return Result<Scenario, ScenarioError>::failure(
        ScenarioError{path, 0, 0, "", "cannot read file"});
  }
  return parse_scenario_text(text, path);
}

std::string ScenarioError::str() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out + ": " + message;
}

}  // namespace dp::sim
