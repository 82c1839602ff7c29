#include "sim/swarm/determinism.h"

#include <algorithm>
#include <cstdio>

#include "sim/report.h"

namespace dp::sim {
namespace {

bool same(const TraceRecord& a, const TraceRecord& b) {
  return a.what == b.what && a.at_us == b.at_us && a.arrive_us == b.arrive_us && a.from == b.from &&
         a.to == b.to && a.kind == b.kind && a.flow_id == b.flow_id && a.name == b.name;
}

bool same(const TimelineEntry& a, const TimelineEntry& b) {
  return a.at_us == b.at_us && a.what == b.what && a.node == b.node &&
         a.event.kind == b.event.kind && a.event.at == b.event.at && a.event.peer == b.event.peer &&
         a.event.epoch == b.event.epoch && a.event.seq == b.event.seq &&
         a.event.attempt == b.event.attempt && a.was_leader == b.was_leader && a.epoch == b.epoch &&
         a.disk_term == b.disk_term && a.text == b.text;
}

std::string describe_timeline(const TimelineEntry& t) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%.6f s node %d what %d event %d",
                static_cast<double>(t.at_us) / 1e6, t.node, static_cast<int>(t.what),
                static_cast<int>(t.event.kind));
  return std::string(buf) + (t.text.empty() ? "" : " \"" + t.text + "\"");
}

}  // namespace

std::string describe_trace_record(const TraceRecord& r) {
  char buf[160];
  switch (r.what) {
    case TraceRecord::What::kMessage:
      std::snprintf(buf, sizeof buf,
                    "message sent %.6f s arrives %.6f s host %u -> host %u type %u flow %llu",
                    static_cast<double>(r.at_us) / 1e6, static_cast<double>(r.arrive_us) / 1e6,
                    r.from, r.to, r.kind, static_cast<unsigned long long>(r.flow_id));
      return buf;
    case TraceRecord::What::kDrop:
      std::snprintf(buf, sizeof buf, "drop %.6f s host %u -> host %u type %u (",
                    static_cast<double>(r.at_us) / 1e6, r.from, r.to, r.kind);
      return buf + r.name + ")";
    case TraceRecord::What::kInstant:
      std::snprintf(buf, sizeof buf, "instant %.6f s host %u: ", static_cast<double>(r.at_us) / 1e6,
                    r.from);
      return buf + r.name;
  }
  return "?";
}

DeterminismResult first_divergence(const RunResult& a, const RunResult& b) {
  DeterminismResult d;
  d.digest_first = a.digest;
  d.digest_second = b.digest;
  const std::size_t n = std::min(a.trace.size(), b.trace.size());
  for (std::size_t i = 0; i < n; ++i) {
    ++d.records_compared;
    if (!same(a.trace[i], b.trace[i])) {
      d.deterministic = false;
      d.index = i;
      d.where = "trace record " + std::to_string(i);
      d.first = describe_trace_record(a.trace[i]);
      d.second = describe_trace_record(b.trace[i]);
      return d;
    }
  }
  if (a.trace.size() != b.trace.size()) {
    d.deterministic = false;
    d.index = n;
    d.where = "trace record " + std::to_string(n);
    d.first = n < a.trace.size() ? describe_trace_record(a.trace[n]) : "(end of trace)";
    d.second = n < b.trace.size() ? describe_trace_record(b.trace[n]) : "(end of trace)";
    return d;
  }
  const std::size_t m = std::min(a.timeline.size(), b.timeline.size());
  for (std::size_t i = 0; i <= m; ++i) {
    const bool a_end = i == a.timeline.size();
    const bool b_end = i == b.timeline.size();
    if (a_end && b_end) break;
    if (a_end || b_end || !same(a.timeline[i], b.timeline[i])) {
      d.deterministic = false;
      d.index = i;
      d.where = "timeline entry " + std::to_string(i);
      d.first = a_end ? "(end of timeline)" : describe_timeline(a.timeline[i]);
      d.second = b_end ? "(end of timeline)" : describe_timeline(b.timeline[i]);
      return d;
    }
  }
  if (a.digest != b.digest) {
    // Same records, different bytes inside some datagram: the digest covers payloads too.
    d.deterministic = false;
    d.where = "digest only (same trace and timeline; some datagram's bytes differ)";
  }
  return d;
}

DeterminismResult first_divergence(const Scenario& scenario, const RunOptions& options) {
  RunOptions traced = options;
  traced.record_trace = true;
  const RunResult a = run_scenario(scenario, traced);
  const RunResult b = run_scenario(scenario, traced);
  DeterminismResult d = first_divergence(a, b);
  d.scenario_passed = a.passed;
  d.verdict = format_verdict(a);
  return d;
}

void write_determinism_report(const DeterminismResult& r, std::ostream& out) {
  if (r.deterministic) {
    out << "deterministic: two runs, same digest " << digest_hex(r.digest_first) << " ("
        << r.records_compared << " trace records compared)\n";
    return;
  }
  out << "NOT deterministic: the runs differ at " << r.where << "\n"
      << "  first run:  " << r.first << "\n"
      << "  second run: " << r.second << "\n"
      << "  digests " << digest_hex(r.digest_first) << " vs " << digest_hex(r.digest_second)
      << "\n";
}

}  // namespace dp::sim
