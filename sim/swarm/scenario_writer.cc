#include "sim/swarm/scenario_writer.h"

#include "core/wire/message_types.h"

#include <cstdio>
#include <sstream>

namespace dp::sim {
namespace {

// Thrown inside this file only; write_scenario_toml() turns it into an error value.
struct Unwritable {
  std::string message;
};

std::int64_t whole_ms(TimeUs t, const char* what) {
  if (t % kUsPerMs != 0) {
    throw Unwritable{std::string(what) + " = " + std::to_string(t) +
                     " us is not a whole number of milliseconds"};
  }
  return t / kUsPerMs;
}

// A TOML float that reads back exactly (always with a '.' or an exponent, so TOML sees a float).
std::string toml_float(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string text = buf;
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// Percent with enough digits that the parser's llround(percent * 10000) gives back the ppm.
std::string percent(std::uint32_t ppm) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%u.%04u", ppm / 10000, ppm % 10000);
  return buf;
}

void write_network_keys(std::ostream& out, const LinkParams& p, std::uint32_t present) {
  if (present & kNetLatencyMin) out << "latency_min_us = " << p.latency_min_us << "\n";
  if (present & kNetLatencyMax) out << "latency_max_us = " << p.latency_max_us << "\n";
  if (present & kNetJitter) out << "jitter_us = " << p.jitter_us << "\n";
  if (present & kNetReorderDelay) out << "reorder_delay_us = " << p.reorder_delay_us << "\n";
  if (present & kNetLoss) out << "loss_percent = " << percent(p.loss_ppm) << "\n";
  if (present & kNetDuplicate) out << "duplicate_percent = " << percent(p.duplicate_ppm) << "\n";
  if (present & kNetReorder) out << "reorder_percent = " << percent(p.reorder_ppm) << "\n";
}

constexpr std::uint32_t kAllNetworkKeys = kNetLatencyMin | kNetLatencyMax | kNetJitter | kNetLoss |
                                          kNetDuplicate | kNetReorder | kNetReorderDelay;

void write_action(std::ostream& out, const ScenarioAction& a) {
  out << "\n[[event]]\nat_ms = " << whole_ms(a.at_us, "event at") << "\naction = \""
      << action_name(a.kind) << "\"\n";
  if (a.chat) out << "cluster = \"chat\"\n";
  switch (a.kind) {
    case ActionKind::kCrash:
    case ActionKind::kRestart:
    case ActionKind::kCutInbound:
    case ActionKind::kWipeDisk:
    case ActionKind::kDrain:
      out << "node = " << a.node << "\n";
      break;
    case ActionKind::kMoveLeader:
      out << "to = " << a.to << "\n";
      break;
    case ActionKind::kCut:
    case ActionKind::kConnect:
      out << "from = " << a.from << "\nto = " << a.to << "\n";
      break;
    case ActionKind::kPartition: {
      out << "groups = [";
      for (std::size_t g = 0; g < a.groups.size(); ++g) {
        out << (g == 0 ? "[" : ", [");
        for (std::size_t k = 0; k < a.groups[g].size(); ++k) {
          out << (k == 0 ? "" : ", ") << a.groups[g][k];
        }
        out << "]";
      }
      out << "]\n";
      break;
    }
    case ActionKind::kSetNetwork:
      if ((a.network.present & kAllNetworkKeys) == 0) {
        throw Unwritable{"a set-network event names no network key"};
      }
      write_network_keys(out, a.network.link, a.network.present);
      break;
    case ActionKind::kCrashLeaderAfterPoint:
      out << "delay_ms = " << whole_ms(a.delay_us, "crash-leader-after-point delay") << "\n";
      break;
    case ActionKind::kCrashLeaderAfterShown:
      out << "delay_ms = " << whole_ms(a.delay_us, "crash-leader-after-shown delay") << "\n";
      break;
    case ActionKind::kIsolateLeaderBeforePoint:
      out << "for_ms = " << whole_ms(a.for_us, "isolate-leader-before-point for") << "\n";
      break;
    case ActionKind::kFlap: {
      if (a.node != 0) {
        out << "node = " << a.node << "\n";
      } else {
        out << "from = " << a.from << "\nto = " << a.to << "\n";
        if (a.both) out << "both = true\n";
      }
      out << "down_ms = " << whole_ms(a.down_us, "flap down")
          << "\nevery_ms = " << whole_ms(a.every_us, "flap every")
          << "\nuntil_ms = " << whole_ms(a.until_us, "flap until")
          << "\nprobability = " << toml_float(a.probability) << "\n";
      break;
    }
    case ActionKind::kCrashOnlyCopy:
      if (a.restart_after_us >= 0) {
        out << "restart_after_ms = " << whole_ms(a.restart_after_us, "crash-only-copy restart")
            << "\n";
      }
      break;
    case ActionKind::kCrashLeaderDuringSnapshot:
    case ActionKind::kCrashLeader:
    case ActionKind::kCrashFollower:
    case ActionKind::kHeal:
    case ActionKind::kCrashAll:
    case ActionKind::kRestartAll:
      break;
    case ActionKind::kForgeCoordinator:
      if (a.attack.term) {
        // As a string: a term may lie beyond TOML's integers.
        out << "term = \"" << *a.attack.term << "\"\n";
      } else {
        out << "term_ahead = " << a.attack.term_ahead << "\n";
      }
      out << "signed = \"" << forge_signing_name(a.attack.signing) << "\"\n";
      break;
    case ActionKind::kReplay:
      out << "window_ms = " << whole_ms(a.attack.window_us, "replay window")
          << "\ncopies = " << a.attack.copies << "\n";
      break;
    case ActionKind::kSpoofInput:
    case ActionKind::kSpoofLeave:
    case ActionKind::kFloodDiscovery:
      out << "count = " << a.attack.count
          << "\nevery_ms = " << whole_ms(a.attack.every_us, "attack every") << "\n";
      if (a.attack.client > 0) {
        out << (a.kind == ActionKind::kFloodDiscovery ? "victim = " : "client = ")
            << a.attack.client << "\n";
      }
      break;
  }
}

void write_expectation(std::ostream& out, const Expectation& e) {
  out << "\n[[expect]]\n";
  switch (e.kind) {
    case ExpectKind::kOneLeader:
      out << "kind = \"one-leader\"\nat_ms = " << whole_ms(e.at_us, "expect at") << "\n";
      break;
    case ExpectKind::kLeaderIs:
      out << "kind = \"leader-is\"\nnode = " << e.node
          << "\nat_ms = " << whole_ms(e.at_us, "expect at") << "\n";
      break;
    case ExpectKind::kNoLeaderChange:
      out << "kind = \"no-leader-change\"\nfrom_ms = " << whole_ms(e.from_us, "expect from")
          << "\nto_ms = " << whole_ms(e.to_us, "expect to") << "\n";
      break;
    case ExpectKind::kMaxElections:
      out << "kind = \"max-elections\"\ncount = " << e.count << "\n";
      break;
    case ExpectKind::kMaxFailover:
      out << "kind = \"max-failover\"\nmax_ms = " << whole_ms(e.max_us, "expect max") << "\n";
      break;
    case ExpectKind::kEpochsMonotonic:
      out << "kind = \"epochs-monotonic\"\n";
      break;
    case ExpectKind::kEveryMatchFinishes:
      out << "kind = \"every-match-finishes\"\nmin_matches = " << e.count << "\n";
      break;
    case ExpectKind::kEveryRaceFinishes:
      out << "kind = \"every-race-finishes\"\nmin_races = " << e.count << "\n";
      break;
    case ExpectKind::kSpectatorsWatch:
      out << "kind = \"spectators-watch\"\nmax_gap_ms = " << whole_ms(e.max_us, "expect max")
          << "\n";
      break;
    case ExpectKind::kMaxClientFailover:
      out << "kind = \"max-client-failover\"\nmax_ms = " << whole_ms(e.max_us, "expect max")
          << "\n";
      break;
    case ExpectKind::kMaxStall:
      out << "kind = \"max-stall\"\nmax_ms = " << whole_ms(e.max_us, "expect max") << "\n";
      if (e.client != 0) out << "client = " << e.client << "\n";
      break;
    case ExpectKind::kMessageCount:
      out << "kind = \"message-count\"\ntype = \"" << wire::msg_type_name(e.msg_type)
          << "\"\nfrom_ms = " << whole_ms(e.from_us, "expect from")
          << "\nto_ms = " << whole_ms(e.to_us, "expect to") << "\nmin = " << e.count << "\n";
      if (e.max_count >= 0) out << "max = " << e.max_count << "\n";
      break;
    case ExpectKind::kServingLeaderIs:
      out << "kind = \"serving-leader-is\"\nnode = " << e.node
          << "\nat_ms = " << whole_ms(e.at_us, "expect at") << "\n";
      break;
    case ExpectKind::kMatchResult:
      out << "kind = \"match-result\"\nclient = " << e.client << "\nscore = \"" << e.score_left
          << "-" << e.score_right << "\"\n";
      if (e.winner != 0) out << "winner = " << e.winner << "\n";
      break;
    case ExpectKind::kSnapshotInstalled:
      out << "kind = \"snapshot-installed\"\nnode = " << e.node
          << "\nafter_ms = " << whole_ms(e.from_us, "expect after") << "\n";
      break;
    case ExpectKind::kResultsOnDisk:
      out << "kind = \"results-on-disk\"\ncount = " << e.count << "\n";
      if (e.node != 0) out << "node = " << e.node << "\n";
      if (e.at_us > 0) out << "at_ms = " << whole_ms(e.at_us, "expect at") << "\n";
      break;
    case ExpectKind::kChatDelivered:
      out << "kind = \"chat-delivered\"\n";
      if (e.to_us > 0)
        out << "sent_before_ms = " << whole_ms(e.to_us, "expect sent before") << "\n";
      break;
    case ExpectKind::kChatMaxLatency:
      out << "kind = \"chat-max-latency\"\nmax_ms = " << whole_ms(e.max_us, "expect max") << "\n";
      break;
    case ExpectKind::kChatRateLimited:
      out << "kind = \"chat-rate-limited\"\n";
      break;
    case ExpectKind::kMaxLeaderChanges:
      out << "kind = \"max-leader-changes\"\ncount = " << e.count
          << "\nfrom_ms = " << whole_ms(e.from_us, "expect from")
          << "\nto_ms = " << whole_ms(e.to_us, "expect to") << "\n";
      break;
    case ExpectKind::kAuthRefusedMin:
      out << "kind = \"auth-refused-min\"\ncount = " << e.count << "\n";
      break;
    case ExpectKind::kMaxAmplification:
      out << "kind = \"max-amplification\"\nratio = " << toml_float(e.ratio) << "\n";
      break;
  }
}

void write_chat(std::ostream& out, const ChatSpec& c) {
  if (c.servers == 0) return;
  out << "\n[chat]\nservers = " << c.servers << "\nclients = " << c.clients
      << "\nmessages = " << c.messages << "\nrate_per_s = " << kUsPerSecond / c.interval_us
      << "\nstart_ms = " << whole_ms(c.start_us, "chat start")
      << "\nchannel = " << toml_quote(c.channel) << "\n";
  if (c.flooders > 0) {
    out << "flooders = " << c.flooders
        << "\nflood_rate_per_s = " << kUsPerSecond / c.flood_interval_us
        << "\nflood_messages = " << c.flood_messages << "\n";
  }
  out << "server_rate_per_s = " << c.server_rate_per_s << "\nserver_burst = " << c.server_burst
      << "\n";
}

// The [clients] table holds the leading run of identical bots (it allows a skill range and a
// start spread); every later bot is a [[client]] entry, which allows neither.
void write_clients(std::ostream& out, const std::vector<ClientSpec>& clients) {
  if (clients.empty()) return;
  auto same = [](const ClientSpec& a, const ClientSpec& b) {
    return a.game == b.game && a.spectate == b.spectate && a.skill_min == b.skill_min &&
           a.skill_max == b.skill_max && a.room == b.room && a.start_us == b.start_us &&
           a.start_spread_us == b.start_spread_us && a.matches == b.matches &&
           a.rematch_after_us == b.rematch_after_us;
  };
  auto rematches = [](std::ostream& o, const ClientSpec& spec) {
    if (spec.matches == 1) return;
    o << "matches = " << spec.matches
      << "\nrematch_after_ms = " << whole_ms(spec.rematch_after_us, "rematch") << "\n";
  };
  auto game = [](std::ostream& o, const ClientSpec& spec) {
    if (spec.game != Game::kPong) o << "game = " << toml_quote(game_name(spec.game)) << "\n";
    if (spec.spectate) o << "spectate = true\n";
  };
  // Runs of identical bots go into the group tables, in the order the parser reads them
  // ([clients], then [racers], then [spectators]); the rest are [[client]] entries.
  const char* const groups[] = {"clients", "racers", "spectators"};
  std::size_t i = 0;
  for (const char* group : groups) {
    if (i >= clients.size()) break;
    const ClientSpec& c = clients[i];
    const bool fits = group == groups[0] || (group == groups[1] && c.game == Game::kRacing) ||
                      (group == groups[2] && c.spectate);
    if (!fits) continue;
    std::size_t k = i + 1;
    while (k < clients.size() && same(clients[k], c)) ++k;
    out << "\n[" << group << "]\ncount = " << k - i << "\nskill_min = " << c.skill_min
        << "\nskill_max = " << c.skill_max << "\nroom = " << toml_quote(c.room)
        << "\nstart_ms = " << whole_ms(c.start_us, "client start")
        << "\nstart_spread_ms = " << whole_ms(c.start_spread_us, "client start spread") << "\n";
    rematches(out, c);
    game(out, c);
    i = k;
  }
  for (; i < clients.size(); ++i) {
    const ClientSpec& b = clients[i];
    if (b.skill_min != b.skill_max || b.start_spread_us != 0) {
      throw Unwritable{"client " + std::to_string(i + 1) +
                       " has a skill range or a start spread but is not in a run of identical "
                       "clients a group table holds, so only [[client]] could hold it"};
    }
    out << "\n[[client]]\nskill_percent = " << b.skill_min << "\nroom = " << toml_quote(b.room)
        << "\nstart_ms = " << whole_ms(b.start_us, "client start") << "\n";
    rematches(out, b);
    game(out, b);
  }
}

// The test-only bug switch, written only when the scenario type has it (see
// scenario_writer.h) and only when it is on.
template <class S>
void write_bug_flags(std::ostream& out, const S& s) {
  if constexpr (requires { s.inject_bug_skip_nack; }) {
    if (s.inject_bug_skip_nack) out << "inject_bug_skip_nack = true\n";
  }
}

std::string write(const Scenario& s) {
  std::ostringstream out;
  out << "title = " << toml_quote(s.title) << "\n";
  out << "seed = " << s.seed << "\n";
  out << "duration_ms = " << whole_ms(s.duration_us, "duration") << "\n";
  out << "\n[cluster]\nservers = " << s.servers << "\n";
  out << "mode = \"" << (s.mode == ElectionMode::kClassic ? "classic" : "sticky") << "\"\n";
  out << "start_spread_ms = " << whole_ms(s.start_spread_us, "start_spread") << "\n";
  const ClusterTiming& t = s.timing;
  out << "heartbeat_interval_ms = " << whole_ms(t.heartbeat_interval_us, "heartbeat_interval")
      << "\n";
  out << "heartbeat_timeout_ms = " << whole_ms(t.heartbeat_timeout_us, "heartbeat_timeout") << "\n";
  out << "answer_timeout_ms = " << whole_ms(t.answer_timeout_us, "answer_timeout") << "\n";
  out << "coordinator_timeout_ms = " << whole_ms(t.coordinator_timeout_us, "coordinator_timeout")
      << "\n";
  out << "discovery_interval_ms = " << whole_ms(t.discovery_interval_us, "discovery_interval")
      << "\n";
  out << "discovery_window_ms = " << whole_ms(t.discovery_window_us, "discovery_window") << "\n";
  out << "election_backoff_max_ms = " << whole_ms(t.election_backoff_max_us, "election_backoff_max")
      << "\n";
  out << "target_score = " << static_cast<int>(s.target_score) << "\n";
  if (s.min_replicas < 0) {
    out << "min_replicas = \"majority\"\n";
  } else {
    out << "min_replicas = " << s.min_replicas << "\n";
  }
  out << "forfeit_timeout_ms = " << whole_ms(s.forfeit_timeout_us, "forfeit_timeout") << "\n";
  if (s.race_seats != 4) out << "race_seats = " << int{s.race_seats} << "\n";
  if (s.cluster_key) out << "key = true\n";
  if (s.ring_capacity != kMaxRingCapacity) out << "ring_capacity = " << s.ring_capacity << "\n";
  write_bug_flags(out, s);
  write_clients(out, s.clients);
  write_chat(out, s.chat);
  out << "\n[network]\n";
  write_network_keys(out, s.network, kAllNetworkKeys);
  for (const ScenarioAction& a : s.actions) write_action(out, a);
  for (const Expectation& e : s.expectations) write_expectation(out, e);
  return out.str();
}

}  // namespace

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;  // UTF-8 passes through; the parser already accepted it as text.
    }
  }
  return out + "\"";
}

Result<std::string, std::string> write_scenario_toml(const Scenario& scenario) {
  try {
    return write(scenario);
  } catch (const Unwritable& e) {
    return Result<std::string, std::string>::failure(e.message);
  }
}

}  // namespace dp::sim
