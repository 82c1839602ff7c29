#include "sim/attacker.h"

#include <algorithm>
#include <array>
#include <limits>
#include <memory>

#include "core/security/datagram_auth.h"
#include "core/wire/codec.h"
#include "core/wire/session_messages.h"

namespace dp::sim {
namespace {

// Takes in what reaches the attacker's own socket, and never asks for a tick.
class AttackerNode final : public Node {
 public:
  void start(TimeUs) override {}
  void on_datagram(TimeUs, Channel, Endpoint, std::span<const std::uint8_t>) override {}
  void on_tick(TimeUs) override {}
  TimeUs next_tick_at() const override { return std::numeric_limits<TimeUs>::max() / 2; }
};

// One datagram being forged: the message, then whatever trailer the attack adds.
using Buffer = std::array<std::uint8_t, wire::kMaxDatagramSize + Outbox::kMaxSealBytes>;

template <class Msg>
std::size_t encode_into(Buffer& buf, const NodeId& sender, const Epoch& epoch, const Msg& msg) {
  auto size = wire::encode(sender, epoch, msg, std::span(buf).first(wire::kMaxDatagramSize));
  return size.ok() ? *size : 0;
}

std::string endpoint_str(Endpoint e) { return e.str(); }

}  // namespace

HostSpec attacker_host_spec(NodeId id) {
  HostSpec spec;
  spec.kind = HostKind::kClient;
  spec.number = 1;
  spec.id = id;
  spec.endpoints.client = Endpoint{kAttackerIp, 40000};
  spec.has_channel = {false, false, true};
  spec.name = "attacker";
  return spec;
}

NodeFactory attacker_factory() {
  return [](const HostSpec&, const Disk&, std::uint64_t) -> std::unique_ptr<Node> {
    return std::make_unique<AttackerNode>();
  };
}

Attacker::Attacker(Simulator& sim, const Config& config) : sim_(sim), config_(config) {}

void Attacker::send(const char* attack, Endpoint from, Endpoint to, bool broadcast,
                    std::uint8_t kind, std::span<const std::uint8_t> bytes) {
  AttackTally& tally = sent_[attack];
  ++tally.datagrams;
  tally.bytes += bytes.size();
  sim_.inject(config_.host, from, to, broadcast, kind, bytes);
}

// ---------------------------------------------------------------------------------------------
// The tap

void Attacker::on_deliver(TimeUs now, const Transit& t, std::span<const std::uint8_t> bytes) {
  if (t.from_host == config_.host) return;  // Its own.
  const bool from_server = is_server(t.from_host);
  const bool to_server = is_server(t.to_host);
  if (!(from_server || is_client(t.from_host)) || !(to_server || is_client(t.to_host)) ||
      !(from_server || to_server)) {
    return;  // Not the game's traffic (the chat cluster's, for one).
  }
  ++captured_;
  if (from_server && to_server) {
    const SealedParts parts = DatagramAuth::split(bytes);
    wire::Header h;
    if (!wire::decode_header(parts.message, h)) {
      highest_term_ = std::max(highest_term_, h.epoch.term);
    }
    if (parts.trailer.size() >= kTrailerKeylessBytes && parts.trailer[1] != 0) {
      key_slot_ = parts.trailer[1];
    }
  }
  if (!from_server && t.kind == static_cast<std::uint8_t>(wire::MsgType::kInput)) {
    sample_player(t, bytes);
  }
  if (config_.capture_window_us <= 0) return;
  captured_copies_.push_back(
      Captured{now, t.from, t.to, t.kind, std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
  while (!captured_copies_.empty() &&
         (captured_copies_.size() > kMaxCaptured ||
          captured_copies_.front().at_us < now - config_.capture_window_us)) {
    captured_copies_.pop_front();
  }
}

void Attacker::sample_player(const Transit& t, std::span<const std::uint8_t> bytes) {
  // A keyed cluster's client seals its requests: the message comes before the trailer.
  const SealedParts parts = DatagramAuth::split(bytes);
  wire::Decoded d;
  if (wire::decode_into(parts.message, d)) return;
  const auto* input = std::get_if<wire::Input>(&d.body);
  if (input == nullptr) return;
  Player& p = players_[t.from_host];
  p.trailer.assign(parts.trailer.begin(), parts.trailer.end());
  p.endpoint = t.from;
  p.server = t.to;
  p.client_id = input->client_id;
  p.room = input->room;
  p.input_seq = std::max(p.input_seq, input->input_seq);
}

void Attacker::on_send(TimeUs now, HostIndex from, const OutDatagram& d) {
  if (victims_.empty() || now < flood_from_us_ || !is_server(from)) return;
  if (d.kind != static_cast<std::uint8_t>(wire::MsgType::kDiscoverResponse)) return;
  if (!victims_.count(d.to)) return;
  ++victim_answers_.datagrams;
  victim_answers_.bytes += d.size;
}

// ---------------------------------------------------------------------------------------------
// The attacks

std::string Attacker::forge_coordinator(const AttackSpec& a) {
  const std::uint64_t term =
      a.term ? *a.term
             : (highest_term_ > std::numeric_limits<std::uint64_t>::max() - a.term_ahead
                    ? std::numeric_limits<std::uint64_t>::max()
                    : highest_term_ + a.term_ahead);
  const Epoch epoch{term, config_.forged_id};
  wire::Coordinator msg;
  msg.control = Endpoint{kAttackerIp, kDefaultControlPort};
  msg.client = Endpoint{kAttackerIp, kDefaultClientPort};
  Buffer buf{};
  const std::size_t size = encode_into(buf, config_.forged_id, epoch, msg);
  if (size == 0) return "attacker: could not encode a COORDINATOR";
  const auto mode = static_cast<std::uint8_t>(config_.mode);
  std::size_t sealed = size;
  switch (a.signing) {
    case ForgeSigning::kNone:
      break;
    case ForgeSigning::kKeyless:
    case ForgeSigning::kOtherMode:
      buf[size] = a.signing == ForgeSigning::kKeyless ? mode : static_cast<std::uint8_t>(mode ^ 1u);
      buf[size + 1] = 0;
      sealed = size + kTrailerKeylessBytes;
      break;
    case ForgeSigning::kWrongKey: {
      ClusterKeys keys;
      keys.primary = config_.wrong_key;
      DatagramAuth auth(mode, keys, static_cast<std::uint64_t>(sim_.now()) + 1);
      sealed = auth.seal(std::span(buf), size);
      // The slot byte is not secret: claim the cluster's, so only the tag can give it away.
      if (key_slot_ != 0) buf[size + 1] = key_slot_;
      break;
    }
  }
  int targets = 0;
  for (HostIndex h = 0; h < config_.servers_end; ++h) {
    send("forge-coordinator", msg.control, sim_.host(h).spec.endpoints.control, false,
         static_cast<std::uint8_t>(wire::MsgType::kCoordinator), {buf.data(), sealed});
    ++targets;
  }
  return "attacker: forged COORDINATOR from made-up id " + config_.forged_id.short_str() +
         ", term " + std::to_string(term) + ", signed " + forge_signing_name(a.signing) + ", to " +
         std::to_string(targets) + " servers";
}

std::string Attacker::replay(const AttackSpec& a) {
  const TimeUs now = sim_.now();
  std::uint64_t datagrams = 0;
  // Copy first: sending delivers nothing now, but keep the loop independent of the tap.
  std::vector<const Captured*> window;
  for (const Captured& c : captured_copies_) {
    if (c.at_us >= now - a.window_us && c.at_us <= now) window.push_back(&c);
  }
  for (int copy = 0; copy < a.copies; ++copy) {
    for (const Captured* c : window) {
      send("replay", c->from, c->to, false, c->kind, c->bytes);
      ++datagrams;
    }
  }
  return "attacker: replays " + std::to_string(window.size()) + " datagrams captured in the last " +
         std::to_string(a.window_us / kUsPerMs) + " ms, " + std::to_string(a.copies) + " cop" +
         (a.copies == 1 ? "y" : "ies") + " each (" + std::to_string(datagrams) + " sent)";
}

std::string Attacker::spoof(bool leave, const AttackSpec& a, std::optional<HostIndex> player) {
  if (!player) {
    if (players_.empty()) return "attacker: has seen no player's input yet; nothing to spoof";
    player = players_.begin()->first;
  }
  auto it = players_.find(*player);
  if (it == players_.end()) {
    return "attacker: has seen no input from " + sim_.host(*player).spec.name +
           " yet; nothing to spoof";
  }
  const Player& p = it->second;
  const std::string what =
      "attacker: spoofs " + std::to_string(a.count) + (leave ? " Leave" : " Input") +
      (a.count == 1 ? "" : "s") + " for " + sim_.host(*player).spec.name + " (room " +
      std::to_string(p.room) + ") from its endpoint " + endpoint_str(p.endpoint) + " to " +
      endpoint_str(p.server) +
      (a.count > 1 ? ", one every " + std::to_string(a.every_us / kUsPerMs) + " ms" : "");
  spoof_one(leave, *player, 0, a.count, a.every_us);
  return what;
}

void Attacker::spoof_one(bool leave, HostIndex player, std::int64_t k, std::int64_t count,
                         TimeUs every) {
  const Player& p = players_.at(player);
  const NodeId sender = sim_.host(player).spec.id;
  Buffer buf{};
  std::size_t size = 0;
  if (leave) {
    wire::Leave msg;
    msg.client_id = p.client_id;
    msg.room = p.room;
    size = encode_into(buf, sender, Epoch{}, msg);
  } else {
    wire::Input msg;
    msg.client_id = p.client_id;
    msg.room = p.room;
    // The highest sequence first (a session that took it would ignore every later real
    // input), then one just above the player's, then half-way.
    const std::uint32_t seqs[3] = {0xFFFFFFFFu, p.input_seq + 1, 0x80000000u};
    msg.input_seq = seqs[k % 3];
    for (std::size_t i = 0; i < wire::kInputHistory; ++i) msg.recent.push_back(1);
    size = encode_into(buf, sender, Epoch{}, msg);
  }
  if (size > 0 && !p.trailer.empty() && size + p.trailer.size() <= buf.size()) {
    // The player's ticket, a counter past its last, and a made-up tag.
    std::copy(p.trailer.begin(), p.trailer.end(), buf.begin() + static_cast<long>(size));
    const std::size_t counter_at = size + wire::kSessionTicketBytes;
    if (p.trailer.size() >= wire::kSessionTicketBytes + 8) {
      buf[counter_at + 7] = static_cast<std::uint8_t>(buf[counter_at + 7] + 1 + k);
    }
    for (std::size_t i = counter_at + 8; i < size + p.trailer.size(); ++i) buf[i] ^= 0x5a;
    size += p.trailer.size();
  }
  if (size > 0) {
    send(leave ? "spoof-leave" : "spoof-input", p.endpoint, p.server, false,
         static_cast<std::uint8_t>(leave ? wire::MsgType::kLeave : wire::MsgType::kInput),
         {buf.data(), size});
  }
  if (k + 1 < count) {
    sim_.schedule_call(sim_.now() + every, [this, leave, player, k, count, every] {
      spoof_one(leave, player, k + 1, count, every);
    });
  }
}

std::string Attacker::flood_discovery(const AttackSpec& a, Endpoint victim,
                                      const std::string& name) {
  if (victims_.empty()) flood_from_us_ = sim_.now();
  victims_.insert(victim);
  flood_one(victim, 0, a.count, a.every_us);
  return "attacker: floods the servers with " + std::to_string(a.count) +
         " discovery requests from " + name + " (" + endpoint_str(victim) + ")" +
         (a.every_us > 0 ? ", one every " + std::to_string(a.every_us / kUsPerMs) + " ms"
                         : ", all at once");
}

void Attacker::flood_one(Endpoint victim, std::int64_t k, std::int64_t count, TimeUs every) {
  // As a client asks: padded, so that no answer may be larger than the question.
  const wire::DiscoverRequest msg = wire::client_discover_request(victim);
  Buffer buf{};
  const NodeId sender{0, 0xA77AC0000ull + static_cast<std::uint64_t>(k % 1000) + 1};
  const std::size_t size = encode_into(buf, sender, Epoch{}, msg);
  std::int64_t sent = 0;
  // Every request due now goes out now (every = 0: all of them).
  for (; k < count && (sent == 0 || every == 0); ++k, ++sent) {
    if (size == 0) continue;
    send("flood-discovery", victim, Endpoint{0, kDefaultDiscoveryPort}, true,
         static_cast<std::uint8_t>(wire::MsgType::kDiscoverRequest), {buf.data(), size});
    flood_bytes_ += size;
  }
  if (k < count) {
    sim_.schedule_call(sim_.now() + every,
                       [this, victim, k, count, every] { flood_one(victim, k, count, every); });
  }
}

}  // namespace dp::sim
