// Reading a scenario's [chat] section (see scenario.h for its keys); part of the parser.
#pragma once

#include "sim/scenario.h"
#include "sim/scenario_reader.h"

namespace dp::sim {

// Fills s.chat from the [chat] table; mistakes are raised as scenario_reader::SchemaError.
void read_chat(const scenario_reader::TableReader& r, Scenario& s);

}  // namespace dp::sim
