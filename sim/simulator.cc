#include "sim/simulator.h"

#include <algorithm>
#include <utility>
#include "core/common/assert.h"

namespace dp::sim {

const char* drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::kLoss:
      return "loss";
    case DropReason::kPartition:
      return "partition";
    case DropReason::kHostDown:
      return "host-down";
    case DropReason::kNoRoute:
      return "no-route";
  }
  return "?";
}

Simulator::Simulator(std::uint64_t seed) {
  // One root generator; each consumer gets its own forked stream so that, for example, a
  // change in how many datagrams are sent never shifts the node ids or node seeds.
  Rng root(seed);
  setup_rng_ = root.fork();
  network_rng_ = root.fork();
  node_seed_rng_ = root.fork();
  injected_rng_ = root.fork();
}

HostIndex Simulator::add_host(HostSpec spec, NodeFactory factory) {
  DP_ASSERT(hosts_.size() < kMaxHosts, "more hosts than the simulator addresses");
  const auto h = static_cast<HostIndex>(hosts_.size());
  const Endpoint* sockets[3] = {&spec.endpoints.discovery, &spec.endpoints.control,
                                &spec.endpoints.client};
  for (std::size_t c = 0; c < 3; ++c) {
    if (spec.has_channel[c]) {
      endpoint_owner_[*sockets[c]] = {h, static_cast<Channel>(c)};
    }
  }
  Host host;
  host.spec = std::move(spec);
  host.factory = std::move(factory);
  hosts_.push_back(std::move(host));
  return h;
}

void Simulator::schedule_start(HostIndex h, TimeUs at) { push(at, EventType::kStart, h, 0); }

void Simulator::schedule_call(TimeUs at, std::function<void()> fn) {
  calls_.push_back(std::move(fn));
  push(at, EventType::kCall, 0, calls_.size() - 1);
}

void Simulator::push(TimeUs at, EventType type, HostIndex host, std::uint64_t arg) {
  if (!queue_.push(at, type, host, arg)) queue_overflowed_ = true;
}

bool Simulator::crash(HostIndex h) {
  Host& host = hosts_[h];
  if (!host.up()) return false;
  for (SimObserver* o : observers_) o->on_host_crashing(now_, h);
  host.node.reset();
  ++host.incarnation;
  ++host.tick_generation;
  host.tick_at = -1;
  for (SimObserver* o : observers_) o->on_host_crashed(now_, h);
  return true;
}

void Simulator::wipe_disk(HostIndex h, const NodeId& new_id) {
  crash(h);
  hosts_[h].disk.wipe();
  hosts_[h].spec.id = new_id;
}

bool Simulator::restart(HostIndex h) {
  if (hosts_[h].up()) return false;
  start_host(h, /*restart=*/true);
  return true;
}

void Simulator::start_host(HostIndex h, bool restart) {
  Host& host = hosts_[h];
  host.spec.boot_stamp = static_cast<std::uint64_t>(now_) + 1;
  host.node = host.factory(host.spec, host.disk, node_seed_rng_.next_u64());
  host.ever_started = true;
  ++host.incarnation;
  for (SimObserver* o : observers_) o->on_host_started(now_, h, restart);
  host.node->start(now_);
  drain(h);
}

RunStatus Simulator::run_until(TimeUs end) {
  std::uint64_t processed = 0;
  while (!queue_.empty() && queue_.top().at <= end) {
    if (queue_overflowed_) return RunStatus::kQueueFull;
    if (processed++ >= max_events_per_run_) return RunStatus::kEventBudgetHit;
    const QueuedEvent e = queue_.pop();
    DP_ASSERT(e.at >= now_, "the event queue went back in time");
    now_ = e.at;
    ++stats_.events_processed;
    switch (e.type) {
      case EventType::kStart:
        // A scenario action may have started the host already.
        if (!hosts_[e.host].up() && !hosts_[e.host].ever_started) start_host(e.host, false);
        break;
      case EventType::kTick:
        tick(e.host, e.arg);
        break;
      case EventType::kDeliver:
        deliver(e.arg);
        break;
      case EventType::kCall: {
        // Move the callback out first: it may schedule more calls and grow calls_.
        std::function<void()> fn = std::move(calls_[e.arg]);
        calls_[e.arg] = nullptr;
        if (fn) fn();
        break;
      }
    }
  }
  if (queue_overflowed_) return RunStatus::kQueueFull;
  now_ = std::max(now_, end);
  return RunStatus::kOk;
}

void Simulator::tick(HostIndex h, std::uint64_t generation) {
  Host& host = hosts_[h];
  if (!host.up() || generation != host.tick_generation) return;  // Superseded.
  host.tick_at = -1;
  host.node->on_tick(now_);
  drain(h);
  if (host.up() && host.node->next_tick_at() <= now_) {
    if (stats_.tick_spins++ == 0) {
      stats_.first_spin_at = now_;
      stats_.first_spin_host = h;
    }
  }
}

void Simulator::deliver(std::uint64_t slot) {
  InFlight& f = in_flight_[slot];
  const Transit t = f.transit;
  const std::uint64_t incarnation = f.incarnation;
  const std::uint64_t sender_incarnation = f.sender_incarnation;
  // Take the bytes and free the slot before the node runs: its effects may schedule new
  // deliveries into the slot table. Swapping recycles both buffers' capacity.
  delivering_.swap(f.bytes);
  f.used = false;
  free_slots_.push_back(slot);

  Host& dst = hosts_[t.to_host];
  if (!dst.up() || incarnation != dst.incarnation ||
      sender_incarnation != hosts_[t.from_host].incarnation) {
    drop(t, DropReason::kHostDown);
    return;
  }
  if (!network_.connected(t.from_host, t.to_host)) {
    drop(t, DropReason::kPartition);
    return;
  }
  ++stats_.deliveries;
  for (SimObserver* o : observers_) o->on_deliver(now_, t, delivering_);
  dst.node->on_datagram(now_, t.channel, t.from, delivering_);
  drain(t.to_host);
}

