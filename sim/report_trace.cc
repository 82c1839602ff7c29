// Chrome Trace Event output (the JSON array format inside {"traceEvents": ...}).
//
// Each node is a process with one thread, named by metadata events. A delivered message is a
// flow: a tiny "X" slice on the sender's track at the send time carrying the "s" event, and
// one on the receiver's track at the arrival time carrying the "f" event (binding point
// "e"), so Perfetto draws an arrow between the two slices. Timestamps are microseconds,
// which is the format's native unit, so virtual time maps one to one.
#include "core/wire/header.h"
#include "sim/json_writer.h"
#include "sim/report.h"

namespace dp::sim {
namespace {

std::string kind_name(std::uint8_t kind) { return wire::msg_type_label(kind); }

void event_head(JsonWriter& w, const char* ph, const std::string& name, const char* cat,
                HostIndex host, TimeUs ts) {
  w.field("ph", ph);
  w.field("name", name);
  w.field("cat", cat);
  w.field("pid", static_cast<std::uint64_t>(host) + 1);
  w.field("tid", 1);
  w.field("ts", static_cast<std::int64_t>(ts));
}

void slice(JsonWriter& w, const std::string& name, HostIndex host, TimeUs ts) {
  w.begin_object();
  event_head(w, "X", name, "message", host, ts);
  w.field("dur", 1);
  w.end_object();
}

}  // namespace

void write_chrome_trace(const RunResult& r, std::ostream& out) {
  JsonWriter w(out);
  w.begin_object();
  w.field("displayTimeUnit", "ms");
  w.key("traceEvents");
  w.begin_array();
  for (std::size_t h = 0; h < r.hosts.size(); ++h) {
    const std::string name = h < static_cast<std::size_t>(r.servers)
                                 ? "server " + std::to_string(h + 1)
                                 : r.hosts[h].name;
    for (const char* meta : {"process_name", "thread_name"}) {
      w.begin_object();
      w.field("ph", "M");
      w.field("name", meta);
      w.field("pid", static_cast<std::uint64_t>(h) + 1);
      w.field("tid", 1);
      w.key("args");
      w.begin_object();
      w.field("name", name);
      w.end_object();
      w.end_object();
    }
    w.begin_object();
    w.field("ph", "M");
    w.field("name", "process_sort_index");
    w.field("pid", static_cast<std::uint64_t>(h) + 1);
    w.key("args");
    w.begin_object();
    w.field("sort_index", static_cast<std::uint64_t>(h) + 1);
    w.end_object();
    w.end_object();
  }
  for (const TraceRecord& t : r.trace) {
    switch (t.what) {
      case TraceRecord::What::kMessage: {
        const std::string name = kind_name(t.kind);
        slice(w, name, t.from, t.at_us);
        w.begin_object();
        event_head(w, "s", name, "flow", t.from, t.at_us);
        w.field("id", t.flow_id);
        w.end_object();
        slice(w, name, t.to, t.arrive_us);
        w.begin_object();
        event_head(w, "f", name, "flow", t.to, t.arrive_us);
        w.field("bp", "e");
        w.field("id", t.flow_id);
        w.end_object();
        break;
      }
      case TraceRecord::What::kDrop:
        w.begin_object();
        event_head(w, "i",
                   "dropped " + kind_name(t.kind) + " to " +
                       (t.to < r.hosts.size() ? r.hosts[t.to].name : "?") + " (" + t.name + ")",
                   "drop", t.from, t.at_us);
        w.field("s", "t");
        w.end_object();
        break;
      case TraceRecord::What::kInstant:
        w.begin_object();
        event_head(w, "i", t.name, "cluster", t.from, t.at_us);
        w.field("s", "p");
        w.end_object();
        break;
    }
  }
  w.end_array();
  w.end_object();
  out << "\n";
}

}  // namespace dp::sim
