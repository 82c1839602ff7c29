// The deterministic driver: virtual time, the event queue, the host table and the network.
//
// It drives dp::Node objects exactly as the real Asio driver does (start, on_datagram,
// on_tick, then drain the outbox), but time is an integer that jumps from event to event and
// every datagram goes through the emulated network. All randomness comes from one dp::Rng
// seeded by the caller and split into independent sub-streams, so a seed fixes the run.
//
// What the simulator knows nothing about: elections, scenarios, expectations. Those watch
// the run through SimObserver (see runner.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "core/common/node.h"
#include "core/common/rng.h"
#include "sim/event_queue.h"
#include "sim/host.h"
#include "sim/network.h"

namespace dp::sim {

enum class DropReason : std::uint8_t {
  kLoss = 0,       // The link lost it.
  kPartition = 1,  // The link was cut at send time or while the datagram was in flight.
  kHostDown = 2,   // The receiver was down, or either end crashed while it was in flight.
  kNoRoute = 3,    // No host owns the destination endpoint.
};
const char* drop_reason_name(DropReason reason);

// One datagram on one link (a broadcast becomes one of these per receiving host).
struct Transit {
  std::uint64_t flow_id = 0;  // Unique per scheduled copy; 0 for datagrams dropped at send.
  TimeUs sent_at = 0;
  HostIndex from_host = 0;
  HostIndex to_host = 0;                // Meaningless for kNoRoute drops.
  Endpoint from;                        // Sender's socket.
  Endpoint to;                          // Receiver's socket.
  Channel channel = Channel::kControl;  // Receiving socket.
  std::uint8_t kind = 0;                // Message type.
  bool broadcast = false;
  bool duplicate = false;  // The second copy of a duplicated datagram.
  bool reordered = false;
};

// Hooks for recorders (timeline, digest, trace, invariants). All default to no-ops.
class SimObserver {
 public:
  virtual ~SimObserver() = default;
  // A node put a datagram in its outbox (before routing; a broadcast is reported once).
  virtual void on_send(TimeUs /*now*/, HostIndex /*from*/, const OutDatagram& /*d*/) {}
  // Just before the receiving node's on_datagram().
  virtual void on_deliver(TimeUs /*now*/, const Transit& /*t*/,
                          std::span<const std::uint8_t> /*bytes*/) {}
  virtual void on_drop(TimeUs /*now*/, const Transit& /*t*/, DropReason /*why*/) {}
  virtual void on_node_event(HostIndex /*host*/, const NodeEvent& /*event*/) {}
  virtual void on_host_started(TimeUs /*now*/, HostIndex /*host*/, bool /*restart*/) {}
  // Called before the node object is destroyed, so observers can still inspect it.
  virtual void on_host_crashing(TimeUs /*now*/, HostIndex /*host*/) {}
  virtual void on_host_crashed(TimeUs /*now*/, HostIndex /*host*/) {}
  // After any node step has been drained (start, datagram, tick).
  virtual void after_step(TimeUs /*now*/, HostIndex /*host*/) {}
};

struct SimStats {
  std::uint64_t events_processed = 0;
  std::uint64_t datagrams_sent = 0;  // Outbox entries (a broadcast counts once).
  std::uint64_t deliveries = 0;
  std::uint64_t drops_by_reason[4] = {};
  // Ticks a node asked for at or before the instant of the tick it was just given: a node
  // that keeps asking for "now" would spin at one instant. Each is pushed to the next
  // microsecond (so the run still ends) and counted; the first is kept for the report.
  std::uint64_t tick_spins = 0;
  TimeUs first_spin_at = -1;
  HostIndex first_spin_host = 0;
};

enum class RunStatus : std::uint8_t {
  kOk = 0,
  kQueueFull = 1,       // The event queue hit its bound.
  kEventBudgetHit = 2,  // More events than max_events_per_run.
};

class Simulator {
 public:
  // Upper bound on events one run_until() call processes; guards against a node that asks
  // for ticks in a tight loop.
  static constexpr std::uint64_t kDefaultMaxEventsPerRun = 500'000'000;

  explicit Simulator(std::uint64_t seed);

  // Host table. Hosts are numbered 0.. in the order added; at most kMaxHosts.
  HostIndex add_host(HostSpec spec, NodeFactory factory);
  std::size_t host_count() const { return hosts_.size(); }
  const Host& host(HostIndex h) const { return hosts_[h]; }
  Node* node(HostIndex h) { return hosts_[h].node.get(); }
  const Node* node(HostIndex h) const { return hosts_[h].node.get(); }

