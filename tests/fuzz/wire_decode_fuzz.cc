// libFuzzer target: wire::decode and wire::decode_into on arbitrary datagrams.
//
// Oracles beyond "no crash, no sanitizer report":
//   - decode() and decode_into() (into a reused, dirty Decoded) agree on accept/reject and on
//     the error, and accepted messages re-encode to the same bytes;
//   - decode_header() alone refuses exactly what decode() refuses for the header's reasons,
//     and decode() accepts only types of a known family that this version ships;
//   - an accepted Replicate's entry block walks to exactly count() entries, each of a nonzero
//     service with a payload within kMaxEntryPayload, covering exactly its bytes;
//   - an accepted message re-encodes, and the re-encoding decodes to a message that encodes to
//     the very same bytes (encode . decode is a fixed point after one round).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "core/wire/codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using dp::wire::Decoded;

// Encodes a decoded message back into `out`; returns the size, 0 if it did not fit.
std::size_t reencode(const Decoded& d, std::span<std::uint8_t> out) {
  return std::visit(
      [&](const auto& body) -> std::size_t {
        auto r = dp::wire::encode(d.header.sender, d.header.epoch, body, out);
        return r.ok() ? r.value() : 0;
      },
      d.body);
}

bool same_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Reused across inputs on purpose: decode_into() must not depend on what `out` held before.
Decoded g_reused;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  auto decoded = dp::wire::decode(bytes);
  auto into = dp::wire::decode_into(bytes, g_reused);
  FUZZ_CHECK(decoded.ok() == !into.has_value());
  dp::wire::Header header;
  const auto header_error = dp::wire::decode_header(bytes, header);
  if (!decoded.ok()) {
    FUZZ_CHECK(*into == decoded.error());
    if (header_error) FUZZ_CHECK(*header_error == decoded.error());
    return 0;
  }
  FUZZ_CHECK(!header_error.has_value());
  const Decoded& d = decoded.value();
  FUZZ_CHECK(d.header.type == g_reused.header.type);
  FUZZ_CHECK(d.header.type == header.type);
  FUZZ_CHECK(d.body.index() == g_reused.body.index());
  const auto type = static_cast<std::uint8_t>(d.header.type);
  FUZZ_CHECK(dp::wire::family_of(type) != dp::wire::Family::kUnknown);
  FUZZ_CHECK(dp::wire::is_known_msg_type(type));
  if (const auto* replicate = std::get_if<dp::wire::Replicate>(&d.body)) {
    std::size_t walked = 0;
    std::size_t walked_bytes = 0;
    for (const dp::wire::EntryView& entry : replicate->entries) {
      FUZZ_CHECK(entry.service != 0);
      FUZZ_CHECK(entry.payload.size() <= dp::wire::kMaxEntryPayload);
      walked_bytes += dp::wire::entry_wire_size(entry.payload.size());
      ++walked;
    }
    FUZZ_CHECK(walked == replicate->entries.count());
    FUZZ_CHECK(walked_bytes == replicate->entries.size_bytes());
  }

  std::array<std::uint8_t, dp::wire::kMaxDatagramSize> first{};
  std::array<std::uint8_t, dp::wire::kMaxDatagramSize> second{};
  std::array<std::uint8_t, dp::wire::kMaxDatagramSize> from_into{};
  // Everything decode() accepts came from at most kMaxDatagramSize bytes, so it must fit.
  const std::size_t n1 = reencode(d, first);
  FUZZ_CHECK(n1 > 0);
  const std::size_t n_into = reencode(g_reused, from_into);
  FUZZ_CHECK(same_bytes({first.data(), n1}, {from_into.data(), n_into}));

  auto again = dp::wire::decode({first.data(), n1});
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->header.type == d.header.type);
  FUZZ_CHECK(again->header.sender == d.header.sender);
  FUZZ_CHECK(again->header.epoch == d.header.epoch);
  FUZZ_CHECK(again->body.index() == d.body.index());
  const std::size_t n2 = reencode(again.value(), second);
  FUZZ_CHECK(same_bytes({first.data(), n1}, {second.data(), n2}));
  return 0;
}
