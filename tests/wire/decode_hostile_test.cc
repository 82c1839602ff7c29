// decode() on hostile bytes: every malformed datagram is an error value, never a crash. A
// Replicate's entry block is checked entry by entry, so code that walks a decoded block never
// meets a malformed entry.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/common/outbox.h"
#include "core/common/rng.h"
#include "core/services/pong/event.h"
#include "core/wire/codec.h"
#include "core/wire/decode_counted.h"

namespace dp::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;

template <class Msg>
Bytes datagram(const Msg& msg) {
  Bytes buf(kMaxDatagramSize);
  auto size = encode(NodeId{1, 2}, Epoch{1, NodeId{1, 2}}, msg, buf);
  EXPECT_TRUE(size.ok());
  buf.resize(size.ok() ? *size : 0);
  return buf;
}

Bytes valid_heartbeat() {
  Heartbeat hb;
  hb.role = 2;
  hb.hears.push_back(NodeId{1, 1});
  return datagram(hb);
}

// A Replicate of a few Pong events: an input and ticks of two rooms.
Replicate pong_replicate() {
  Replicate r;
  r.first_seq = 100;
  r.commit_seq = 98;
  for (std::uint32_t room = 1; room <= 2; ++room) {
    for (auto kind : {pong::EventKind::kInput, pong::EventKind::kTick}) {
      auto e = pong::make_event(kind, room);
      e.direction = 1;
      std::array<std::uint8_t, pong::Event::kMaxPayload> payload{};
      const std::size_t n = e.encode(payload);
      EXPECT_TRUE(r.entries.append(
          EntryView{kPongService, static_cast<std::uint8_t>(kind), {payload.data(), n}}));
    }
  }
  return r;
}

DecodeError error_of(const Bytes& bytes) {
  auto r = decode(bytes);
  EXPECT_FALSE(r.ok());
  return r.ok() ? DecodeError{} : r.error();
}

// Rewrites the header's body length to match a modified body.
void fix_length(Bytes& bytes) {
  const auto body = bytes.size() - kHeaderSize;
  bytes[44] = static_cast<std::uint8_t>(body >> 8);
  bytes[45] = static_cast<std::uint8_t>(body & 0xff);
}

// Replicate body: endianness byte, first_seq u64, commit_seq u64, then the entry block:
// count u16, size u16 (little-endian), `size` bytes of entries.
constexpr std::size_t kBlockAt = kHeaderSize + 1 + 8 + 8;

void put_u16(Bytes& bytes, std::size_t at, std::size_t value) {
  bytes[at] = static_cast<std::uint8_t>(value & 0xff);
  bytes[at + 1] = static_cast<std::uint8_t>(value >> 8);
}

// A Replicate datagram whose entry block claims `count` entries and holds exactly `block`.
Bytes replicate_with_block(std::size_t count, const Bytes& block) {
  Replicate empty;
  empty.first_seq = 7;
  empty.commit_seq = 6;
  Bytes bytes = datagram(empty);
  EXPECT_EQ(bytes.size(), kBlockAt + 4);
  put_u16(bytes, kBlockAt, count);
  put_u16(bytes, kBlockAt + 2, block.size());
  bytes.insert(bytes.end(), block.begin(), block.end());
  fix_length(bytes);
  return bytes;
}

