#include "sim/run/run_context.h"

namespace dp::sim {

RunContext::RunContext(const Scenario& s, const RunOptions& o)
    : scenario(s), options(o), sim(o.seed.value_or(s.seed)), has_attacker(s.has_attacker()) {
  result.file = s.file;
  result.title = s.title;
  result.seed = o.seed.value_or(s.seed);
  result.duration_us = s.duration_us;
  result.servers = s.servers;
}

std::string RunContext::name(HostIndex h) const {
  if (is_chat_server(h)) return "chat node " + std::to_string(h - chat_servers_begin() + 1);
  if (is_chat_client(h)) return "chat client " + std::to_string(h - chat_servers_end() + 1);
  if (is_attacker(h)) return "attacker";
  return "node " + std::to_string(number(h));
}

std::optional<HostIndex> RunContext::server_of(const NodeId& id) const {
  for (HostIndex h = 0; h < chat_servers_end(); ++h) {
    if (!is_server(h)) continue;
    if (sim.host(h).spec.id == id) return h;
    for (const NodeId& former : result.hosts[h].former_ids) {
      if (former == id) return h;
    }
  }
  return std::nullopt;
}

std::string RunContext::server_name(const NodeId& id) const {
  const auto h = server_of(id);
  return h ? name(*h) : "node " + id.short_str();
}

std::string RunContext::epoch_name(const Epoch& e) const {
  if (e.is_none()) return "none";
  const auto h = server_of(e.leader);
  return h ? std::to_string(e.term) + "/" + name(*h) : e.str();
}

void RunContext::add_timeline(TimelineEntry t) {
  if (result.timeline.size() >= kMaxTimelineEntries) {
    ++result.timeline_dropped;
    return;
  }
  result.timeline.push_back(std::move(t));
}

void RunContext::add_trace(TraceRecord r) {
  if (result.trace.size() >= kMaxTraceRecords) {
    ++result.trace_dropped;
    return;
  }
  result.trace.push_back(std::move(r));
}

void RunContext::instant(TimeUs now, HostIndex h, std::string what) {
  if (!options.record_trace) return;
  TraceRecord r;
  r.what = TraceRecord::What::kInstant;
  r.at_us = now;
  r.from = h;
  r.name = std::move(what);
  add_trace(std::move(r));
}

void RunContext::network_note(TimeUs now, std::string text) {
  if (options.record_trace) {
    for (HostIndex h = 0; h < servers(); ++h) instant(now, h, text);
  }
  text_entry(now, TimelineEntry::What::kNetwork, text);
}

void RunContext::text_entry(TimeUs now, TimelineEntry::What what, std::string& text) {
  TimelineEntry t;
  t.at_us = now;
  t.what = what;
  t.text = std::move(text);
  add_timeline(std::move(t));
}

std::string RunContext::seconds_str(TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", static_cast<double>(t) / 1e6);
  return buf;
}

std::string RunContext::ms_str(TimeUs t) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(t) / 1e3);
  return buf;
}

}  // namespace dp::sim
