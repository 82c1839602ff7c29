// libFuzzer target: a chat server (pong-chat: the chat service alone) fed hostile datagrams;
// see server_fuzz.h.
#include "core/services/chat/service.h"
#include "tests/fuzz/server_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dp::fuzz::fuzz_server(data, size, dp::chat::chat_services());
}
