// libFuzzer target: a keyed server fed signed, forged, damaged and replayed datagrams; see
// auth_records.h for the input format and the oracles.
#include "tests/fuzz/auth_records.h"
#include "tests/fuzz/server_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dp::fuzz::auth::run(data, size, dp::fuzz::drain);
  return 0;
}
