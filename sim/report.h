// Presentation of a RunResult: the human timeline and summary, the one-object JSON summary,
// and the Chrome Trace Event file that Perfetto (ui.perfetto.dev) opens. Nothing here runs
// or changes a simulation.
#pragma once

#include <ostream>
#include <string>

#include "sim/runner.h"

namespace dp::sim {

// The verdict line, e.g. "PASS scenarios/x.toml  seed 42  digest 0123456789abcdef".
std::string format_verdict(const RunResult& result);
// Header, timeline, expectations, invariants, figures, digest and the verdict line.
// `transcript` leaves out the wall-clock figures, so the text depends on the scenario and
// seed alone: the golden transcripts checked in beside the scenarios hold exactly this.
void write_text_report(const RunResult& result, std::ostream& out, bool transcript = false);
// One JSON object: passed, expectations, invariants, figures, digest, seed, ...
void write_json_report(const RunResult& result, std::ostream& out);
// {"traceEvents": [...]}: a track per node, a flow arrow per delivered message, instants for
// crashes, elections, leader changes and network changes. Needs RunOptions::record_trace.
void write_chrome_trace(const RunResult& result, std::ostream& out);

// 16 lowercase hex digits.
std::string digest_hex(std::uint64_t digest);

}  // namespace dp::sim
