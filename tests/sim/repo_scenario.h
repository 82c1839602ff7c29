// Test helper: loads a scenario file shipped in the repository's scenarios/ folder (the test
// target defines DP_SCENARIO_DIR); a load failure fails the calling test.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario.h"

namespace dp::sim::testing {

inline Scenario load_repo_scenario(const std::string& name) {
  auto r = load_scenario_file(std::string(DP_SCENARIO_DIR) + "/" + name);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().str());
  return r.ok() ? *r : Scenario{};
}

}  // namespace dp::sim::testing