// One entry in the wire's encoding, with a length field the caller chooses.
Bytes raw_entry(std::uint8_t service, std::uint8_t kind, std::size_t payload_size,
                bool long_length_form = false) {
  Bytes e{service, kind};
  if (payload_size < 0x80 && !long_length_form) {
    e.push_back(static_cast<std::uint8_t>(payload_size));
  } else {
    e.push_back(static_cast<std::uint8_t>(0x80 | (payload_size >> 8)));
    e.push_back(static_cast<std::uint8_t>(payload_size & 0xff));
  }
  for (std::size_t i = 0; i < payload_size; ++i) e.push_back(static_cast<std::uint8_t>(i));
  return e;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(DecodeHostile, TheSeedsOneByteDatagram) {
  EXPECT_EQ(error_of({1}), DecodeError::kTooShort);
  EXPECT_EQ(error_of({}), DecodeError::kTooShort);
}

TEST(DecodeHostile, Oversize) {
  Bytes big(1500, 0);
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
  bad[45] = static_cast<std::uint8_t>(bad[45] + 1);
  EXPECT_EQ(error_of(bad), DecodeError::kLengthMismatch);
}

TEST(DecodeHostile, TypesOutsideEveryFamilyAreRefusedByTheHeader) {
  auto bytes = valid_heartbeat();
  for (unsigned t : {0u}) {
    auto bad = bytes;
    bad[3] = static_cast<std::uint8_t>(t);
    Header header;
    EXPECT_EQ(decode_header(bad, header), DecodeError::kUnknownType) << "type " << t;
    EXPECT_EQ(error_of(bad), DecodeError::kUnknownType) << "type " << t;
  }
}

TEST(DecodeHostile, UnshippedTypesOfAFamilyAreRefusedByTheBody) {
  // The header accepts a type of a known family (the receiver checks its channel next); no
  // message of this version has it, so the body decode refuses it.
  auto bytes = valid_heartbeat();
  for (unsigned t : {15u, 19u, 28u, 29u, 38u, 39u, 45u, 49u, 52u, 200u, 249u, 253u, 255u}) {
    auto bad = bytes;
    bad[3] = static_cast<std::uint8_t>(t);
    Header header;
    EXPECT_FALSE(decode_header(bad, header).has_value()) << "type " << t;
    EXPECT_EQ(static_cast<unsigned>(header.type), t);
    EXPECT_EQ(error_of(bad), DecodeError::kUnknownType) << "type " << t;
  }
}

TEST(DecodeHostile, TruncatedAtEveryLength) {
  for (const Bytes& bytes : {valid_heartbeat(), datagram(pong_replicate())}) {
    for (std::size_t n = kHeaderSize; n < bytes.size(); ++n) {
      Bytes cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
      fix_length(cut);
      EXPECT_EQ(error_of(cut), DecodeError::kTruncatedBody)
          << msg_type_name(bytes[3]) << " cut at " << n;
    }
  }
}

TEST(DecodeHostile, TrailingBytes) {
  for (Bytes bytes : {valid_heartbeat(), datagram(pong_replicate())}) {
    bytes.push_back(0);
    fix_length(bytes);
    EXPECT_EQ(error_of(bytes), DecodeError::kTrailingBytes) << msg_type_name(bytes[3]);
  }
}

TEST(DecodeHostile, ContainerClaimingTwoToTheSixtyTwoElements) {
  // Heartbeat body: endianness byte, role(1), control(6), client(6), applied(8), commit(8),
  // then the 8-byte count of `hears`.
  auto bytes = valid_heartbeat();
  const std::size_t count_at = kHeaderSize + 1 + 1 + 6 + 6 + 8 + 8;
  ASSERT_EQ(bytes[count_at], 1);  // The one heard node.
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

// --- Replicate: the entry block ---------------------------------------------------------------

TEST(DecodeHostileReplicate, TheHandMadeBlockIsAcceptedWhenWellFormed) {
  // The helpers below build malformed blocks; built well, the same bytes decode.
  const Bytes block = concat({raw_entry(kPongService, 5, 4), raw_entry(2, 1, 0x80),
                              raw_entry(kMaxServiceId, 9, kMaxEntryPayload)});
  auto decoded = decode(replicate_with_block(3, block));
  ASSERT_TRUE(decoded.ok()) << decode_error_name(decoded.error());
  const auto& r = std::get<Replicate>(decoded->body);
  EXPECT_EQ(r.first_seq, 7u);
  EXPECT_EQ(r.entries.count(), 3u);
  EXPECT_EQ(r.entries.size_bytes(), block.size());
  std::size_t walked = 0;
  for (const EntryView& e : r.entries) {
    EXPECT_NE(e.service, 0);
    ++walked;
  }
  EXPECT_EQ(walked, 3u);
  // The same bytes as the encoder writes for those entries.
  EXPECT_TRUE(decode(replicate_with_block(0, {})).ok());
  const Bytes from_encoder = datagram(pong_replicate());
  auto again = decode(from_encoder);
  ASSERT_TRUE(again.ok());
  const Bytes block_bytes(from_encoder.begin() + static_cast<long>(kBlockAt + 4),
                          from_encoder.end());
  EXPECT_TRUE(decode(replicate_with_block(4, block_bytes)).ok());
}

TEST(DecodeHostileReplicate, CountOverTheBatchLimit) {
  Bytes block;
  for (std::size_t i = 0; i <= kMaxEntriesPerBatch; ++i) {
    const Bytes e = raw_entry(kPongService, 5, 0);
    block.insert(block.end(), e.begin(), e.end());
  }
  EXPECT_EQ(error_of(replicate_with_block(kMaxEntriesPerBatch + 1, block)),
            DecodeError::kOversizeContainer);
  EXPECT_EQ(error_of(replicate_with_block(0xffff, {})), DecodeError::kOversizeContainer);
}

TEST(DecodeHostileReplicate, SizeOverTheBlockCapacity) {
  auto bytes = replicate_with_block(1, raw_entry(kPongService, 5, 0));
  put_u16(bytes, kBlockAt + 2, EntryBlock::kCapacity + 1);
  EXPECT_EQ(error_of(bytes), DecodeError::kOversizeContainer);
  put_u16(bytes, kBlockAt + 2, 0xffff);
  EXPECT_EQ(error_of(bytes), DecodeError::kOversizeContainer);
}

TEST(DecodeHostileReplicate, SizeBeyondTheDatagram) {
  // The block claims more bytes than the body holds.
  auto bytes = replicate_with_block(1, raw_entry(kPongService, 5, 4));
  put_u16(bytes, kBlockAt + 2, 100);
  EXPECT_EQ(error_of(bytes), DecodeError::kTruncatedBody);
  // And fewer: the rest is left over.
  put_u16(bytes, kBlockAt + 2, 3);
  EXPECT_EQ(error_of(bytes), DecodeError::kTrailingBytes);
}

TEST(DecodeHostileReplicate, EntryLengthRunningPastTheBlock) {
  // The last entry's length claims more payload than the block holds.
  Bytes block = concat({raw_entry(kPongService, 5, 4), raw_entry(kPongService, 4, 6)});
  block.resize(block.size() - 2);
  EXPECT_EQ(error_of(replicate_with_block(2, block)), DecodeError::kOutOfRange);
  // A two-byte length cut after its first byte.
  Bytes cut = concat({raw_entry(kPongService, 5, 4), Bytes{kPongService, 5, 0x81}});
  EXPECT_EQ(error_of(replicate_with_block(2, cut)), DecodeError::kOutOfRange);
  // A lone service and kind byte.
  EXPECT_EQ(error_of(replicate_with_block(1, Bytes{kPongService, 5})), DecodeError::kOutOfRange);
}

TEST(DecodeHostileReplicate, EntryOfServiceZero) {
  const Bytes block = concat({raw_entry(kPongService, 5, 4), raw_entry(0, 5, 4)});
  EXPECT_EQ(error_of(replicate_with_block(2, block)), DecodeError::kOutOfRange);
}

TEST(DecodeHostileReplicate, PayloadOverTheEntryLimit) {
  const Bytes over = raw_entry(kPongService, 1, kMaxEntryPayload + 1);
  ASSERT_LE(over.size(), EntryBlock::kCapacity);  // It fits the block: only the limit refuses it.
  EXPECT_EQ(error_of(replicate_with_block(1, over)), DecodeError::kOutOfRange);
  const Bytes at_limit = raw_entry(kPongService, 1, kMaxEntryPayload);
  EXPECT_TRUE(decode(replicate_with_block(1, at_limit)).ok());
}

TEST(DecodeHostileReplicate, LengthNotInItsShortestForm) {
  // One entry, one encoding: a short length written in the two-byte form is refused.
  const Bytes block = raw_entry(kPongService, 5, 4, /*long_length_form=*/true);
  EXPECT_EQ(error_of(replicate_with_block(1, block)), DecodeError::kOutOfRange);
}

TEST(DecodeHostileReplicate, CountDisagreesWithTheEntries) {
  const Bytes two = concat({raw_entry(kPongService, 5, 4), raw_entry(kPongService, 5, 4)});
  EXPECT_TRUE(decode(replicate_with_block(2, two)).ok());
  EXPECT_EQ(error_of(replicate_with_block(1, two)), DecodeError::kOutOfRange);
  EXPECT_EQ(error_of(replicate_with_block(3, two)), DecodeError::kOutOfRange);
  EXPECT_EQ(error_of(replicate_with_block(0, two)), DecodeError::kOutOfRange);
  EXPECT_EQ(error_of(replicate_with_block(1, {})), DecodeError::kOutOfRange);
}

TEST(DecodeHostileReplicate, SeqsOutOfRange) {
  auto r = pong_replicate();
  r.first_seq = 0;
  EXPECT_EQ(error_of(datagram(r)), DecodeError::kOutOfRange);
  r.first_seq = 1ull << 62;
  EXPECT_EQ(error_of(datagram(r)), DecodeError::kOutOfRange);
  r.first_seq = 1;
  r.commit_seq = 1ull << 62;
  EXPECT_EQ(error_of(datagram(r)), DecodeError::kOutOfRange);
}

TEST(DecodeHostileReplicate, TheWireChecksFramingNotTheServicesPayload) {
  // A well-framed entry whose payload Pong would refuse decodes: the log knows no service.
  // Pong's own decode refuses it when the entry is applied.
  const Bytes block =
      raw_entry(kPongService, static_cast<std::uint8_t>(pong::EventKind::kInput), 2);
  auto decoded = decode(replicate_with_block(1, block));
  ASSERT_TRUE(decoded.ok());
  const auto& r = std::get<Replicate>(decoded->body);
  for (const EntryView& e : r.entries) EXPECT_FALSE(pong::Event::decode(e).has_value());
}

TEST(DecodeHostileReplicate, RandomBlocksAreWalkedOnlyWhenWellFormed) {
  // Random entry blocks: any block decode accepts walks to exactly count() entries that each
  // satisfy the entry rules.
  Rng rng(77);
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    Bytes block;
    const auto entries = rng.range(0, 6);
    for (int e = 0; e < entries; ++e) {
      const auto b = raw_entry(static_cast<std::uint8_t>(rng.uniform(3)),
                               static_cast<std::uint8_t>(rng.uniform(256)),
                               static_cast<std::size_t>(rng.uniform(140)));
      block.insert(block.end(), b.begin(), b.end());
    }
    const auto flips = rng.range(0, 2);
    for (int f = 0; f < flips && !block.empty(); ++f) {
      block[rng.uniform(block.size())] = static_cast<std::uint8_t>(rng.next_u64());
    }
    const auto claimed = static_cast<std::size_t>(entries + rng.range(-1, 1));
    auto decoded = decode(replicate_with_block(claimed, block));
    if (!decoded.ok()) {
      EXPECT_TRUE(decoded.error() == DecodeError::kOutOfRange ||
                  decoded.error() == DecodeError::kOversizeContainer)
          << decode_error_name(decoded.error());
      continue;
    }
    ++accepted;
    const auto& r = std::get<Replicate>(decoded->body);
    std::size_t walked = 0;
    std::size_t bytes = 0;
    for (const EntryView& e : r.entries) {
      EXPECT_NE(e.service, 0);
      EXPECT_LE(e.payload.size(), kMaxEntryPayload);
      bytes += entry_wire_size(e.payload.size());
      ++walked;
    }
    EXPECT_EQ(walked, r.entries.count());
    EXPECT_EQ(bytes, r.entries.size_bytes());
  }
  EXPECT_GT(accepted, 0);
}

// --- The receive path: the channel is checked before the body -------------------------------

struct CountingStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t datagrams_rejected = 0;
  std::array<std::uint64_t, kMaxDecodeErrorValue + 1> rejected_by_error{};
};

