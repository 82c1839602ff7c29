// The quorum arithmetic of the log, in one place.
//
// A commit waits for `required_replicas` followers (besides the leader) to hold an entry.
// A new leader serves only after `reports_needed` followers have said how far they got, so
// that any group which could have confirmed a commit overlaps the reports (flexible quorums:
// (reports + 1) + (replicas + 1) > servers): one of them holds every entry clients saw.
#pragma once

#include <algorithm>
#include <cstddef>

namespace dp {

struct Quorum {
  // min_replicas value meaning "half the cluster": with the leader, a majority.
  static constexpr std::size_t kMajority = static_cast<std::size_t>(-1);

  std::size_t known_servers = 0;  // Other servers known, live or not.
  std::size_t required_replicas = 0;
  std::size_t reports_needed = 0;

  // Every server we know of could be the next leader, so a commit waits for min_replicas of
  // them even when they are silent: a lone survivor freezes rather than show what a crash
  // could take back. Only a cluster of one commits alone.
  static Quorum of(std::size_t known_servers, std::size_t min_replicas) {
    Quorum q;
    q.known_servers = known_servers;
    const std::size_t servers = known_servers + 1;
    q.required_replicas =
        min_replicas == kMajority ? servers / 2 : std::min(min_replicas, known_servers);
    q.reports_needed = std::max(q.required_replicas, servers - q.required_replicas - 1);
    return q;
  }
};

}  // namespace dp
