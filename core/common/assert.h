// Assertions of invariants that stay on in every build, release included (NDEBUG has no
// effect on them).
//
// DP_ASSERT is for programmer errors: a state the code itself must never reach (commit past
// applied, a ring index out of bounds, two leaders of one epoch on one node). Hostile input is
// never asserted on: it is counted and dropped. A failed assertion throws AssertionFailure, so
// core/ needs no global handler: the simulator catches it, stops the run and prints the seed
// and scenario that reproduce it; the real server's driver logs it and exits; a unit test can
// expect it.
#pragma once

#include <stdexcept>
#include <string>

namespace dp {

class AssertionFailure : public std::logic_error {
 public:
  AssertionFailure(const char* file, int line, const char* expression, const std::string& message)
      : std::logic_error(std::string(file) + ":" + std::to_string(line) + ": assertion `" +
                         expression + "` failed: " + message) {}
};

// Out of line and cold, so the check at each call site is one predictable branch.
[[noreturn]] void assertion_failed(const char* file, int line, const char* expression,
                                   const std::string& message);

}  // namespace dp

#define DP_ASSERT(condition, message)                                    \
  do {                                                                   \
    if (!(condition)) [[unlikely]]                                       \
      ::dp::assertion_failed(__FILE__, __LINE__, #condition, (message)); \
  } while (false)
