#include "sim/run/pcap_writer.h"

#include <array>

namespace dp::sim {
namespace {

constexpr std::uint32_t kPcapMagic = 0xa1b2c3d4;  // Microsecond timestamps.
constexpr std::uint32_t kLinktypeRaw = 101;
constexpr std::size_t kIpHeader = 20;
constexpr std::size_t kUdpHeader = 8;

// pcap's own fields are in the writer's byte order (the magic tells readers which).
template <class T>
void put_native(std::ostream& out, T value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

void put_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void put_be32(std::uint8_t* p, std::uint32_t v) {
  put_be16(p, static_cast<std::uint16_t>(v >> 16));
  put_be16(p + 2, static_cast<std::uint16_t>(v));
}

std::uint16_t ip_checksum(const std::uint8_t* header) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < kIpHeader; i += 2) {
    sum += static_cast<std::uint32_t>(header[i] << 8 | header[i + 1]);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

}  // namespace

PcapWriter::PcapWriter(std::ostream& out) : out_(out) {
  put_native<std::uint32_t>(out_, kPcapMagic);
  put_native<std::uint16_t>(out_, 2);  // Version 2.4.
  put_native<std::uint16_t>(out_, 4);
  put_native<std::int32_t>(out_, 0);   // Time zone: UTC.
  put_native<std::uint32_t>(out_, 0);  // Timestamp accuracy.
  put_native<std::uint32_t>(out_, 65535);
  put_native<std::uint32_t>(out_, kLinktypeRaw);
}

void PcapWriter::on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) {
  const std::size_t length = kIpHeader + kUdpHeader + bytes.size();
  std::array<std::uint8_t, kIpHeader + kUdpHeader> head{};
  std::uint8_t* ip = head.data();
  ip[0] = 0x45;  // IPv4, a 20-byte header.
  put_be16(ip + 2, static_cast<std::uint16_t>(length));
  put_be16(ip + 4, ++ip_id_);
  ip[8] = 64;  // TTL.
  ip[9] = 17;  // UDP.
  put_be32(ip + 12, t.from.ip);
  put_be32(ip + 16, t.to.ip);
  put_be16(ip + 10, ip_checksum(ip));
  std::uint8_t* udp = head.data() + kIpHeader;
  put_be16(udp, t.from.port);
  put_be16(udp + 2, t.to.port);
  put_be16(udp + 4, static_cast<std::uint16_t>(kUdpHeader + bytes.size()));
  // The UDP checksum is optional over IPv4: 0, none.
  put_native<std::uint32_t>(out_, static_cast<std::uint32_t>(now / kUsPerSecond));
  put_native<std::uint32_t>(out_, static_cast<std::uint32_t>(now % kUsPerSecond));
  put_native<std::uint32_t>(out_, static_cast<std::uint32_t>(length));
  put_native<std::uint32_t>(out_, static_cast<std::uint32_t>(length));
  out_.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
  out_.write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  ++packets_;
}

}  // namespace dp::sim
