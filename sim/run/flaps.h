// The "flap" action: a link or a server goes down for down_ms every every_ms, from at_ms until
// until_ms (default: the end of the run), each interval only with `probability` (default 1):
// one line in the file instead of hundreds of cut and connect events. A flapping server has
// every link cut both ways (it stays up, hearing and heard by nobody); a flapping link is cut
// from `from` to `to` (and back too with both = true). Only the links that were up when a
// period began come back at its end, so a flap never undoes another cut.
//
// Whether an interval flaps is drawn from a generator of the flap's own, seeded from the run's
// seed and the flap's start time and place among the run's flaps: the same scenario and seed flap
// the same way, and adding a flap changes nothing else in the run.
#pragma once

#include <deque>
#include <utility>
#include <vector>

#include "core/common/rng.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class Flaps {
 public:
  // The first periods of each flap are noted in the timeline; the rest only happen.
  static constexpr std::uint64_t kNotedPeriods = 5;

  explicit Flaps(RunContext& run) : run_(run) {}

  // Starts the schedule of a kFlap action (at its at_ms).
  void start(TimeUs now, const ScenarioAction& a);

 private:
  struct Flap {
    const ScenarioAction* action = nullptr;
    Rng rng;
    std::uint64_t periods = 0;  // Down periods so far.
  };
  void period(Flap& f, TimeUs at);
  std::vector<Network::Link> links_of(const ScenarioAction& a) const;
  std::string what(const ScenarioAction& a) const;

  RunContext& run_;
  std::deque<Flap> flaps_;  // Stable addresses for the scheduled calls.
};

}  // namespace dp::sim
