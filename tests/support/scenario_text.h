// Tests of the scenario format: parse a file's text as pong-sim would (the file named
// "x.toml"), expecting it to parse, or expecting the error it must report.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario.h"

namespace dp::sim::testing {

// A valid file of three servers running for 10 s, the start that keys are appended to.
inline constexpr const char* kMinimal = R"(title = "t"
seed = 5
duration_ms = 10000
[cluster]
servers = 3
)";

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
