// The emulated network: per directed link timing and fault probabilities, and a
// connectivity matrix for partitions.
//
// Links are directed (A -> B is separate from B -> A), so one-way cuts and non-transitive
// connectivity (A-B and B-C up, A-C cut) are ordinary matrix states. Every random choice is
// drawn from the caller's dp::Rng with integer arithmetic (probabilities in parts per
// million), so a run is bit-exact across machines.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "core/common/rng.h"
#include "core/common/types.h"

namespace dp::sim {

using HostIndex = std::uint32_t;

// Upper bound on hosts in one simulation; bounds the connectivity matrix.
constexpr std::size_t kMaxHosts = 256;

struct LinkParams {
  TimeUs latency_min_us = 200;
  TimeUs latency_max_us = 800;
  // Extra uniform delay in [0, jitter_us] on top of the latency draw.
  TimeUs jitter_us = 0;
  std::uint32_t loss_ppm = 0;       // Probability a datagram is lost.
  std::uint32_t duplicate_ppm = 0;  // Probability a delivered datagram arrives twice.
  std::uint32_t reorder_ppm = 0;    // Probability a copy is held back so later ones overtake it.
  // Extra delay of a reordered copy; 0 means "latency_max_us + jitter_us + 1 ms", enough for
  // a datagram sent right after it to arrive first.
  TimeUs reorder_delay_us = 0;

  auto operator<=>(const LinkParams&) const = default;
};

// What the network does with one datagram on one link.
struct LinkFate {
  static constexpr int kMaxCopies = 2;
  bool lost = false;
  int copies = 0;  // 0 when lost, 2 when duplicated, else 1.
  std::array<TimeUs, kMaxCopies> delay_us{};
  std::array<bool, kMaxCopies> reordered{};
};

class Network {
 public:
  Network();

  // Sets the parameters of every link (and forgets per-link overrides).
  void set_all_links(const LinkParams& params);
  void set_link(HostIndex from, HostIndex to, const LinkParams& params);
  const LinkParams& link(HostIndex from, HostIndex to) const;
  const LinkParams& default_link() const { return default_; }
  // Every link has the default parameters (no per-link override).
  bool uniform() const { return overrides_.empty(); }
  // No link between two of the hosts [0, end) is cut.
  bool all_connected(HostIndex end) const;

  // Connectivity. A fresh network is fully connected.
  bool connected(HostIndex from, HostIndex to) const { return !cut_[index(from, to)]; }
  void cut(HostIndex from, HostIndex to) { cut_[index(from, to)] = 1; }
  void connect(HostIndex from, HostIndex to) { cut_[index(from, to)] = 0; }
  void heal();
  using Link = std::pair<HostIndex, HostIndex>;  // from -> to.
  // Every link of `host`, both ways, to and from each other host below `host_count`.
  static std::vector<Link> links_of(HostIndex host, HostIndex host_count);
  // Cuts those of `links` that are up, and returns them: connecting just those later takes
  // back this cut and no other (a link already down stays down).
  std::vector<Link> cut_up_links(const std::vector<Link>& links);
  void connect(const std::vector<Link>& links);
  // Links are up exactly between members of the same group; hosts in no group (below
  // `host_count`) are isolated from everyone.
  void partition(const std::vector<std::vector<HostIndex>>& groups, std::size_t host_count);

  // Draws the fate of one datagram on the link from -> to (which must be connected).
  LinkFate roll(HostIndex from, HostIndex to, Rng& rng) const;

 private:
  static std::size_t index(HostIndex from, HostIndex to) { return from * kMaxHosts + to; }

  LinkParams default_;
  std::map<std::pair<HostIndex, HostIndex>, LinkParams> overrides_;
  std::vector<std::uint8_t> cut_;  // kMaxHosts x kMaxHosts; 1 = from -> to is cut.
};

}  // namespace dp::sim
