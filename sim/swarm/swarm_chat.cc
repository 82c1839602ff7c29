#include "sim/swarm/swarm_chat.h"

#include <algorithm>

namespace dp::sim {
namespace {

TimeUs ms(std::int64_t v) { return v * kUsPerMs; }

ScenarioAction chat_action(TimeUs t, ActionKind kind) {
  ScenarioAction a;
  a.at_us = t;
  a.kind = kind;
  a.chat = true;
  return a;
}

}  // namespace

void add_swarm_chat(Rng& rng, Scenario& s, TimeUs safety_us) {
  if (rng.uniform(3) != 0) return;
  ChatSpec& c = s.chat;
  c.servers = rng.uniform(2) == 0 ? 3 : 5;
  c.clients = static_cast<int>(rng.range(2, 3));
  c.interval_us = ms(100);
  c.start_us = ms(rng.range(300, 1000));
  // They talk until the heal (and not after: what they sent must arrive by the end).
  c.messages = static_cast<int>(std::max<TimeUs>(1, (safety_us - c.start_us) / c.interval_us));
  const int events = static_cast<int>(rng.range(0, 5));
  for (int i = 0; i < events; ++i) {
    const TimeUs t = ms(rng.range(0, safety_us / kUsPerMs));
    switch (rng.uniform(5)) {
      case 0:
        s.actions.push_back(chat_action(t, ActionKind::kCrashLeader));
        break;
      case 1: {
        ScenarioAction a = chat_action(t, ActionKind::kCrash);
        a.node = static_cast<int>(rng.range(1, c.servers));
        s.actions.push_back(a);
        ScenarioAction back =
            chat_action(std::min(safety_us, t + ms(rng.range(100, 3000))), ActionKind::kRestart);
        back.node = a.node;
        s.actions.push_back(back);
        break;
      }
      case 2: {
        ScenarioAction a = chat_action(t, ActionKind::kPartition);
        a.groups.resize(2);
        for (int n = 1; n <= c.servers; ++n) a.groups[rng.uniform(2)].push_back(n);
        if (a.groups[1].empty()) a.groups.pop_back();
        if (a.groups[0].empty()) a.groups.erase(a.groups.begin());
        s.actions.push_back(a);
        break;
      }
      case 3: {
        s.actions.push_back(chat_action(t, ActionKind::kCrashAll));
        s.actions.push_back(
            chat_action(std::min(safety_us, t + ms(rng.range(50, 2000))), ActionKind::kRestartAll));
        break;
      }
      default: {  // The partition mended: every chat server in one group.
        ScenarioAction a = chat_action(t, ActionKind::kPartition);
        a.groups.resize(1);
        for (int n = 1; n <= c.servers; ++n) a.groups[0].push_back(n);
        s.actions.push_back(a);
        break;
      }
    }
  }
  // The heal: every chat server up, every chat link up.
  s.actions.push_back(chat_action(safety_us, ActionKind::kRestartAll));
  ScenarioAction mend = chat_action(safety_us, ActionKind::kPartition);
  mend.groups.resize(1);
  for (int n = 1; n <= c.servers; ++n) mend.groups[0].push_back(n);
  s.actions.push_back(mend);
  sort_actions_by_time(s.actions);
  Expectation delivered;
  delivered.kind = ExpectKind::kChatDelivered;
  s.expectations.push_back(delivered);
}

}  // namespace dp::sim
