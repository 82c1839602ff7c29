#include "transport/transport.h"

namespace dp {

const char* send_status_name(SendStatus status) {
  switch (status) {
    case SendStatus::kOk:
      return "ok";
    case SendStatus::kNoSuchChannel:
      return "no-such-channel";
    case SendStatus::kTooLarge:
      return "too-large";
    case SendStatus::kWouldBlock:
      return "would-block";
    case SendStatus::kFailed:
      return "failed";
  }
  return "?";
}

std::size_t send_outbox(Transport& transport, const Outbox& outbox) {
  std::size_t failed = 0;
  for (const OutDatagram& d : outbox.datagrams()) {
    const SendStatus status = d.broadcast ? transport.broadcast(d.from, d.to.port, outbox.bytes(d))
                                          : transport.send(d.from, d.to, outbox.bytes(d));
    if (status != SendStatus::kOk) ++failed;
  }
  return failed;
}

}  // namespace dp
