#include "core/wire/header.h"

#include "core/common/big_endian.h"

namespace dp::wire {
namespace {}  // namespace

void write_header(const Header& h, std::span<std::uint8_t, kHeaderSize> out) {
  std::uint8_t* p = out.data();
  p[0] = kMagic0;
  p[1] = kMagic1;
  p[2] = kProtocolVersion;
  p[3] = static_cast<std::uint8_t>(h.type);
  put_be64(p + 4, h.sender.hi);
  put_be64(p + 12, h.sender.lo);
  put_be64(p + 20, h.epoch.term);
  put_be64(p + 28, h.epoch.leader.hi);
  put_be64(p + 36, h.epoch.leader.lo);
  p[44] = static_cast<std::uint8_t>(h.body_size >> 8);
  p[45] = static_cast<std::uint8_t>(h.body_size & 0xffu);
}

Header read_header(std::span<const std::uint8_t, kHeaderSize> in) {
  const std::uint8_t* p = in.data();
  Header h;
  h.type = static_cast<MsgType>(p[3]);
  h.sender = NodeId{get_be64(p + 4), get_be64(p + 12)};
  h.epoch = Epoch{get_be64(p + 20), NodeId{get_be64(p + 28), get_be64(p + 36)}};
  h.body_size = static_cast<std::uint16_t>((p[44] << 8) | p[45]);
  return h;
}

}  // namespace dp::wire
