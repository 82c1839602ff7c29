#include "sim/report_diagram.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/wire/message_types.h"

namespace dp::sim {
namespace {

constexpr double kLaneGap = 150;
constexpr double kLeft = 90;
constexpr double kTop = 130;

std::string escaped(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string seconds(TimeUs us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f s", static_cast<double>(us) / kUsPerSecond);
  return buf;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A colour per message type, by what the message is for.
const char* colour_of(std::uint8_t type) {
  using T = wire::MsgType;
  switch (static_cast<T>(type)) {
    case T::kHeartbeat:
      return "#9e9e9e";
    case T::kElection:
    case T::kAnswer:
    case T::kCoordinator:
    case T::kPreVote:
    case T::kPreVoteReply:
    case T::kResign:
      return "#e53935";
    case T::kHandOver:
    case T::kCtlRequest:
    case T::kCtlStatus:
    case T::kCtlResult:
      return "#8e24aa";
    case T::kDiscoverRequest:
    case T::kDiscoverResponse:
      return "#43a047";
    case T::kReplicate:
      return "#1e88e5";
    case T::kAck:
      return "#64b5f6";
    case T::kNack:
    case T::kSnapshot:
      return "#3949ab";
    default:
      break;
  }
  if (wire::family_of(type) != wire::Family::kService) return "#000000";
  // Client traffic: requests in orange, what servers send clients in teal.
  const std::string name = wire::msg_type_label(type);
  const bool to_client =
      name.find("state") != std::string::npos || name.find("list") != std::string::npos ||
      name.find("lines") != std::string::npos || name.find("ack") != std::string::npos ||
      name.find("grant") != std::string::npos;
  return to_client ? "#00897b" : "#fb8c00";
}

bool is_client_host(const HostSummary& h) { return h.name.find("client") != std::string::npos; }

}  // namespace

DiagramWindow diagram_window(const Scenario& scenario, const DiagramOptions& options) {
  DiagramWindow w;
  TimeUs first = -1;
  for (const ScenarioAction& a : scenario.actions) {
    if (first < 0 || a.at_us < first) first = a.at_us;
  }
  w.from_us = options.from_us >= 0 ? options.from_us
                                   : std::max<TimeUs>(0, first < 0 ? 0 : first - 200 * kUsPerMs);
  w.to_us = options.to_us >= 0 ? options.to_us : w.from_us + kUsPerSecond;
  w.to_us = std::min(w.to_us, scenario.duration_us);
  return w;
}

DiagramStats write_svg_diagram(const RunResult& r, const Scenario& scenario,
                               const DiagramOptions& options, std::ostream& out) {
  const DiagramWindow w = diagram_window(scenario, options);
  const double span_ms = std::max<double>(1, static_cast<double>(w.to_us - w.from_us) / kUsPerMs);
  const double px_per_ms = std::clamp(1200.0 / span_ms, 0.05, 4.0);
  const double height = kTop + span_ms * px_per_ms + 40;
  auto y_of = [&](TimeUs t) {
    return kTop + static_cast<double>(std::clamp(t, w.from_us, w.to_us) - w.from_us) / kUsPerMs *
                      px_per_ms;
  };
  // Lanes: every host drawn, in host order (servers first).
  std::map<HostIndex, double> lane_x;
  for (HostIndex h = 0; h < r.hosts.size(); ++h) {
    if (options.servers_only && is_client_host(r.hosts[h])) continue;
    lane_x[h] = kLeft + kLaneGap * static_cast<double>(lane_x.size());
  }
  const double width = kLeft + kLaneGap * static_cast<double>(lane_x.size()) + 40;
  auto in_window = [&](TimeUs t) { return t >= w.from_us && t <= w.to_us; };

  // What is in the window, and which types it holds (for the legend).
  std::map<std::uint8_t, std::size_t> types;
  for (const TraceRecord& t : r.trace) {
    if (t.what == TraceRecord::What::kInstant || !in_window(t.at_us)) continue;
    if (!lane_x.count(t.from) || !lane_x.count(t.to)) continue;
    ++types[t.kind];
  }

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\""
      << num(height) << "\" font-family=\"monospace\" font-size=\"11\">\n";
  out << "<title>" << escaped(r.title) << "</title>\n";
  out << "<style>.msg{stroke-width:1.2}.msg:hover{stroke-width:4}.lane{stroke:#333}"
         ".down{stroke:#bbb;stroke-dasharray:4 4}.net{stroke:#d81b60;stroke-dasharray:6 3}"
         "</style>\n";
  out << "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"6\" "
         "markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/>"
         "</marker></defs>\n";
  out << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out << "<text x=\"10\" y=\"18\" font-size=\"14\">" << escaped(r.title) << "</text>\n";
  out << "<text x=\"10\" y=\"34\">" << escaped(r.file) << ", seed " << r.seed << ", "
      << seconds(w.from_us) << " to " << seconds(w.to_us) << "</text>\n";
  // Legend, wrapped to the width.
  double lx = 10;
  double ly = 44;
  for (const auto& [type, count] : types) {
    const std::string label = wire::msg_type_label(type) + " " + std::to_string(count);
    const double w_label = 24 + 7.0 * static_cast<double>(label.size());
    if (lx + w_label > width && lx > 10) {
      lx = 10;
      ly += 14;
    }
    out << "<g class=\"legend\"><rect x=\"" << num(lx) << "\" y=\"" << num(ly)
        << "\" width=\"10\" height=\"10\" fill=\"" << colour_of(type) << "\"/><text x=\""
        << num(lx + 14) << "\" y=\"" << num(ly + 9) << "\">" << escaped(label) << "</text></g>\n";
    lx += w_label;
  }
  // Time axis.
  const TimeUs tick = span_ms > 2000  ? 1000 * kUsPerMs
                      : span_ms > 400 ? 100 * kUsPerMs
                                      : 10 * kUsPerMs;
  for (TimeUs t = (w.from_us + tick - 1) / tick * tick; t <= w.to_us; t += tick) {
    out << "<line x1=\"" << num(kLeft - 20) << "\" x2=\"" << num(width - 20) << "\" y1=\""
        << num(y_of(t)) << "\" y2=\"" << num(y_of(t)) << "\" stroke=\"#eee\"/><text x=\"4\" y=\""
        << num(y_of(t) + 4) << "\">" << seconds(t) << "</text>\n";
  }
  // Lanes, with the stretches a host was down.
  std::map<HostIndex, std::vector<std::pair<TimeUs, TimeUs>>> down;
  std::map<HostIndex, TimeUs> down_since;
  for (const TraceRecord& t : r.trace) {
    if (t.what != TraceRecord::What::kInstant) continue;
    if (t.name.rfind("crashed", 0) == 0) down_since[t.from] = t.at_us;
    if ((t.name == "restarted" || t.name == "started") && down_since.count(t.from)) {
      down[t.from].push_back({down_since[t.from], t.at_us});
      down_since.erase(t.from);
    }
  }
  for (const auto& [h, since] : down_since) down[h].push_back({since, w.to_us});
  for (const auto& [h, x] : lane_x) {
    out << "<text x=\"" << num(x) << "\" y=\"" << num(kTop - 30) << "\" text-anchor=\"middle\" "
        << "font-size=\"12\">" << escaped(r.hosts[h].name) << "</text>\n";
    out << "<line class=\"lane\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\""
        << num(kTop - 20) << "\" y2=\"" << num(y_of(w.to_us)) << "\"/>\n";
    for (const auto& [a, b] : down[h]) {
      if (b < w.from_us || a > w.to_us) continue;
      out << "<line class=\"down\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\""
          << num(y_of(a)) << "\" y2=\"" << num(y_of(b)) << "\" stroke-width=\"6\"/>\n";
    }
  }
  // Partitions, cuts, heals and network changes: across every lane.
  std::set<std::pair<TimeUs, std::string>> network;
  for (const TimelineEntry& e : r.timeline) {
    if (e.what != TimelineEntry::What::kNetwork || !in_window(e.at_us)) continue;
    network.insert({e.at_us, e.text});
    out << "<g class=\"network\"><line class=\"net\" x1=\"" << num(kLeft - 20) << "\" x2=\""
        << num(width - 20) << "\" y1=\"" << num(y_of(e.at_us)) << "\" y2=\"" << num(y_of(e.at_us))
        << "\"/><text x=\"" << num(kLeft) << "\" y=\"" << num(y_of(e.at_us) - 3)
        << "\" fill=\"#d81b60\">" << escaped(e.text) << "</text><title>" << seconds(e.at_us) << " "
        << escaped(e.text) << "</title></g>\n";
  }
  DiagramStats stats;
  // Messages, then drops, then the lanes' events on top.
  for (const TraceRecord& t : r.trace) {
    if (t.what == TraceRecord::What::kInstant || !in_window(t.at_us)) continue;
    if (!lane_x.count(t.from) || !lane_x.count(t.to)) continue;
    const std::string type = wire::msg_type_label(t.kind);
    const double x1 = lane_x[t.from];
    const double y1 = y_of(t.at_us);
    if (t.what == TraceRecord::What::kMessage) {
      ++stats.arrows;
      out << "<line class=\"msg\" data-type=\"" << type << "\" x1=\"" << num(x1) << "\" y1=\""
          << num(y1) << "\" x2=\"" << num(lane_x[t.to]) << "\" y2=\"" << num(y_of(t.arrive_us))
          << "\" stroke=\"" << colour_of(t.kind) << "\" marker-end=\"url(#head)\"><title>" << type
          << ": " << escaped(r.hosts[t.from].name) << " to " << escaped(r.hosts[t.to].name)
          << ", sent " << seconds(t.at_us) << ", arrived " << seconds(t.arrive_us)
          << "</title></line>\n";
    } else {
      ++stats.drops;
      const double x2 = x1 + (lane_x[t.to] - x1) * 0.3;
      out << "<g class=\"drop\"><line x1=\"" << num(x1) << "\" y1=\"" << num(y1) << "\" x2=\""
          << num(x2) << "\" y2=\"" << num(y1 + 6) << "\" stroke=\"" << colour_of(t.kind)
          << "\" stroke-dasharray=\"2 2\"/><text x=\"" << num(x2) << "\" y=\"" << num(y1 + 10)
          << "\" fill=\"#d32f2f\" text-anchor=\"middle\">x</text><title>" << type << " "
          << escaped(r.hosts[t.from].name) << " to " << escaped(r.hosts[t.to].name) << " dropped ("
          << escaped(t.name) << ") at " << seconds(t.at_us) << "</title></g>\n";
    }
  }
  std::map<HostIndex, double> last_label_y;  // Labels close in time stack downwards.
  for (const TraceRecord& t : r.trace) {
    if (t.what != TraceRecord::What::kInstant || !in_window(t.at_us) || !lane_x.count(t.from)) {
      continue;
    }
    if (network.count({t.at_us, t.name})) continue;  // Drawn across the lanes.
    const double x = lane_x[t.from];
    const double y = y_of(t.at_us);
    const bool crash = t.name.rfind("crashed", 0) == 0;
    const bool leads = t.name.rfind("became-leader", 0) == 0 || t.name.rfind("took-over", 0) == 0;
    const bool election = t.name.rfind("election", 0) == 0 || t.name.rfind("suspect", 0) == 0;
    const char* fill = crash ? "#d32f2f" : leads ? "#fbc02d" : election ? "#fb8c00" : "#546e7a";
    double label_y = y + 4;
    if (auto it = last_label_y.find(t.from);
        it != last_label_y.end() && label_y < it->second + 12) {
      label_y = it->second + 12;
    }
    last_label_y[t.from] = label_y;
    out << "<g class=\"event\"><circle cx=\"" << num(x) << "\" cy=\"" << num(y) << "\" r=\""
        << (leads || crash ? 6 : 4) << "\" fill=\"" << fill << "\"/><text x=\"" << num(x + 8)
        << "\" y=\"" << num(label_y) << "\"" << (leads || crash ? " font-weight=\"bold\"" : "")
        << ">" << escaped(t.name) << "</text><title>" << seconds(t.at_us) << " "
        << escaped(r.hosts[t.from].name) << ": " << escaped(t.name) << "</title></g>\n";
  }
  out << "<!-- messages: " << stats.arrows << ", drops: " << stats.drops << " -->\n";
  out << "</svg>\n";
  return stats;
}

}  // namespace dp::sim
