// Reading a scenario's [[expect]] tables (see scenario.h for every kind and its keys); part of
// the parser (scenario_parse.cc).
#include "sim/scenario_parse_expect.h"

#include <limits>
#include <string>

#include "core/wire/message_types.h"

namespace dp::sim {
namespace {

using namespace scenario_reader;  // TableReader.

int read_node(const TableReader& r, std::string_view key, int servers) {
  return static_cast<int>(*r.integer(key, true, 1, servers));
}

// A client by its number (1 .. the scenario's clients).
int read_client(const TableReader& r, std::string_view key, const Scenario& s) {
  if (s.clients.empty())
    r.fail(key, "key '" + std::string(key) + "' names a client, and there are none");
  return static_cast<int>(*r.integer(key, true, 1, static_cast<std::int64_t>(s.clients.size())));
}

// A message type by its wire name ("election", "heartbeat", ...).
std::uint8_t read_msg_type(const TableReader& r, std::string_view key) {
  const std::string name = *r.string(key, true);
  std::string known;
  for (int t = 1; t < 256; ++t) {
    const auto type = static_cast<std::uint8_t>(t);
    if (!wire::is_known_msg_type(type)) continue;
    if (name == wire::msg_type_name(type)) return type;
    known += (known.empty() ? "" : ", ") + std::string(wire::msg_type_name(type));
  }
  r.fail(key, "unknown message type \"" + name + "\" (expected one of " + known + ")");
}

// A Pong score "L-R", each 0 .. 99.
void read_score(const TableReader& r, std::string_view key, int& left, int& right) {
  const std::string text = *r.string(key, true);
  const auto dash = text.find('-');
  const auto number = [](const std::string& t, int& out) {
    if (t.empty() || t.size() > 2 || t.find_first_not_of("0123456789") != std::string::npos) {
      return false;
    }
    out = std::stoi(t);
    return true;
  };
  if (dash == std::string::npos || !number(text.substr(0, dash), left) ||
      !number(text.substr(dash + 1), right)) {
    r.fail(key, "key '" + std::string(key) + "' must be a score \"L-R\" (e.g. \"5-3\"), not \"" +
                    text + "\"");
  }
}

}  // namespace

Expectation read_expectation(const TableReader& r, const Scenario& s) {
  Expectation e;
  e.line = r.line();
  const std::int64_t duration_ms = s.duration_us / kUsPerMs;
  const std::string kind = *r.string("kind", true);
  if (kind.rfind("chat-", 0) == 0 && s.chat.servers == 0) {
    r.fail("kind", "expectation '" + kind + "' needs a [chat] section");
  }
  if (kind == "serving-leader-is") {
    r.only_keys({"kind", "at_ms", "node"});
    e.kind = ExpectKind::kServingLeaderIs;
    e.node = read_node(r, "node", s.servers);
    e.at_us = *r.integer("at_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "one-leader" || kind == "leader-is") {
    if (kind == "one-leader") {
      r.only_keys({"kind", "at_ms"});
      e.kind = ExpectKind::kOneLeader;
    } else {
      r.only_keys({"kind", "at_ms", "node"});
      e.kind = ExpectKind::kLeaderIs;
      e.node = read_node(r, "node", s.servers);
    }
    e.at_us = *r.integer("at_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "no-leader-change") {
    r.only_keys({"kind", "from_ms", "to_ms"});
    e.kind = ExpectKind::kNoLeaderChange;
    e.from_us = *r.integer("from_ms", true, 0, duration_ms) * kUsPerMs;
    e.to_us = *r.integer("to_ms", true, 0, duration_ms) * kUsPerMs;
    if (e.to_us < e.from_us) r.fail("to_ms", "'to_ms' is before 'from_ms'");
  } else if (kind == "max-elections") {
    r.only_keys({"kind", "count"});
    e.kind = ExpectKind::kMaxElections;
    e.count = *r.integer("count", true, 0, 1'000'000'000);
  } else if (kind == "max-failover") {
    r.only_keys({"kind", "max_ms"});
    e.kind = ExpectKind::kMaxFailover;
    e.max_us = *r.integer("max_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "epochs-monotonic") {
    r.only_keys({"kind"});
    e.kind = ExpectKind::kEpochsMonotonic;
  } else if (kind == "every-match-finishes") {
    r.only_keys({"kind", "min_matches"});
    e.kind = ExpectKind::kEveryMatchFinishes;
    e.count = r.integer("min_matches", false, 0, kMaxScenarioClients / 2).value_or(1);
  } else if (kind == "every-race-finishes") {
    r.only_keys({"kind", "min_races"});
    e.kind = ExpectKind::kEveryRaceFinishes;
    e.count = r.integer("min_races", false, 0, kMaxScenarioClients / 2).value_or(1);
  } else if (kind == "spectators-watch") {
    r.only_keys({"kind", "max_gap_ms"});
    e.kind = ExpectKind::kSpectatorsWatch;
    e.max_us = *r.integer("max_gap_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "max-client-failover") {
    r.only_keys({"kind", "max_ms"});
    e.kind = ExpectKind::kMaxClientFailover;
    e.max_us = *r.integer("max_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "max-stall") {
    r.only_keys({"kind", "max_ms", "client"});
    e.kind = ExpectKind::kMaxStall;
    e.max_us = *r.integer("max_ms", true, 0, duration_ms) * kUsPerMs;
    if (r.has("client")) e.client = read_client(r, "client", s);
  } else if (kind == "message-count") {
    r.only_keys({"kind", "type", "from_ms", "to_ms", "min", "max"});
    e.kind = ExpectKind::kMessageCount;
    e.msg_type = read_msg_type(r, "type");
    e.from_us = r.integer("from_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
    e.to_us = r.integer("to_ms", false, 0, duration_ms).value_or(duration_ms) * kUsPerMs;
    if (e.to_us < e.from_us) r.fail("to_ms", "'to_ms' is before 'from_ms'");
    if (!r.has("min") && !r.has("max")) r.fail("kind", "message-count needs 'min', 'max' or both");
    e.count = r.integer("min", false, 0, 1'000'000'000'000).value_or(0);
    e.max_count = r.integer("max", false, 0, 1'000'000'000'000).value_or(-1);
    if (e.max_count >= 0 && e.max_count < e.count) r.fail("max", "'max' is below 'min'");
  } else if (kind == "match-result") {
    r.only_keys({"kind", "client", "score", "winner"});
    e.kind = ExpectKind::kMatchResult;
    e.client = read_client(r, "client", s);
    read_score(r, "score", e.score_left, e.score_right);
    if (r.has("winner")) e.winner = read_client(r, "winner", s);
  } else if (kind == "snapshot-installed") {
    r.only_keys({"kind", "node", "after_ms"});
    e.kind = ExpectKind::kSnapshotInstalled;
    e.node = read_node(r, "node", s.servers);
    e.from_us = r.integer("after_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
  } else if (kind == "chat-delivered") {
    r.only_keys({"kind", "sent_before_ms"});
    e.kind = ExpectKind::kChatDelivered;
    e.to_us = r.integer("sent_before_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
  } else if (kind == "chat-max-latency") {
    r.only_keys({"kind", "max_ms"});
    e.kind = ExpectKind::kChatMaxLatency;
    e.max_us = *r.integer("max_ms", true, 0, duration_ms) * kUsPerMs;
  } else if (kind == "chat-rate-limited") {
    r.only_keys({"kind"});
    e.kind = ExpectKind::kChatRateLimited;
  } else if (kind == "results-on-disk") {
    r.only_keys({"kind", "count", "node", "at_ms"});
    e.kind = ExpectKind::kResultsOnDisk;
    e.count = *r.integer("count", true, 0, 1'000'000);
    if (r.has("node")) e.node = read_node(r, "node", s.servers);
    e.at_us = r.integer("at_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
  } else if (kind == "max-leader-changes") {
    r.only_keys({"kind", "count", "from_ms", "to_ms"});
    e.kind = ExpectKind::kMaxLeaderChanges;
    e.count = *r.integer("count", true, 0, 1'000'000'000);
    e.from_us = r.integer("from_ms", false, 0, duration_ms).value_or(0) * kUsPerMs;
    e.to_us = r.integer("to_ms", false, 0, duration_ms).value_or(duration_ms) * kUsPerMs;
    if (e.to_us < e.from_us) r.fail("to_ms", "'to_ms' is before 'from_ms'");
  } else if (kind == "auth-refused-min") {
    r.only_keys({"kind", "count"});
    e.kind = ExpectKind::kAuthRefusedMin;
    e.count = *r.integer("count", true, 0, std::numeric_limits<std::int64_t>::max());
  } else if (kind == "max-amplification") {
    r.only_keys({"kind", "ratio"});
    e.kind = ExpectKind::kMaxAmplification;
    e.ratio = *r.number("ratio", true, 0, 1e6);
  } else {
    r.fail("kind", "unknown expectation kind '" + kind +
                       "' (expected one-leader, leader-is, no-leader-change, max-elections, "
                       "max-failover, epochs-monotonic, every-match-finishes, every-race-finishes, "
                       "spectators-watch, max-client-failover, max-stall, snapshot-installed, "
                       "results-on-disk, chat-delivered, chat-max-latency, "
                       "chat-rate-limited, max-leader-changes, auth-refused-min, "
                       "max-amplification, message-count, match-result or "
                       "serving-leader-is)");
  }
  return e;
}

}  // namespace dp::sim
