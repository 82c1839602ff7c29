// decode() on hostile bytes: every malformed datagram is an error value, never a crash.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/common/rng.h"
#include "core/wire/codec.h"

namespace dp::wire {
namespace {

std::vector<std::uint8_t> valid_heartbeat() {
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  std::vector<std::uint8_t> buf(kMaxDatagramSize);
  auto size = encode(NodeId{1, 2}, Epoch{1, NodeId{1, 2}}, hb, buf);
  buf.resize(*size);
  return buf;
}

DecodeError error_of(const std::vector<std::uint8_t>& bytes) {
  auto r = decode(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? DecodeError{} : r.error();
}

// Rewrites the header's body length to match a modified body.
void fix_length(std::vector<std::uint8_t>& bytes) {
  const auto body = bytes.size() - kHeaderSize;
  bytes[44] = static_cast<std::uint8_t>(body >> 8);
  bytes[45] = static_cast<std::uint8_t>(body & 0xff);
}

TEST(DecodeHostile, TheSeedsOneByteDatagram) {
  EXPECT_EQ(error_of({1}), DecodeError::kTooShort);
  EXPECT_EQ(error_of({}), DecodeError::kTooShort);
}

TEST(DecodeHostile, Oversize) {
  std::vector<std::uint8_t> big(1500, 0);
  EXPECT_EQ(error_of(big), DecodeError::kTooLong);
}

TEST(DecodeHostile, HeaderFieldsChecked) {
  auto bytes = valid_heartbeat();
  auto bad = bytes;
  bad[0] = 'X';
  EXPECT_EQ(error_of(bad), DecodeError::kBadMagic);
  bad = bytes;
  bad[2] = 99;
  EXPECT_EQ(error_of(bad), DecodeError::kBadVersion);
  bad = bytes;
  bad[3] = 200;
  EXPECT_EQ(error_of(bad), DecodeError::kUnknownType);
  bad = bytes;
  bad[3] = 7;  // A gap in the type numbering.
  EXPECT_EQ(error_of(bad), DecodeError::kUnknownType);
  bad = bytes;
  bad[45] = static_cast<std::uint8_t>(bad[45] + 1);
  EXPECT_EQ(error_of(bad), DecodeError::kLengthMismatch);
}

TEST(DecodeHostile, TruncatedAtEveryLength) {
  auto bytes = valid_heartbeat();
  for (std::size_t n = kHeaderSize; n < bytes.size(); ++n) {
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    fix_length(cut);
    EXPECT_EQ(error_of(cut), DecodeError::kTruncatedBody) << "length " << n;
  }
}

TEST(DecodeHostile, TrailingBytes) {
  auto bytes = valid_heartbeat();
  bytes.push_back(0);
  fix_length(bytes);
  EXPECT_EQ(error_of(bytes), DecodeError::kTrailingBytes);
}

TEST(DecodeHostile, ContainerClaimingTwoToTheSixtyTwoElements) {
  // Heartbeat body: endianness byte, role(1), control(6), client(6), applied(8), commit(8),
  // then the 8-byte count of `hears`.
  auto bytes = valid_heartbeat();
  const std::size_t count_at = kHeaderSize + 1 + 1 + 6 + 6 + 8 + 8;
  const std::uint64_t huge = 1ull << 62;
  for (int i = 0; i < 8; ++i) {
    bytes[count_at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(huge >> (8 * i));
  }
  EXPECT_EQ(error_of(bytes), DecodeError::kOversizeContainer);
}

TEST(DecodeHostile, OutOfRangeFieldRejected) {
  auto bytes = valid_heartbeat();
  bytes[kHeaderSize + 1] = 9;  // role
  EXPECT_EQ(error_of(bytes), DecodeError::kOutOfRange);
}

TEST(DecodeHostile, RandomBytesNeverCrash) {
  Rng rng(2024);
  auto valid = valid_heartbeat();
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::uint8_t> bytes;
    if (i % 2 == 0) {
      bytes.resize(rng.uniform(1300));
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.next_u64());
    } else {
      // Mutate a valid datagram: keeps the header plausible so bodies get exercised.
      bytes = valid;
      bytes[3] = static_cast<std::uint8_t>(rng.range(1, kMaxMsgTypeValue));
      const auto flips = rng.range(1, 4);
      for (int f = 0; f < flips; ++f) {
        bytes[rng.uniform(bytes.size())] = static_cast<std::uint8_t>(rng.next_u64());
      }
    }
    auto r = decode(bytes);
    if (r.ok()) ++accepted;
  }
  // Most garbage must be refused; a few mutated datagrams may still be valid messages.
  EXPECT_LT(accepted, 20000 / 4);
}

}  // namespace
}  // namespace dp::wire
