// The auth fuzz target's body and input format, shared with the corpus generator (which
// replays its seeds to check each does what it was written for).
//
// A keyed ServerNode (cluster key kClusterKey, and kPreviousKey accepted as during a key
// rotation) gets datagrams whose trailers the harness writes itself, with libsodium directly
// (not with DatagramAuth, so a mistake there is not repeated here): correctly signed ones,
// as a member of many server ids would sign them, and the forgeries and accidents an
// attacker or a network can produce.
//
// Input: records of [u8 op][u8 time step ms][u8 arg0][u8 arg1][u16 LE length][message], at
// most kMaxRecords. The message is the header and body (the harness seals it); op's low
// nibble picks the Seal (modulo kSealKinds), its high nibble the channel (modulo 3); arg0 and
// arg1 are the Seal's parameters. Before each datagram the node's ticks due by its arrival
// run, as a driver would run them.
//
// Oracles, checked after every datagram (abort on failure):
// - A datagram that is not a fresh, validly signed one of a well-formed message changes
//   nothing: the node's role, epoch, highest term, peers and cluster size are as before. It is
//   counted as rejected and answered with nothing, unless it took a path where no signature
//   is asked for (a client's request, a client's unsigned discovery request, our own id echoed
//   back); and when it reached the signature check it is counted under an authentication
//   reason.
// - A fresh, validly signed datagram is never counted under an authentication reason
//   (unsigned, bad tag, replayed, foreign mode); the term bound may still refuse it.
// - Freshness follows an independent model of the replay window (per sender: the newest
//   boot accepted, and in it the counters accepted, of which the last 64 are remembered).
#pragma once

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <tuple>
#include <vector>

#include "core/cluster/server_node.h"
#include "core/security/cluster_keys.h"
#include "core/security/datagram_auth.h"
#include "core/services/pong/service.h"
#include "core/wire/channel_rules.h"
#include "core/wire/codec.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/server_records.h"

namespace dp::fuzz::auth {

constexpr std::size_t kMaxRecords = 64;
constexpr std::size_t kRecordHeaderBytes = 6;

// How the harness seals a record's message.
enum class Seal : std::uint8_t {
  // Signed with the key, fresh or not as the counter and boot make it.
  kSigned = 0,      // The cluster key, the sender's next counter.
  kSignedPrevious,  // The previous key (a rotation in progress), the next counter.
  kCounterAhead,    // The next counter plus 2^(arg0 % 64) - 1: far ahead (the sender goes on
                    // from there).
  kCounterBehind,   // A late datagram: the sender's last counter minus d, where d is
                    // kWidth - 2 + arg0 % 5 (the window's edge) when arg1 is odd, else
                    // arg0 + 256 * (arg1 / 2).
  kNewBoot,         // The sender restarted: its boot stamp + 1 + arg0, counter 1.
  kOldBoot,         // An older boot of the sender (boot - 1 - arg0), counter 1 + arg1.
  kCounterZero,     // Counter 0, which no sender uses.
  // Forged or damaged: never valid.
  kWrongKey,   // Signed with a key the cluster does not hold; arg0 bit 0: under the key's own
               // slot, else under the cluster key's slot.
  kBitFlip,    // Signed, then bit (arg0 + 256 * arg1) modulo the size of the datagram flipped.
  kTruncated,  // Signed, then 1 + arg0 % 34 bytes cut off the end.
  kWrongSlot,  // Signed, then the slot byte set to arg0 (or arg0 + 1 when that is the slot).
  kWrongMode,  // Signed for the other election mode (the mode byte is under the tag).
  kKeyless,    // A keyless server's trailer.
  kUnsealed,   // No trailer at all.
  kReplay,     // The (arg0)th earlier datagram again, as it was sent and on its channel.
  kCount
};
constexpr std::uint8_t kSealKinds = static_cast<std::uint8_t>(Seal::kCount);

constexpr bool signed_validly(Seal seal) { return seal <= Seal::kCounterZero; }

constexpr ClusterKey make_key(std::uint8_t first) {
  ClusterKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(first + i);
  return key;
}
constexpr ClusterKey kClusterKey = make_key(1);
constexpr ClusterKey kPreviousKey = make_key(101);
constexpr ClusterKey kWrongKey = make_key(201);
// Every sender starts at this boot stamp, so older boots exist.
constexpr std::uint64_t kFirstBoot = 1000;

inline ServerConfig auth_server_config() {
  ServerConfig config = server_config();
  config.keys.primary = kClusterKey;
  config.keys.previous = kPreviousKey;
  config.boot_stamp = 77;
  return config;
}

using Bytes = std::vector<std::uint8_t>;

inline void put_u64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v & 0xffu);
    v >>= 8;
  }
}

