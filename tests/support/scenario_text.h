// Tests of the scenario format: parse a file's text as pong-sim would (the file named
// "x.toml"), expecting it to parse, or expecting the error it must report.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario.h"

namespace dp::sim::testing {

inline Scenario parsed(const std::string& text) {
  auto r = parse_scenario_text(text, "x.toml");
  EXPECT_TRUE(r.ok()) << r.error().str();
  return r.ok() ? r.value() : Scenario{};
}

inline ScenarioError error_of(const std::string& text) {
  auto r = parse_scenario_text(text, "x.toml");
  EXPECT_FALSE(r.ok()) << "expected a parse error";
  if (r.ok()) return {};
  return r.error();
}

}  // namespace dp::sim::testing
