#include "sim/swarm/shard.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace dp::sim {
namespace {

using Json = nlohmann::json;

bool parse_count(const std::string& text, std::uint64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  out = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

Json failure_json(const SwarmFailure& f) {
  Json violations = Json::array();
  for (const Violation& v : f.violations)
    violations.push_back({{"name", v.name}, {"detail", v.detail}});
  return {{"violations", violations},
          {"shrunk_for", f.shrunk_for},
          {"shrink_runs", f.shrink_runs},
          {"shrunk_events", f.shrunk_events},
          {"shrunk_servers", f.shrunk_servers},
          {"file", f.file},
          {"replayed", f.replayed},
          {"replay_error", f.replay_error}};
}

SwarmFailure failure_of(const Json& j, std::uint64_t seed) {
  SwarmFailure f;
  f.seed = seed;
  for (const Json& v : j.at("violations")) {
    f.violations.push_back({v.at("name").get<std::string>(), v.at("detail").get<std::string>()});
  }
  f.shrunk_for = j.at("shrunk_for").get<std::string>();
  f.shrink_runs = j.at("shrink_runs").get<std::size_t>();
  f.shrunk_events = j.at("shrunk_events").get<std::size_t>();
  f.shrunk_servers = j.at("shrunk_servers").get<int>();
  f.file = j.at("file").get<std::string>();
  f.replayed = j.at("replayed").get<bool>();
  f.replay_error = j.at("replay_error").get<std::string>();
  return f;
}

// One shard's header as read, with where it came from.
struct ShardHeader {
  SwarmShard shard;
  std::uint64_t first_seed = 0;
  std::uint64_t range_runs = 0;
  std::string where;
};

}  // namespace

Result<SwarmShard, std::string> parse_swarm_shard(const std::string& text) {
  using R = Result<SwarmShard, std::string>;
  const auto slash = text.find('/');
  SwarmShard s;
  if (slash == std::string::npos || !parse_count(text.substr(0, slash), s.index) ||
      !parse_count(text.substr(slash + 1), s.count)) {
    return R::failure("--shard: '" + text + "' is not K/N (e.g. 2/8)");
  }
  if (s.count == 0 || s.count > kMaxSwarmShards) {
    return R::failure("--shard: N must be 1 to " + std::to_string(kMaxSwarmShards));
  }
  if (s.index == 0 || s.index > s.count) {
    return R::failure("--shard: K must be 1 to N (" + std::to_string(s.count) + ")");
  }
  return s;
}

void write_swarm_jsonl(const SwarmReport& report, const SwarmShard& shard, std::ostream& out) {
  out << Json{{"kind", "shard"},
              {"shard", shard.index},
              {"of", shard.count},
              {"first_seed", report.first_seed},
              {"runs", report.range_runs},
              {"jobs", report.jobs},
              {"wall_seconds", report.wall_seconds}}
             .dump()
      << "\n";
  auto failure = report.failures.begin();
  for (const SwarmRunRecord& r : report.records) {
    Json line{{"kind", "run"},
              {"seed", r.seed},
              {"simulated_seconds", r.simulated_seconds},
              {"events", r.events}};
    if (r.failed && failure != report.failures.end() && failure->seed == r.seed) {
      line.update(failure_json(*failure++));
    }
    out << line.dump() << "\n";
  }
}

Result<SwarmReport, std::string> merge_swarm_jsonl(const std::vector<ShardInput>& inputs) {
  using R = Result<SwarmReport, std::string>;
  std::vector<ShardHeader> headers;
  std::map<std::uint64_t, std::pair<SwarmRunRecord, std::optional<SwarmFailure>>> runs;
  double wall = 0;
  int jobs = 0;
  for (const ShardInput& input : inputs) {
    std::string text;
    std::size_t line_no = 0;
    while (std::getline(*input.in, text)) {
      ++line_no;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string where = input.name + ", line " + std::to_string(line_no);
      const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) return R::failure(where + ": not a JSON object");
      try {
        const std::string kind = j.at("kind").get<std::string>();
        if (kind == "shard") {
          ShardHeader h;
          h.shard.index = j.at("shard").get<std::uint64_t>();
          h.shard.count = j.at("of").get<std::uint64_t>();
          h.first_seed = j.at("first_seed").get<std::uint64_t>();
          h.range_runs = j.at("runs").get<std::uint64_t>();
          h.where = where;
          wall = std::max(wall, j.at("wall_seconds").get<double>());
          jobs += j.at("jobs").get<int>();
          headers.push_back(h);
        } else if (kind == "run") {
          if (headers.empty()) return R::failure(where + ": a run before any shard line");
          SwarmRunRecord r;
          r.seed = j.at("seed").get<std::uint64_t>();
          const ShardHeader& h = headers.back();
          if (r.seed < h.first_seed || r.seed - h.first_seed >= h.range_runs ||
              !h.shard.holds(r.seed - h.first_seed)) {
            return R::failure(where + ": seed " + std::to_string(r.seed) + " is not in shard " +
                              std::to_string(h.shard.index) + "/" + std::to_string(h.shard.count) +
                              " of its range");
          }
          r.simulated_seconds = j.at("simulated_seconds").get<double>();
          r.events = j.at("events").get<std::uint64_t>();
          std::optional<SwarmFailure> f;
          if (j.contains("violations")) {
            r.failed = true;
            f = failure_of(j, r.seed);
          }
          if (!runs.emplace(r.seed, std::pair{r, std::move(f)}).second) {
            return R::failure(where + ": seed " + std::to_string(r.seed) + " appears twice");
          }
        } else {
          return R::failure(where + ": unknown kind '" + kind + "'");
        }
      } catch (const Json::exception& e) {
        // "[json.exception.out_of_range.403] key 'seed' not found": the part after the tag.
        const std::string what = e.what();
        const auto tag_end = what.find("] ");
        return R::failure(where + ": " +
                          (tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
      }
    }
  }
  if (headers.empty()) return R::failure("no shard lines in the input");
  const ShardHeader& first = headers.front();
  std::set<std::uint64_t> seen;
  for (const ShardHeader& h : headers) {
    if (h.shard.count != first.shard.count || h.first_seed != first.first_seed ||
        h.range_runs != first.range_runs) {
      return R::failure(h.where + ": shard " + std::to_string(h.shard.index) + "/" +
                        std::to_string(h.shard.count) + " of seeds from " +
                        std::to_string(h.first_seed) + " (" + std::to_string(h.range_runs) +
                        " runs) is not of the same swarm as " + first.where);
    }
    if (!seen.insert(h.shard.index).second) {
      return R::failure(h.where + ": shard " + std::to_string(h.shard.index) + "/" +
                        std::to_string(h.shard.count) + " appears twice");
    }
  }
  for (std::uint64_t k = 1; k <= first.shard.count; ++k) {
    if (!seen.count(k)) {
      return R::failure("shard " + std::to_string(k) + "/" + std::to_string(first.shard.count) +
                        " is missing");
    }
  }
  if (runs.size() != first.range_runs) {
    return R::failure(std::to_string(runs.size()) + " runs in the shards, " +
                      std::to_string(first.range_runs) + " in the range (a shard was cut short)");
  }
  SwarmReport report;
  report.first_seed = first.first_seed;
  report.range_runs = first.range_runs;
  report.shards_merged = headers.size();
  report.jobs = jobs;
  report.wall_seconds = wall;
  for (auto& [seed, run] : runs) {
    add_swarm_run(report, run.first, run.second ? &*run.second : nullptr);
  }
  return report;
}

}  // namespace dp::sim