// `message` with a keyed trailer: mode, slot, boot, counter, and the BLAKE2b-128 tag keyed
// with `key` over the message and those 18 bytes.
inline Bytes signed_datagram(std::span<const std::uint8_t> message, const ClusterKey& key,
                             std::uint8_t slot, std::uint8_t mode, std::uint64_t boot,
                             std::uint64_t counter) {
  Bytes out(message.begin(), message.end());
  std::array<std::uint8_t, kTrailerKeyedBytes> t{};
  t[0] = mode;
  t[1] = slot;
  put_u64(t.data() + 2, boot);
  put_u64(t.data() + 10, counter);
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.data(), key.size(), kAuthTagBytes);
  crypto_generichash_update(&state, message.data(), message.size());
  crypto_generichash_update(&state, t.data(), kTrailerKeyedBytes - kAuthTagBytes);
  crypto_generichash_final(&state, t.data() + kTrailerKeyedBytes - kAuthTagBytes, kAuthTagBytes);
  out.insert(out.end(), t.begin(), t.end());
  return out;
}

// The replay window as specified, written apart from ReplayWindow.
class FreshnessModel {
 public:
  bool fresh(const NodeId& sender, std::uint64_t boot, std::uint64_t counter) const {
    if (counter == 0) return false;
    const auto it = senders_.find(sender);
    if (it == senders_.end()) return true;
    const Sender& s = it->second;
    if (boot != s.boot) return boot > s.boot;
    if (s.accepted.count(counter) != 0) return false;
    const std::uint64_t top = s.accepted.empty() ? 0 : *s.accepted.rbegin();
    return counter > top || top - counter < ReplayWindow::kWidth;
  }
  void accept(const NodeId& sender, std::uint64_t boot, std::uint64_t counter) {
    Sender& s = senders_[sender];
    if (boot != s.boot) {
      s.boot = boot;
      s.accepted.clear();
    }
    s.accepted.insert(counter);
  }

 private:
  struct Sender {
    std::uint64_t boot = 0;
    std::set<std::uint64_t> accepted;
  };
  std::map<NodeId, Sender> senders_;
};

// What a forgery must not change.
struct Observed {
  ServerRole role;
  Epoch epoch;
  Epoch known_epoch;
  std::uint64_t highest_term;
  std::uint32_t peers_known;
  std::vector<std::tuple<NodeId, Endpoint, Endpoint, TimeUs, bool, wire::Role, std::uint64_t, Epoch,
                         std::uint32_t>>
      peers;
  bool operator==(const Observed&) const = default;
};

inline Observed observe(const ServerNode& node) {
  Observed o{node.role_kind(),    node.epoch(),       node.known_epoch(),
             node.highest_term(), node.peers_known(), {}};
  for (const auto& [id, p] : node.peers()) {
    o.peers.emplace_back(id, p.control, p.client, p.last_heard_us, p.alive, p.role, p.applied_seq,
                         p.epoch, p.datagrams_heard);
  }
  return o;
}

inline std::uint64_t refused(const ServerStats& s, wire::DecodeError e) {
  return s.rejected_by_error[static_cast<std::size_t>(e)];
}
inline std::uint64_t auth_reasons(const ServerStats& s) {
  using wire::DecodeError;
  return refused(s, DecodeError::kUnsigned) + refused(s, DecodeError::kBadTag) +
         refused(s, DecodeError::kReplayed) + refused(s, DecodeError::kForeignMode);
}

// Where the node's receive path takes `datagram`.
struct Path {
  bool header_ok = false;    // The message's header decodes and its type belongs on the channel.
  bool own_id = false;       // Our own id: dropped as our broadcast looped back.
  bool client = false;       // A client's request (service family), never signed.
  bool unsigned_ok = false;  // No trailer on the discovery socket: a client's discovery request.
  bool verified = false;     // Reaches DatagramAuth::verify.
  wire::Header header;
};

