// Reading one [[expect]] table of a scenario (see scenario.h for its kinds); part of the
// parser. Mistakes are raised as scenario_reader::SchemaError, naming the key and line.
#pragma once

#include "sim/scenario.h"
#include "sim/scenario_reader.h"

namespace dp::sim {

// The scenario's servers, clients and duration must be read already.
Expectation read_expectation(const scenario_reader::TableReader& r, const Scenario& s);

}  // namespace dp::sim
