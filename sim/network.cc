#include "sim/network.h"

#include "core/common/assert.h"

namespace dp::sim {

Network::Network() : cut_(kMaxHosts * kMaxHosts, 0) {}

void Network::set_all_links(const LinkParams& params) {
  default_ = params;
  overrides_.clear();
}

void Network::set_link(HostIndex from, HostIndex to, const LinkParams& params) {
  overrides_[{from, to}] = params;
}

const LinkParams& Network::link(HostIndex from, HostIndex to) const {
  if (overrides_.empty()) return default_;
  auto it = overrides_.find({from, to});
  return it == overrides_.end() ? default_ : it->second;
}

bool Network::all_connected(HostIndex end) const {
  for (HostIndex a = 0; a < end; ++a) {
    for (HostIndex b = 0; b < end; ++b) {
      if (a != b && !connected(a, b)) return false;
    }
  }
  return true;
}

void Network::heal() { std::fill(cut_.begin(), cut_.end(), std::uint8_t{0}); }

std::vector<Network::Link> Network::links_of(HostIndex host, HostIndex host_count) {
  std::vector<Link> links;
  for (HostIndex h = 0; h < host_count; ++h) {
    if (h == host) continue;
    links.emplace_back(host, h);
    links.emplace_back(h, host);
  }
  return links;
}

std::vector<Network::Link> Network::cut_up_links(const std::vector<Link>& links) {
  std::vector<Link> cut_now;
  for (const auto& [from, to] : links) {
    if (!connected(from, to)) continue;
    cut(from, to);
    cut_now.emplace_back(from, to);
  }
  return cut_now;
}

void Network::connect(const std::vector<Link>& links) {
  for (const auto& [from, to] : links) connect(from, to);
}

void Network::partition(const std::vector<std::vector<HostIndex>>& groups, std::size_t host_count) {
  DP_ASSERT(host_count <= kMaxHosts, "more hosts than the network holds");
  // Group number per host; -1 means "in no group", i.e. isolated.
  std::vector<int> group_of(host_count, -1);
  for (std::size_t g = 0; g < groups.size(); ++g) {
    for (HostIndex h : groups[g]) {
      if (h < host_count) group_of[h] = static_cast<int>(g);
    }
  }
  for (HostIndex a = 0; a < host_count; ++a) {
    for (HostIndex b = 0; b < host_count; ++b) {
      const bool same = a == b || (group_of[a] >= 0 && group_of[a] == group_of[b]);
      cut_[index(a, b)] = same ? 0 : 1;
    }
  }
}

LinkFate Network::roll(HostIndex from, HostIndex to, Rng& rng) const {
  const LinkParams& p = link(from, to);
  LinkFate fate;
  // Decisions are drawn in a fixed order (loss, duplication, then per copy latency, jitter,
  // reordering), so the same stream always yields the same fates.
  fate.lost = rng.chance_ppm(p.loss_ppm);
  const bool duplicated = rng.chance_ppm(p.duplicate_ppm);
  if (fate.lost) return fate;
  fate.copies = duplicated ? 2 : 1;
  const TimeUs reorder_delay_us =
      p.reorder_delay_us > 0 ? p.reorder_delay_us : p.latency_max_us + p.jitter_us + kUsPerMs;
  for (int i = 0; i < fate.copies; ++i) {
    TimeUs delay = rng.range(p.latency_min_us, p.latency_max_us);
    if (p.jitter_us > 0) delay += rng.range(0, p.jitter_us);
    if (rng.chance_ppm(p.reorder_ppm)) {
      fate.reordered[static_cast<std::size_t>(i)] = true;
      delay += rng.range(reorder_delay_us / 2, reorder_delay_us);
    }
    fate.delay_us[static_cast<std::size_t>(i)] = delay < 1 ? 1 : delay;
  }
  return fate;
}

}  // namespace dp::sim
