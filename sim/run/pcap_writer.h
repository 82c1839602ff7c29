// `pong-sim run FILE --pcap out.pcap`: every datagram the emulator delivers, as a UDP/IPv4
// packet in a classic pcap file (LINKTYPE_RAW: the packet starts at its IPv4 header), stamped
// with the simulated time it arrived, between the hosts' virtual addresses and ports. Open it
// in Wireshark (scripts/wireshark/ has a dissector for the protocol) or tshark.
#pragma once

#include <cstdint>
#include <ostream>

#include "sim/simulator.h"

namespace dp::sim {

class PcapWriter final : public SimObserver {
 public:
  // Writes the file header at once.
  explicit PcapWriter(std::ostream& out);

  void on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) override;

  std::uint64_t packets() const { return packets_; }

 private:
  std::ostream& out_;
  std::uint64_t packets_ = 0;
  std::uint16_t ip_id_ = 0;
};

}  // namespace dp::sim
