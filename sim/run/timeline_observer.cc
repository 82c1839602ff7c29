#include "sim/run/timeline_observer.h"

namespace dp::sim {

void TimelineObserver::on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t>) {
  if (!run_.options.record_trace) return;
  TraceRecord r;
  r.what = TraceRecord::What::kMessage;
  r.at_us = t.sent_at;
  r.arrive_us = now;
  r.from = t.from_host;
  r.to = t.to_host;
  r.kind = t.kind;
  r.flow_id = t.flow_id;
  run_.add_trace(std::move(r));
}

void TimelineObserver::on_drop(TimeUs now, const Transit& t, DropReason why) {
  if (!run_.options.record_trace) return;
  TraceRecord r;
  r.what = TraceRecord::What::kDrop;
  r.at_us = now;
  r.from = t.from_host;
  r.to = t.to_host;
  r.kind = t.kind;
  r.name = drop_reason_name(why);
  run_.add_trace(std::move(r));
}

void TimelineObserver::on_node_event(HostIndex h, const NodeEvent& e) {
  if (run_.is_client(h) || run_.is_chat_client(h)) return;
  if (run_.is_chat_server(h)) {
    // The chat cluster's story: who leads it, in one line per change.
    if (e.kind == NodeEventKind::kBecameLeader) {
      run_.note(e.at,
                run_.name(h) + " leads the chat cluster (epoch " + run_.epoch_name(e.epoch) + ")");
    }
    return;
  }
  if (e.kind == NodeEventKind::kSnapshotInstalled) {
    // Collapse repeats: one line per node per second is enough to tell the story.
    TimeUs& last = last_snapshot_line_[h];
    if (last == 0 || e.at - last >= kUsPerSecond) {
      last = e.at;
      run_.note(e.at, run_.name(h) + " installed a snapshot of the replicated state (as of seq " +
                          std::to_string(e.seq) + ") from " + run_.server_name(e.peer));
    }
    return;
  }
  if (e.kind == NodeEventKind::kStateLoaded) {
    run_.note(e.at, run_.name(h) + " loaded its durable state from disk (as of seq " +
                        std::to_string(e.seq) + ", epoch " + run_.epoch_name(e.epoch) + ")");
    return;
  }
  if (e.kind == NodeEventKind::kStateRefused) {
    run_.note(e.at, run_.name(h) + " refused the state on its disk (it does not decode)");
    return;
  }
  if (!is_cluster_milestone(e.kind)) return;
  TimelineEntry t;
  t.at_us = e.at;
  t.what = TimelineEntry::What::kNodeEvent;
  t.node = RunContext::number(h);
  t.event = e;
  run_.add_timeline(std::move(t));
  if (run_.options.record_trace) {
    TraceRecord r;
    r.what = TraceRecord::What::kInstant;
    r.at_us = e.at;
    r.from = h;
    r.name = std::string(node_event_name(e.kind));
    if (!e.epoch.is_none()) r.name += " " + run_.epoch_name(e.epoch);
    run_.add_trace(std::move(r));
  }
}

void TimelineObserver::on_host_started(TimeUs now, HostIndex h, bool restart) {
  if (run_.is_chat_server(h) && restart) run_.note(now, run_.name(h) + " restarted");
  if (run_.is_client(h) || run_.is_chat(h) || run_.is_attacker(h)) {
    run_.instant(now, h, "started");
    return;
  }
  TimelineEntry t;
  t.at_us = now;
  t.what = restart ? TimelineEntry::What::kRestarted : TimelineEntry::What::kStarted;
  t.node = RunContext::number(h);
  t.disk_term = run_.sim.host(h).disk.state.highest_term;
  run_.add_timeline(std::move(t));
  run_.instant(now, h, restart ? "restarted" : "started");
}

void TimelineObserver::on_host_crashing(TimeUs now, HostIndex h) {
  const ServerNode& s = run_.server(h);
  if (run_.is_chat_server(h)) {
    run_.note(now,
              run_.name(h) + (s.is_leader() ? " crashed (it led the chat cluster)" : " crashed"));
    run_.instant(now, h, "crashed");
    return;
  }
  TimelineEntry t;
  t.at_us = now;
  t.what = TimelineEntry::What::kCrashed;
  t.node = RunContext::number(h);
  t.was_leader = s.is_leader();
  t.epoch = s.epoch();
  run_.add_timeline(std::move(t));
  run_.instant(now, h, s.is_leader() ? "crashed (leader)" : "crashed");
}

}  // namespace dp::sim