  // Schedules the first start of a host.
  void schedule_start(HostIndex h, TimeUs at);
  // Schedules a callback (scenario actions, checks). Callbacks at the same time run in the
  // order they were scheduled.
  void schedule_call(TimeUs at, std::function<void()> fn);

  // Immediate actions at now(); no-ops (returning false) if already in that state. A crash
  // loses everything in flight to or from the host: the node object (its volatile state) is
  // destroyed and datagrams it sent that have not arrived yet are dropped too, as if its
  // queues vanished with it. Its persisted state ("disk") survives for restart().
  bool crash(HostIndex h);
  bool restart(HostIndex h);
  // Replaces a host's machine: crashed (if up), its disk emptied, and the next start runs
  // under `new_id` (a replaced machine has no identity of its own yet).
  void wipe_disk(HostIndex h, const NodeId& new_id);

  Network& network() { return network_; }
  const Network& network() const { return network_; }

  // A datagram no node's outbox holds: host `h` puts it on the wire with `from` as its source
  // (any endpoint: a spoofed one), to the socket `to`, or (`broadcast`) to every other host's
  // discovery socket on port to.port. It travels like any datagram (links, partitions, the
  // receiver's incarnation), its fate drawn from a stream of its own so the rest of the run's
  // network draws stay as they were; observers see it delivered or dropped, never sent
  // (on_send reports nodes' outboxes).
  void inject(HostIndex h, Endpoint from, Endpoint to, bool broadcast, std::uint8_t kind,
              std::span<const std::uint8_t> bytes);

  void add_observer(SimObserver* observer) { observers_.push_back(observer); }

  // Processes every event with time <= end, then sets now() to end.
  RunStatus run_until(TimeUs end);
  TimeUs now() const { return now_; }
  const SimStats& stats() const { return stats_; }
  void set_max_events_per_run(std::uint64_t max_events) { max_events_per_run_ = max_events; }

  // Generator streams for the caller (e.g. node ids); independent of the network's.
  Rng& setup_rng() { return setup_rng_; }

 private:
  struct InFlight {
    Transit transit;
    std::uint64_t incarnation = 0;         // Receiver's incarnation at send time.
    std::uint64_t sender_incarnation = 0;  // Sender's incarnation at send time.
    std::vector<std::uint8_t> bytes;
    bool used = false;
  };

  void start_host(HostIndex h, bool restart);
  void deliver(std::uint64_t slot);
  void tick(HostIndex h, std::uint64_t generation);
  // Carries out the effects in the node's outbox and reschedules its tick.
  void drain(HostIndex h);
  void route(HostIndex h, const OutDatagram& d, std::span<const std::uint8_t> bytes);
  // Sends `t` (its source filled in) to `to`, or as a broadcast; fates drawn from `rng`.
  void dispatch(Transit t, Endpoint to, std::span<const std::uint8_t> bytes, Rng& rng);
  void transmit(Transit transit, std::span<const std::uint8_t> bytes, Rng& rng);
  void drop(const Transit& transit, DropReason why);
  void schedule_tick(HostIndex h);
  void push(TimeUs at, EventType type, HostIndex host, std::uint64_t arg);
  std::uint64_t alloc_slot();

  TimeUs now_ = 0;
  EventQueue queue_;
  Rng setup_rng_;    // Ids and node seeds.
  Rng network_rng_;  // Link fates.
  Rng node_seed_rng_;
  Rng injected_rng_;  // Link fates of injected datagrams.
  Network network_;
  std::vector<Host> hosts_;
  // Which host and socket own an endpoint.
  std::map<Endpoint, std::pair<HostIndex, Channel>> endpoint_owner_;
  std::vector<InFlight> in_flight_;  // Slots, reused through free_slots_.
  std::vector<std::uint64_t> free_slots_;
  std::vector<std::uint8_t> delivering_;  // Bytes of the datagram being delivered.
  std::vector<std::function<void()>> calls_;
  std::vector<SimObserver*> observers_;
  SimStats stats_;
  std::uint64_t next_flow_id_ = 1;
  std::uint64_t max_events_per_run_ = kDefaultMaxEventsPerRun;
  bool queue_overflowed_ = false;
};

}  // namespace dp::sim
