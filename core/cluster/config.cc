#include "core/cluster/config.h"

namespace dp {

const char* election_mode_name(ElectionMode mode) {
  return mode == ElectionMode::kClassic ? "classic" : "sticky";
}

}  // namespace dp
