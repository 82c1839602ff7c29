#include "sim/run/status_view.h"

#include <cstdio>

namespace dp::sim {

StatusView::StatusView(RunContext& run)
    : run_(run), seen_(static_cast<std::size_t>(run.servers())) {}

void StatusView::after_step(TimeUs now, HostIndex h) {
  if (run_.is_game_server(h)) check(now, h);
}

void StatusView::on_host_started(TimeUs now, HostIndex h, bool) {
  if (run_.is_game_server(h)) check(now, h);
}

void StatusView::on_host_crashed(TimeUs now, HostIndex h) {
  if (run_.is_game_server(h)) check(now, h);
}

StatusView::Seen StatusView::seen_now(HostIndex h) const {
  Seen s;
  if (!run_.live(h)) return s;
  const ServerNode& node = run_.server(h);
  s.up = true;
  switch (node.role_kind()) {
    case ServerRole::kLeading:
      s.role = node.replica().hosting() ? 'L' : 'R';
      break;
    case ServerRole::kFollowing:
      s.role = 'F';
      break;
    case ServerRole::kCandidate:
      s.role = 'C';
      break;
    case ServerRole::kBackingOff:
      s.role = 'B';
      break;
    case ServerRole::kLeaderless:
      s.role = '-';
      break;
    case ServerRole::kStopped:
      s.role = 'X';
      break;
  }
  s.epoch = node.epoch();
  s.synced = node.replica().synced_epoch();
  return s;
}

void StatusView::check(TimeUs now, HostIndex h) {
  const Seen s = seen_now(h);
  if (s == seen_[h]) return;
  seen_[h] = s;
  RunResult& result = run_.result;
  if (result.status.size() >= kMaxStatusLines) {
    ++result.status_dropped;
    return;
  }
  char at[32];
  std::snprintf(at, sizeof at, "%8.3fs ", static_cast<double>(now) / 1e6);
  std::string line = at;
  for (HostIndex i = 0; i < run_.servers(); ++i) {
    line += (i == 0 ? " " : " |") + column(i, i == h);
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  result.status.push_back(std::move(line));
}

std::string StatusView::short_epoch(const Epoch& e) const {
  if (e.is_none()) return "-";
  const auto h = run_.server_of(e.leader);
  return std::to_string(e.term) + "/" +
         (h ? "n" + std::to_string(RunContext::number(*h)) : e.leader.short_str());
}

std::string StatusView::column(HostIndex h, bool changed) const {
  const std::string name = (changed ? "*n" : " n") + std::to_string(RunContext::number(h));
  char buf[128];
  if (!run_.live(h)) {
    std::snprintf(buf, sizeof buf, "%-4s X %-6s %7s %-7s %4s", name.c_str(), "", "", "", "");
    return buf;
  }
  const ServerNode& node = run_.server(h);
  const LogReplica& replica = node.replica();
  const char role = seen_[h].role;
  const std::string commit =
      replica.hosting() ? std::to_string(replica.commit_seq()) : std::string("-");
  std::string ring = "";
  if (replica.hosting()) {
    const EntryRing& r = replica.sequencer().ring();
    ring = std::to_string(r.size() * 100 / std::max<std::uint64_t>(r.capacity(), 1)) + "%";
  }
  std::snprintf(buf, sizeof buf, "%-4s %c %-6s %7llu %-7s %4s", name.c_str(), role,
                short_epoch(node.epoch()).c_str(),
                static_cast<unsigned long long>(replica.applied_seq()), commit.c_str(),
                ring.c_str());
  return buf;
}

}  // namespace dp::sim
