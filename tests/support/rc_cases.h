// Test helper: runs a RapidCheck property inside a gtest for a fixed number of cases with a
// fixed seed, so a ctest run is repeatable; RC_PARAMS (e.g. "seed=7 max_success=20000") hands
// the seed and the count back to RapidCheck for a longer or different local run.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <utility>

namespace dp::testing {

template <class Testable>
rc::detail::TestResult check_cases(int max_success, std::uint64_t seed, Testable&& testable) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (std::getenv("RC_PARAMS") == nullptr) {
    params.maxSuccess = max_success;
    params.seed = seed;
  }
  rc::detail::TestMetadata metadata;
  metadata.id = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  return rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
}

// The failure message (with the shrunk counterexample) of a result, "" when it passed.
inline std::string describe(const rc::detail::TestResult& result) {
  std::ostringstream out;
  rc::detail::printResultMessage(result, out);
  return out.str();
}

}  // namespace dp::testing

// Runs `property` (a callable using RC_ASSERT and *gen) for `cases` cases, failing the gtest
// with RapidCheck's shrunk counterexample when it does not hold.
#define DP_CHECK_PROPERTY(cases, seed, property)                                       \
  do {                                                                                 \
    const auto dp_rc_result = ::dp::testing::check_cases((cases), (seed), (property)); \
    EXPECT_TRUE(dp_rc_result.template is<rc::detail::SuccessResult>())                 \
        << ::dp::testing::describe(dp_rc_result);                                      \
  } while (false)
