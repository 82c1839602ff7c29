// libFuzzer target: a game server (Pong) fed hostile datagrams; see server_fuzz.h.
#include "core/services/pong/service.h"
#include "tests/fuzz/server_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dp::fuzz::fuzz_server(data, size, dp::pong::pong_services(dp::pong::PongConfig{}));
}
