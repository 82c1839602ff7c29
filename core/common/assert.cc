#include "core/common/assert.h"

namespace dp {

[[gnu::cold, gnu::noinline]] void assertion_failed(const char* file, int line,
                                                   const char* expression,
                                                   const std::string& message) {
  throw AssertionFailure(file, line, expression, message);
}

}  // namespace dp