inline Path path_of(Channel channel, std::span<const std::uint8_t> datagram) {
  Path p;
  const SealedParts parts = DatagramAuth::split(datagram);
  if (wire::decode_header(parts.message, p.header)) return p;
  const auto type = static_cast<std::uint8_t>(p.header.type);
  if (!wire::allowed_on(wire::Receiver::kServer, channel, type)) return p;
  p.header_ok = true;
  p.own_id = p.header.sender == kServerId;
  if (p.own_id) return p;
  p.client = wire::family_of(type) == wire::Family::kService;
  if (p.client) return p;
  p.unsigned_ok = parts.trailer.empty() && channel == Channel::kDiscovery;
  p.verified = !parts.trailer.empty();
  return p;
}

struct SenderClock {
  std::uint64_t boot = kFirstBoot;
  std::uint64_t counter = 0;  // The last one used.
};

struct Sent {
  Channel channel;
  Bytes datagram;
};

// Where a run left the node (for the corpus generator's checks).
struct Summary {
  ServerRole role;
  Epoch epoch;
  std::uint64_t highest_term;
  ServerStats stats;
};

// The whole target. `drain` is called after every step of the node.
template <class Drain>
Summary run(const std::uint8_t* data, std::size_t size, Drain&& drain) {
  const std::uint8_t mode = static_cast<std::uint8_t>(ElectionMode::kSticky);
  const std::uint8_t other_mode = static_cast<std::uint8_t>(ElectionMode::kClassic);
  const std::uint8_t slot = key_slot_id(kClusterKey);
  const std::uint8_t previous_slot = key_slot_id(kPreviousKey);
  const std::uint8_t wrong_slot = key_slot_id(kWrongKey);

  ServerConfig config = auth_server_config();
  FUZZ_CHECK(static_cast<std::uint8_t>(config.mode) == mode);
  ServerNode node(config, pong::pong_services(pong::PongConfig{}));
  TimeUs now = 0;
  node.start(now);
  drain(node);

  FreshnessModel model;
  std::map<NodeId, SenderClock> clocks;
  std::vector<Sent> history;
  const std::span<const std::uint8_t> input(data, size);
  std::size_t pos = 0;
  for (std::size_t record = 0; record < kMaxRecords && pos + kRecordHeaderBytes <= size; ++record) {
    const std::uint8_t op = input[pos];
    const TimeUs step_us = TimeUs{input[pos + 1]} * kUsPerMs;
    const std::uint8_t arg0 = input[pos + 2];
    const std::uint8_t arg1 = input[pos + 3];
    const std::size_t len = std::size_t{input[pos + 4]} | (std::size_t{input[pos + 5]} << 8);
    pos += kRecordHeaderBytes;
    const std::size_t take = std::min(len, size - pos);
    const std::span<const std::uint8_t> message = input.subspan(pos, take);
    pos += take;
    auto seal = static_cast<Seal>((op & 0x0f) % kSealKinds);
    Channel channel = static_cast<Channel>((op >> 4) % 3);

    // The sender a member would sign as: the header's, as far as it goes.
    wire::Header claimed;
    const bool well_formed = !wire::decode_header(message, claimed);
    SenderClock& clock = clocks[claimed.sender];
    std::uint64_t boot = clock.boot;
    std::uint64_t counter = clock.counter;
    Bytes datagram;
    switch (seal) {
      case Seal::kSigned:
      case Seal::kBitFlip:
      case Seal::kTruncated:
      case Seal::kWrongSlot:
        counter = ++clock.counter;
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      case Seal::kSignedPrevious:
        counter = ++clock.counter;
        datagram = signed_datagram(message, kPreviousKey, previous_slot, mode, boot, counter);
        break;
      case Seal::kCounterAhead: {
        const std::uint64_t jump = (std::uint64_t{1} << (arg0 % 64)) - 1;
        counter = clock.counter + 1 + std::min(jump, ~std::uint64_t{0} - clock.counter - 1);
        clock.counter = counter;
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      }
      case Seal::kCounterBehind:
        counter -=
            std::min<std::uint64_t>(counter, (arg1 & 1) != 0 ? ReplayWindow::kWidth - 2 + arg0 % 5
                                                             : arg0 + 256u * (arg1 / 2));
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      case Seal::kNewBoot:
        boot = clock.boot += 1 + arg0;
        counter = clock.counter = 1;
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      case Seal::kOldBoot:
        boot -= std::min<std::uint64_t>(boot, 1u + arg0);
        counter = 1u + arg1;
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      case Seal::kCounterZero:
        counter = 0;
        datagram = signed_datagram(message, kClusterKey, slot, mode, boot, counter);
        break;
      case Seal::kWrongKey:
        datagram = signed_datagram(message, kWrongKey, (arg0 & 1) != 0 ? wrong_slot : slot, mode,
                                   boot, ++clock.counter);
        break;
      case Seal::kWrongMode:
        datagram = signed_datagram(message, kClusterKey, slot, other_mode, boot, ++clock.counter);
        break;
      case Seal::kKeyless:
        datagram = test::sealed_keyless(message, config.mode);
        break;
      case Seal::kUnsealed:
        datagram.assign(message.begin(), message.end());
        break;
      case Seal::kReplay:
        if (history.empty()) {
          seal = Seal::kUnsealed;
          datagram.assign(message.begin(), message.end());
        } else {
          const Sent& earlier = history[arg0 % history.size()];
          channel = earlier.channel;
          datagram = earlier.datagram;
        }
        break;
      case Seal::kCount:
        break;
    }
    switch (seal) {
      case Seal::kBitFlip: {
        const std::size_t bit = (arg0 + 256u * arg1) % (datagram.size() * 8);
        datagram[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
        break;
      }
      case Seal::kTruncated:
        datagram.resize(datagram.size() - (1u + arg0 % kTrailerKeyedBytes));
        break;
      case Seal::kWrongSlot:
        datagram[message.size() + 1] = arg0 == slot ? static_cast<std::uint8_t>(arg0 + 1) : arg0;
        break;
      default:
        break;
    }

    const TimeUs arrive = now + step_us;
    for (int ticks = 0; ticks < kMaxTicksPerRecord && node.next_tick_at() <= arrive; ++ticks) {
      now = std::max(now, node.next_tick_at());
      node.on_tick(now);
      drain(node);
    }
    now = arrive;

    const Path path = path_of(channel, datagram);
    const Observed before = observe(node);
    const ServerStats stats_before = node.stats();
    node.on_datagram(now, channel, kPeer, datagram);
    const bool sent_nothing = node.outbox().datagrams().empty();
    drain(node);
    const ServerStats& stats = node.stats();
    const bool one_more_rejected = stats.datagrams_rejected == stats_before.datagrams_rejected + 1;
    const bool auth_counted = auth_reasons(stats) == auth_reasons(stats_before) + 1 &&
                              stats.auth_refused == stats_before.auth_refused + 1;

    if (signed_validly(seal) && well_formed) {
      if (path.verified && !model.fresh(claimed.sender, boot, counter)) {
        // A replay, with a good tag: refused as one, before it touches anything.
        FUZZ_CHECK(observe(node) == before);
        FUZZ_CHECK(one_more_rejected && auth_counted);
        FUZZ_CHECK(refused(stats, wire::DecodeError::kReplayed) ==
                   refused(stats_before, wire::DecodeError::kReplayed) + 1);
      } else {
        // Fresh and validly signed (or never checked): no authentication refusal.
        FUZZ_CHECK(auth_reasons(stats) == auth_reasons(stats_before));
        if (path.verified) model.accept(claimed.sender, boot, counter);
      }
    } else {
      // Forged, damaged, replayed, or a malformed message: nothing changes.
      FUZZ_CHECK(observe(node) == before);
      if (!path.own_id && !path.client && !path.unsigned_ok) {
        FUZZ_CHECK(one_more_rejected);
        FUZZ_CHECK(sent_nothing);  // Not even a reply: a forger learns nothing.
      }
      if (path.verified) FUZZ_CHECK(auth_counted);
    }
    if (history.size() < kMaxRecords) history.push_back(Sent{channel, datagram});
  }

  const ServerStats& stats = node.stats();
  FUZZ_CHECK(stats.datagrams_rejected <= stats.datagrams_in);
  FUZZ_CHECK(stats.auth_refused <=
             auth_reasons(stats) + refused(stats, wire::DecodeError::kTermJump));
  return Summary{node.role_kind(), node.epoch(), node.highest_term(), stats};
}

}  // namespace dp::fuzz::auth
