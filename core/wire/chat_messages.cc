#include "core/wire/chat_messages.h"

namespace dp::wire {

bool ChatLines::valid() const {
  if (!valid_chat_channel(channel.view()) || page > kHistory || first > head + 1 || start > head) {
    return false;
  }
  std::uint64_t last = 0;
  for (const ChatLine& line : lines) {
    if (!line.valid() || line.n <= last || line.n > head) return false;
    last = line.n;
  }
  return true;
}

}  // namespace dp::wire
