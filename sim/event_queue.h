// The simulator's agenda: a priority queue of small events ordered by (time, insertion
// sequence).
//
// Ordering by insertion sequence among events at the same virtual time is what makes a run
// reproducible: two events scheduled for the same microsecond always fire in the order they
// were scheduled, whatever the heap does internally. Events are plain data; anything bulky
// (datagram bytes, scheduled callbacks) lives in side tables indexed by `arg`.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "core/common/types.h"

namespace dp::sim {

enum class EventType : std::uint8_t {
  kStart = 0,    // Start host `host`.
  kTick = 1,     // Tick host `host` if `arg` still equals its tick generation.
  kDeliver = 2,  // Deliver the in-flight datagram in slot `arg`.
  kCall = 3,     // Run scheduled callback `arg` (scenario actions and checks).
};

struct QueuedEvent {
  TimeUs at = 0;
  std::uint64_t seq = 0;  // Insertion sequence; breaks ties between equal times.
  EventType type = EventType::kCall;
  std::uint32_t host = 0;
  std::uint64_t arg = 0;
};

class EventQueue {
 public:
  // Upper bound on queued events; a push beyond it fails (the run is then aborted), so a
  // runaway node cannot exhaust memory.
  static constexpr std::size_t kDefaultMaxEvents = std::size_t{1} << 22;

  explicit EventQueue(std::size_t max_events = kDefaultMaxEvents) : max_events_(max_events) {}

  // Returns false (and queues nothing) when the queue is full.
  bool push(TimeUs at, EventType type, std::uint32_t host, std::uint64_t arg) {
    if (heap_.size() >= max_events_) return false;
    heap_.push(QueuedEvent{at, next_seq_++, type, host, arg});
    return true;
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const QueuedEvent& top() const { return heap_.top(); }
  QueuedEvent pop() {
    QueuedEvent e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const QueuedEvent& a, const QueuedEvent& b) const {
      if (a.at != b.at) return a.at > b.at;
      return a.seq > b.seq;
    }
  };
  std::size_t max_events_;
  std::uint64_t next_seq_ = 0;
  std::priority_queue<QueuedEvent, std::vector<QueuedEvent>, Later> heap_;
};

}  // namespace dp::sim
