// wire_sample_pcap OUT.pcap: one datagram of every message type this version ships (each
// alternative of wire::Message, default-constructed, encoded by the real codec), written as a
// pcap by the simulator's PcapWriter, one second apart. The Wireshark dissector's test
// (dissector_test.py) checks that tshark names every one.
#include <array>
#include <cstdio>
#include <fstream>
#include <utility>
#include <variant>

#include "core/wire/codec.h"
#include "sim/run/pcap_writer.h"

namespace {

template <std::size_t... I, class F>
void each_type(std::index_sequence<I...>, F&& f) {
  (f(std::variant_alternative_t<I, dp::wire::Message>{}), ...);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: wire_sample_pcap OUT.pcap\n");
    return 2;
  }
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  if (!out) {
    std::fprintf(stderr, "wire_sample_pcap: cannot write %s\n", argv[1]);
    return 1;
  }
  dp::sim::PcapWriter pcap(out);
  dp::sim::Transit t;
  t.from = dp::Endpoint{0x0a000001, 50010};
  t.to = dp::Endpoint{0x0a000002, 50020};
  dp::TimeUs at = dp::kUsPerSecond;
  int failed = 0;
  each_type(std::make_index_sequence<std::variant_size_v<dp::wire::Message>>{}, [&](auto msg) {
    std::array<std::uint8_t, dp::wire::kMaxDatagramSize> buf{};
    auto size = dp::wire::encode(dp::NodeId{0, 3}, dp::Epoch{2, dp::NodeId{0, 3}}, msg, buf);
    if (!size) {
      ++failed;
      return;
    }
    pcap.on_deliver(at, t, std::span<const std::uint8_t>(buf.data(), *size));
    at += dp::kUsPerSecond;
  });
  std::printf("%llu datagrams\n", static_cast<unsigned long long>(pcap.packets()));
  return failed == 0 && out ? 0 : 1;
}
