// The chat cluster's checks: its invariants on every run with a [chat] section, its figures,
// and the facts the chat expectations are judged by.
//
//   kChatAckedEverywhere  every acknowledged message is in every chat replica's history
//                         exactly once: at the end, in every live replica that has caught up
//                         (and on the disk of every one that is down, at most once), and on
//                         a majority of the chat servers;
//   kChatSameOrder        every chat client takes its channel's lines in order with no gap,
//                         and two clients never show different messages as line n;
//   kChatNoDuplicates     no client shows a message twice, and no replica holds one twice
//                         (a resend after a failover is never ordered again).
//
// Chat failover as senders see it, per chat leader crash: the longest any message waited
// for its acknowledgement among those in flight at the crash or queued in the second after.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/run/invariants.h"
#include "sim/run/run_context.h"

namespace dp::sim {

class ChatChecks final : public SimObserver {
 public:
  ChatChecks(RunContext& run, InvariantObserver& invariants) : run_(run), invariants_(invariants) {}

  void on_host_crashing(TimeUs now, HostIndex h) override;
  // The chat clients' story in the timeline: first delivery, moves, the first rate limit.
  void after_step(TimeUs now, HostIndex h) override;
  // At the end of the run: the invariants and the figures.
  void finish();

  struct Verdict {
    bool passed = false;
    std::string detail;
  };
  Verdict delivered(TimeUs sent_before_us) const;
  Verdict max_latency(TimeUs max_us) const;
  Verdict rate_limited() const;

 private:
  struct Client {  // A chat client's record, copied at the end.
    std::string name;
    bool flooder = false;
    std::uint64_t client_id = 0;
    std::vector<ChatSeen> seen;
    std::vector<std::pair<TimeUs, TimeUs>> sends;  // (queued, acked) by msg id - 1.
    ChatClientStats stats;
  };

  void collect();
  void check_clients();
  void check_replicas();
  void figures();

  RunContext& run_;
  InvariantObserver& invariants_;
  std::vector<Client> clients_;
  std::vector<TimeUs> faults_;  // When a chat leader crashed.
  struct Told {                 // What the timeline already said of a chat client.
    bool delivered = false;
    bool limited = false;
    Epoch leader;
  };
  std::map<HostIndex, Told> told_;
};

}  // namespace dp::sim
