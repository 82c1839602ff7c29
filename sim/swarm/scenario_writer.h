// Writes a sim::Scenario back out as a scenario TOML file that parse_scenario_text() reads
// into the same scenario, so a scenario built in memory (by the swarm fuzzer or a property
// test) becomes a one-command reproduction: `pong-sim run FILE`.
//
// The file format counts time in milliseconds, so only scenarios whose times are whole
// milliseconds can be written; anything else is an error rather than a silent rounding that
// would replay a different run.
//
// The test-only switch `Scenario::inject_bug_skip_nack` (TOML: [cluster]
// inject_bug_skip_nack = true) is written when the Scenario type has that member; the writer
// detects it at compile time, so it works before and after the field lands.
#pragma once

#include <string>

#include "core/common/result.h"
#include "sim/scenario.h"

namespace dp::sim {

// The TOML text of `scenario`, or what makes it unwritable.
Result<std::string, std::string> write_scenario_toml(const Scenario& scenario);

// A TOML basic string (with quotes) holding `text`; control characters are escaped.
std::string toml_quote(std::string_view text);

}  // namespace dp::sim
