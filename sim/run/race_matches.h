// Racing as its racers saw it: who raced where, GO, the results each racer was shown, and the
// traffic check (every view of a race shows the traffic its seed gives at that tick, so all
// racers and spectators of a race see the same road, failovers included).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "core/services/racing/race.h"
#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class RaceMatches final : public SimObserver {
 public:
  RaceMatches(RunContext& run, InvariantObserver& invariants);

  void after_step(TimeUs now, HostIndex h) override {
    if (run_.is_client(h)) client_step(now, h);
  }
  // Fills the race figures.
  void finish();

 private:
  using RoomKey = std::pair<std::uint64_t, std::uint32_t>;  // (clusters changed, room)
  struct RaceTrack {
    RaceSummary summary;
    bool go_reported = false;
    bool over_reported = false;
    std::map<int, wire::RaceState> results;  // Each racer's final committed state.
  };
  struct ClientTrack {
    std::uint64_t states_seen = 0;
    RoomKey room{0, 0};
  };

  void client_step(TimeUs now, HostIndex h);
  void check_traffic(TimeUs now, HostIndex h, const wire::RaceState& st);
  void report_result(TimeUs now, RaceTrack& race, const wire::RaceState& st);

  RunContext& run_;
  InvariantObserver& invariants_;
  bool detailed_ = true;
  std::vector<ClientTrack> clients_;
  std::map<RoomKey, RaceTrack> races_;
  std::map<std::uint64_t, racing::TrafficReplay> traffic_;  // By seed.
};

}  // namespace dp::sim