void Simulator::drain(HostIndex h) {
  Host& host = hosts_[h];
  Outbox& outbox = host.node->outbox();
  // On disk (synced) before any datagram of the step leaves, as the real driver does.
  host.disk.write(outbox);
  for (const NodeEvent& event : outbox.events()) {
    for (SimObserver* o : observers_) o->on_node_event(h, event);
  }
  for (const OutDatagram& d : outbox.datagrams()) {
    ++stats_.datagrams_sent;
    for (SimObserver* o : observers_) o->on_send(now_, h, d);
    route(h, d, outbox.bytes(d));
  }
  outbox.clear();
  schedule_tick(h);
  for (SimObserver* o : observers_) o->after_step(now_, h);
}

void Simulator::schedule_tick(HostIndex h) {
  Host& host = hosts_[h];
  // A tick is never due before the next microsecond: a node that keeps asking for "now"
  // would otherwise spin at one instant forever (tick() counts it: stats().tick_spins).
  const TimeUs at = std::max(host.node->next_tick_at(), now_ + 1);
  if (at == host.tick_at) return;
  ++host.tick_generation;
  host.tick_at = at;
  push(at, EventType::kTick, h, host.tick_generation);
}

void Simulator::route(HostIndex h, const OutDatagram& d, std::span<const std::uint8_t> bytes) {
  const HostSpec& spec = hosts_[h].spec;
  Transit t;
  t.sent_at = now_;
  t.from_host = h;
  t.channel = Channel::kDiscovery;
  t.kind = d.kind;
  t.broadcast = d.broadcast;
  const auto from_channel = static_cast<std::size_t>(d.from);
  if (from_channel >= 3 || !spec.has_channel[from_channel]) {
    // The node sent from a socket its host does not have: nowhere to send from.
    t.to_host = h;
    drop(t, DropReason::kNoRoute);
    return;
  }
  const Endpoint sockets[3] = {spec.endpoints.discovery, spec.endpoints.control,
                               spec.endpoints.client};
  t.from = sockets[from_channel];
  dispatch(t, d.to, bytes, network_rng_);
}

void Simulator::inject(HostIndex h, Endpoint from, Endpoint to, bool broadcast, std::uint8_t kind,
                       std::span<const std::uint8_t> bytes) {
  Transit t;
  t.sent_at = now_;
  t.from_host = h;
  t.from = from;
  t.channel = Channel::kDiscovery;
  t.kind = kind;
  t.broadcast = broadcast;
  dispatch(t, to, bytes, injected_rng_);
}

void Simulator::dispatch(Transit t, Endpoint to, std::span<const std::uint8_t> bytes, Rng& rng) {
  const HostIndex h = t.from_host;
  if (t.broadcast) {
    // A broadcast reaches the discovery socket of every other host listening on that port
    // whose link from the sender is up (checked per receiver in transmit()).
    for (HostIndex j = 0; j < hosts_.size(); ++j) {
      const HostSpec& other = hosts_[j].spec;
      if (j == h || !other.has_channel[static_cast<std::size_t>(Channel::kDiscovery)]) continue;
      if (other.endpoints.discovery.port != to.port) continue;
      Transit copy = t;
      copy.to_host = j;
      copy.to = other.endpoints.discovery;
      copy.channel = Channel::kDiscovery;
      transmit(copy, bytes, rng);
    }
    return;
  }
  auto owner = endpoint_owner_.find(to);
  t.to = to;
  if (owner == endpoint_owner_.end()) {
    t.to_host = h;
    drop(t, DropReason::kNoRoute);
    return;
  }
  t.to_host = owner->second.first;
  t.channel = owner->second.second;
  transmit(t, bytes, rng);
}

void Simulator::transmit(Transit t, std::span<const std::uint8_t> bytes, Rng& rng) {
  if (!network_.connected(t.from_host, t.to_host)) {
    drop(t, DropReason::kPartition);
    return;
  }
  const LinkFate fate = network_.roll(t.from_host, t.to_host, rng);
  if (fate.lost) {
    drop(t, DropReason::kLoss);
    return;
  }
  for (int i = 0; i < fate.copies; ++i) {
    const auto copy = static_cast<std::size_t>(i);
    const std::uint64_t slot = alloc_slot();
    InFlight& f = in_flight_[slot];
    f.transit = t;
    f.transit.flow_id = next_flow_id_++;
    f.transit.duplicate = i > 0;
    f.transit.reordered = fate.reordered[copy];
    f.incarnation = hosts_[t.to_host].incarnation;
    f.sender_incarnation = hosts_[t.from_host].incarnation;
    f.bytes.assign(bytes.begin(), bytes.end());
    push(now_ + fate.delay_us[copy], EventType::kDeliver, t.to_host, slot);
  }
}

void Simulator::drop(const Transit& t, DropReason why) {
  ++stats_.drops_by_reason[static_cast<std::size_t>(why)];
  for (SimObserver* o : observers_) o->on_drop(now_, t, why);
}

std::uint64_t Simulator::alloc_slot() {
  if (!free_slots_.empty()) {
    const std::uint64_t slot = free_slots_.back();
    free_slots_.pop_back();
    in_flight_[slot].used = true;
    return slot;
  }
  in_flight_.emplace_back();
  in_flight_.back().used = true;
  return in_flight_.size() - 1;
}

}  // namespace dp::sim