TEST(DecodeHostile, WrongChannelIsRefusedBeforeTheBody) {
  // A Replicate whose block is garbage, on the client socket: refused for where it arrived,
  // not for its body, which is never read.
  Bytes bytes = replicate_with_block(3, Bytes{0, 0, 0});
  ASSERT_EQ(error_of(bytes), DecodeError::kOutOfRange);
  CountingStats stats;
  Outbox outbox;
  Header header;
  EXPECT_FALSE(admit_header(5, Receiver::kServer, Channel::kClient, bytes, header, stats, outbox));
  EXPECT_EQ(stats.datagrams_in, 1u);
  EXPECT_EQ(stats.datagrams_rejected, 1u);
  EXPECT_EQ(stats.rejected_by_error[static_cast<std::size_t>(DecodeError::kWrongChannel)], 1u);
  ASSERT_EQ(outbox.events().size(), 1u);
  EXPECT_EQ(outbox.events()[0].kind, NodeEventKind::kDatagramRejected);
  EXPECT_EQ(outbox.events()[0].reason, static_cast<std::uint8_t>(DecodeError::kWrongChannel));
  EXPECT_EQ(outbox.events()[0].channel, Channel::kClient);

  // On the control socket the header is admitted and the body refused.
  outbox.clear();
  ASSERT_TRUE(admit_header(6, Receiver::kServer, Channel::kControl, bytes, header, stats, outbox));
  ServerMessage message;
  EXPECT_FALSE(decode_counted(6, Channel::kControl, header, bytes, message, stats, outbox));
  EXPECT_EQ(stats.datagrams_in, 2u);
  EXPECT_EQ(stats.datagrams_rejected, 2u);
  EXPECT_EQ(stats.rejected_by_error[static_cast<std::size_t>(DecodeError::kOutOfRange)], 1u);
  ASSERT_EQ(outbox.events().size(), 1u);
  EXPECT_EQ(outbox.events()[0].reason, static_cast<std::uint8_t>(DecodeError::kOutOfRange));

  // A header error is reported as itself, whatever the channel.
  Bytes short_one(10, 0);
  EXPECT_FALSE(
      admit_header(7, Receiver::kServer, Channel::kDiscovery, short_one, header, stats, outbox));
  EXPECT_EQ(stats.rejected_by_error[static_cast<std::size_t>(DecodeError::kTooShort)], 1u);
}

TEST(DecodeHostile, RandomBytesNeverCrash) {
  Rng rng(2024);
  const std::vector<Bytes> valid = {valid_heartbeat(), datagram(pong_replicate())};
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    Bytes bytes;
    if (i % 2 == 0) {
      bytes.resize(rng.uniform(1300));
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng.next_u64());
    } else {
      // Mutate a valid datagram: keeps the header plausible so bodies get exercised.
      bytes = valid[rng.uniform(valid.size())];
      bytes[3] = static_cast<std::uint8_t>(rng.range(1, 30));
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
