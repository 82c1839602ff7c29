#include "apps/pong-ctl/commands.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/cluster/roles.h"
#include "transport/room_list.h"

namespace dp::ctl {
namespace {

using Clock = std::chrono::steady_clock;

const char* role_of(const ServerStatus& s) {
  return server_role_name(static_cast<ServerRole>(s.status.role));
}
bool leads(const ServerStatus& s) {
  return static_cast<ServerRole>(s.status.role) == ServerRole::kLeading;
}

// The leader of the newest epoch any server leads; none when no server leads.
const ServerStatus* leader_of(const std::vector<ServerStatus>& all) {
  const ServerStatus* leader = nullptr;
  for (const ServerStatus& s : all) {
    if (leads(s) && (leader == nullptr || s.epoch > leader->epoch)) leader = &s;
  }
  return leader;
}

// How far `s` is behind the leader: the leader's own count of its ACKs when it has one,
// else the difference of the applied seqs the two reported.
std::uint64_t lag_of(const ServerStatus& s, const ServerStatus& leader) {
  if (&s == &leader) return 0;
  std::uint64_t acked = s.status.applied_seq;
  for (const wire::FollowerProgress& f : leader.status.followers) {
    if (f.id == s.server.id) acked = f.acked_seq;
  }
  return leader.status.applied_seq > acked ? leader.status.applied_seq - acked : 0;
}

std::string uptime_text(std::uint64_t ms) {
  const std::uint64_t s = ms / 1000;
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  }
  return buf;
}

std::string epoch_text(const Epoch& e) { return e.is_none() ? "-" : e.str(); }

// Every server discovery found (or --server named), with the ids their statuses gave.
Result<std::vector<ServerStatus>, std::string> survey(CtlClient& ctl, std::size_t* found) {
  using R = Result<std::vector<ServerStatus>, std::string>;
  auto servers = ctl.discover();
  if (!servers) return R::failure(servers.error());
  if (found != nullptr) *found = servers->size();
  auto all = ctl.statuses(*servers);
  if (all.empty()) {
    std::string why = "no server answered a status request";
    if (ctl.cluster_keyed()) why += " (the cluster has a key: give --key-file)";
    return R::failure(why);
  }
  return all;
}

std::vector<CtlServer> servers_of(const std::vector<ServerStatus>& all) {
  std::vector<CtlServer> out;
  for (const ServerStatus& s : all) out.push_back(s.server);
  return out;
}

// Polls `target`'s status until `done` holds for it; the milliseconds it took, or -1.
template <class Done>
double wait_for(CtlClient& ctl, const CtlServer& target, Clock::time_point since,
                std::int64_t wait_ms, Done done) {
  const auto deadline = since + std::chrono::milliseconds(wait_ms);
  while (Clock::now() < deadline) {
    if (auto s = ctl.status_of(target); s && done(*s)) {
      return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

}  // namespace

int status(CtlClient& ctl, const StatusFlags& flags) {
  std::size_t found = 0;
  auto all = survey(ctl, &found);
  if (!all) {
    std::fprintf(stderr, "pong-ctl status: %s\n", all.error().c_str());
    return kExitUnhealthy;
  }
  std::vector<std::string> problems;
  const ServerStatus* leader = leader_of(*all);
  if (leader == nullptr) problems.push_back("no server leads");
  const std::size_t expected = flags.expect_servers > 0 ? flags.expect_servers : found;
  if (all->size() < expected) {
    problems.push_back(std::to_string(expected - all->size()) + " of " + std::to_string(expected) +
                       " servers did not answer");
  }
  nlohmann::json servers = nlohmann::json::array();
  if (!flags.json) {
    std::printf("%-8s  %-11s  %-14s  %9s  %9s  %6s  %5s  %7s  %10s  %8s  %s\n", "ID", "ROLE",
                "EPOCH", "APPLIED", "COMMIT", "LAG", "ROOMS", "PLAYERS", "SPECTATORS", "UPTIME",
                "VERSION");
  }
  for (const ServerStatus& s : *all) {
    const bool has_lag = leader != nullptr;
    const std::uint64_t lag = has_lag ? lag_of(s, *leader) : 0;
    if (has_lag && lag > flags.max_lag) {
      problems.push_back(s.server.id.short_str() + " lags " + std::to_string(lag) +
                         " entries behind the leader (more than " + std::to_string(flags.max_lag) +
                         ")");
    }
    const std::string role = std::string(role_of(s)) + (s.status.draining ? "*" : "");
    if (flags.json) {
      nlohmann::json j = {{"id", s.server.id.str()},
                          {"short_id", s.server.id.short_str()},
                          {"address", s.server.control.str()},
                          {"role", role_of(s)},
                          {"leader", leads(s) && leader == &s},
                          {"draining", s.status.draining == 1},
                          {"epoch", {{"term", s.epoch.term}, {"leader", s.epoch.leader.str()}}},
                          {"applied_seq", s.status.applied_seq},
                          {"commit_seq", s.status.commit_seq},
                          {"rooms", s.status.groups},
                          {"players", s.status.members},
                          {"spectators", s.status.watchers},
                          {"peers_alive", s.status.peers_alive},
                          {"uptime_s", static_cast<double>(s.status.uptime_ms) / 1000.0},
                          {"version", std::string(s.status.version.view())}};
      j["lag"] = has_lag ? nlohmann::json(lag) : nlohmann::json(nullptr);
      servers.push_back(j);
    } else {
      std::printf("%-8s  %-11s  %-14s  %9llu  %9llu  %6s  %5u  %7u  %10u  %8s  %s\n",
                  s.server.id.short_str().c_str(), role.c_str(), epoch_text(s.epoch).c_str(),
                  static_cast<unsigned long long>(s.status.applied_seq),
                  static_cast<unsigned long long>(s.status.commit_seq),
                  has_lag ? std::to_string(lag).c_str() : "-", s.status.groups, s.status.members,
                  s.status.watchers, uptime_text(s.status.uptime_ms).c_str(),
                  std::string(s.status.version.view()).c_str());
    }
  }
  if (flags.json) {
    nlohmann::json out = {
        {"servers", servers}, {"healthy", problems.empty()}, {"problems", problems}};
    out["leader"] = leader ? nlohmann::json(leader->server.id.str()) : nlohmann::json(nullptr);
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    bool any_draining = false;
    for (const ServerStatus& s : *all) any_draining = any_draining || s.status.draining == 1;
    if (any_draining) std::printf("(* draining: will not lead until restarted)\n");
    for (const std::string& p : problems) std::printf("unhealthy: %s\n", p.c_str());
  }
  return problems.empty() ? kExitOk : kExitUnhealthy;
}

int rooms(const CtlOptions& options, bool json) {
  if (!options.servers.empty()) {
    std::fprintf(stderr, "pong-ctl rooms: finds the cluster by broadcast; --server is not used\n");
  }
  RoomListQuery query;
  query.discovery_address = options.discovery_address;
  query.discovery_port = options.discovery_port;
  query.timeout_us = options.timeout_us;
  auto rooms = fetch_live_rooms(query);
  if (!rooms) {
    std::fprintf(stderr, "pong-ctl rooms: %s\n", rooms.error().c_str());
    return kExitFailed;
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const LiveRoom& r : *rooms) {
      out.push_back({{"game", r.game == Game::kRacing ? "racing" : "pong"},
                     {"room", r.room},
                     {"name", r.name},
                     {"players", r.players},
                     {"seats", r.seats},
                     {"phase", r.phase},
                     {"score", r.score}});
    }
    std::printf("%s\n", nlohmann::json{{"rooms", out}}.dump(2).c_str());
    return kExitOk;
  }
  std::printf("%-6s  %6s  %-16s  %7s  %-9s  %s\n", "GAME", "ROOM", "NAME", "PLAYERS", "PHASE",
              "SCORE");
  for (const LiveRoom& r : *rooms) {
    std::printf("%-6s  %6u  %-16s  %3d of %d  %-9s  %s\n",
                r.game == Game::kRacing ? "racing" : "pong", r.room,
                r.name.empty() ? "(quick match)" : r.name.c_str(), r.players, r.seats,
                r.phase.c_str(), r.score.c_str());
  }
  if (rooms->empty()) std::printf("(no live rooms)\n");
  return kExitOk;
}

int move_leader(CtlClient& ctl, const std::string& target_text, std::int64_t wait_ms) {
  auto all = survey(ctl, nullptr);
  if (!all) {
    std::fprintf(stderr, "pong-ctl move-leader: %s\n", all.error().c_str());
    return kExitFailed;
  }
  const auto servers = servers_of(*all);
  const auto target = match_server_id(servers, target_text);
  if (!target) {
    std::fprintf(stderr, "pong-ctl move-leader: no server %s answered\n", target_text.c_str());
    return kExitFailed;
  }
  const ServerStatus* leader = leader_of(*all);
  if (leader == nullptr) {
    std::fprintf(stderr, "pong-ctl move-leader: no server leads\n");
    return kExitFailed;
  }
  if (leader->server.id == *target) {
    std::printf("%s already leads epoch %s\n", target->short_str().c_str(),
                leader->epoch.str().c_str());
    return kExitOk;
  }
  for (const ServerStatus& s : *all) {
    if (s.server.id == *target && s.status.draining == 1) {
      std::fprintf(stderr,
                   "pong-ctl move-leader: %s is draining: it will not lead until restarted\n",
                   target->short_str().c_str());
      return kExitFailed;
    }
  }
  const Epoch before = leader->epoch;
  const auto since = Clock::now();
  auto reply = ctl.request(leader->server, wire::CtlCommand::kMoveLeader, *target);
  if (!reply) {
    std::fprintf(stderr, "pong-ctl move-leader: %s\n", reply.error().c_str());
    return kExitFailed;
  }
  if (reply->outcome != wire::CtlOutcome::kStarted) {
    std::fprintf(stderr, "pong-ctl move-leader: %s refused (%s): %s\n",
                 leader->server.id.short_str().c_str(), wire::ctl_outcome_name(reply->outcome),
                 reply->detail.c_str());
    return kExitFailed;
  }
  CtlServer successor;
  for (const CtlServer& s : servers) {
    if (s.id == *target) successor = s;
  }
  const double ms = wait_for(ctl, successor, since, wait_ms,
                             [&](const ServerStatus& s) { return leads(s) && s.epoch > before; });
  if (ms < 0) {
    std::fprintf(stderr, "pong-ctl move-leader: %s did not lead within %lld ms\n",
                 target->short_str().c_str(), static_cast<long long>(wait_ms));
    return kExitFailed;
  }
  std::printf("%s leads (was %s), %.1f ms after the request\n", target->short_str().c_str(),
              leader->server.id.short_str().c_str(), ms);
  return kExitOk;
}

int drain(CtlClient& ctl, const std::string& target_text, std::int64_t wait_ms) {
  auto all = survey(ctl, nullptr);
  if (!all) {
    std::fprintf(stderr, "pong-ctl drain: %s\n", all.error().c_str());
    return kExitFailed;
  }
  const auto servers = servers_of(*all);
  const auto target = match_server_id(servers, target_text);
  if (!target) {
    std::fprintf(stderr, "pong-ctl drain: no server %s answered\n", target_text.c_str());
    return kExitFailed;
  }
  CtlServer drained;
  for (const CtlServer& s : servers) {
    if (s.id == *target) drained = s;
  }
  const auto since = Clock::now();
  auto reply = ctl.request(drained, wire::CtlCommand::kDrain);
  if (!reply) {
    std::fprintf(stderr, "pong-ctl drain: %s\n", reply.error().c_str());
    return kExitFailed;
  }
  if (reply->outcome == wire::CtlOutcome::kDone) {
    std::printf("%s drains: %s\n", target->short_str().c_str(), reply->detail.c_str());
    return kExitOk;
  }
  if (reply->outcome != wire::CtlOutcome::kStarted) {
    std::fprintf(stderr, "pong-ctl drain: %s refused (%s): %s\n", target->short_str().c_str(),
                 wire::ctl_outcome_name(reply->outcome), reply->detail.c_str());
    return kExitFailed;
  }
  const double ms = wait_for(ctl, drained, since, wait_ms, [&](const ServerStatus& s) {
    return static_cast<ServerRole>(s.status.role) == ServerRole::kFollowing;
  });
  if (ms < 0) {
    std::fprintf(stderr, "pong-ctl drain: %s still leads after %lld ms\n",
                 target->short_str().c_str(), static_cast<long long>(wait_ms));
    return kExitFailed;
  }
  auto now = ctl.status_of(drained);
  std::printf("%s drains: handed over to %s, %.1f ms after the request\n",
              target->short_str().c_str(),
              now ? now->epoch.leader.short_str().c_str() : "the next leader", ms);
  return kExitOk;
}

}  // namespace dp::ctl
