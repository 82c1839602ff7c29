#include "sim/run/flaps.h"

#include <cstdio>
#include <string>

namespace dp::sim {

void Flaps::start(TimeUs now, const ScenarioAction& a) {
  // Seeded by the flap's place among the run's flaps (not its line: a rewritten file flaps
  // the same way).
  std::uint64_t x = run_.result.seed ^ (static_cast<std::uint64_t>(flaps_.size() + 1) << 40) ^
                    static_cast<std::uint64_t>(a.at_us);
  Flap& f = flaps_.emplace_back(Flap{&a, Rng(Rng::splitmix64(x)), 0});
  char p[32];
  std::snprintf(p, sizeof p, "%g", a.probability);
  run_.network_note(
      now, "flap: " + what(a) + " down for " + std::to_string(a.down_us / kUsPerMs) + " ms every " +
               std::to_string(a.every_us / kUsPerMs) + " ms" +
               (a.probability < 1 ? " (each time with probability " + std::string(p) + ")"
                                  : std::string()) +
               " until " + RunContext::seconds_str(a.until_us));
  period(f, now);
}

void Flaps::period(Flap& f, TimeUs at) {
  const ScenarioAction& a = *f.action;
  if (at >= a.until_us) return;
  run_.sim.schedule_call(at + a.every_us, [this, &f, next = at + a.every_us] { period(f, next); });
  const auto ppm = static_cast<std::uint32_t>(a.probability * 1e6);
  if (a.probability < 1 && !f.rng.chance_ppm(ppm)) return;
  std::vector<Network::Link> cut = run_.sim.network().cut_up_links(links_of(a));
  if (++f.periods <= kNotedPeriods) {
    run_.network_note(at, "flap: " + what(a) + " down for " + std::to_string(a.down_us / kUsPerMs) +
                              " ms" +
                              (f.periods == kNotedPeriods ? " (further flaps not noted)" : ""));
  }
  const TimeUs up = std::min(at + a.down_us, a.until_us);
  run_.sim.schedule_call(up, [this, cut = std::move(cut)] { run_.sim.network().connect(cut); });
}

std::vector<Network::Link> Flaps::links_of(const ScenarioAction& a) const {
  if (a.node != 0) {
    return Network::links_of(run_.host_of(a.node, a.chat),
                             static_cast<HostIndex>(run_.sim.host_count()));
  }
  const HostIndex from = run_.host_of(a.from, a.chat);
  const HostIndex to = run_.host_of(a.to, a.chat);
  std::vector<Network::Link> links{{from, to}};
  if (a.both) links.emplace_back(to, from);
  return links;
}

std::string Flaps::what(const ScenarioAction& a) const {
  if (a.node != 0) return run_.name(run_.host_of(a.node, a.chat));
  return "link " + run_.name(run_.host_of(a.from, a.chat)) + (a.both ? " <-> " : " -> ") +
         run_.name(run_.host_of(a.to, a.chat));
}

}  // namespace dp::sim
