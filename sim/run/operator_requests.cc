#include "sim/run/operator_requests.h"

#include <array>

#include "core/security/datagram_auth.h"
#include "core/wire/codec.h"
#include "sim/server_host.h"

namespace dp::sim {

bool send_operator_request(RunContext& run, HostIndex to, wire::CtlCommand command,
                           const NodeId& successor) {
  // The operator's own id and port: fixed, so a run replays to the same trace.
  const NodeId operator_id{0, 0x0c71'0000'0000'0001ull};
  wire::CtlRequest request;
  request.command = static_cast<std::uint8_t>(command);
  request.target = successor;
  request.nonce = static_cast<std::uint64_t>(run.sim.now());
  std::array<std::uint8_t, wire::kMaxDatagramSize + Outbox::kMaxSealBytes> buf{};
  ClusterKeys keys;
  if (run.scenario.cluster_key) {
    keys.primary = scenario_cluster_key(run.result.seed, "game");
  } else {
    for (std::size_t i = 0; i < wire::kCtlRequestPadding; ++i) request.padding.push_back(0);
  }
  const auto size =
      wire::encode(operator_id, Epoch{}, request, std::span(buf).first(wire::kMaxDatagramSize));
  if (!size) return false;
  std::size_t total = *size;
  if (!keys.empty()) {
    // Boot stamps grow with simulated time, so each request is fresh to the replay window.
    DatagramAuth auth(static_cast<std::uint8_t>(run.scenario.mode), keys,
                      static_cast<std::uint64_t>(run.sim.now()) + 1);
    total = auth.seal(std::span(buf), *size);
  }
  const Endpoint control = run.sim.host(to).spec.endpoints.control;
  run.sim.inject(to, Endpoint{control.ip, 9}, control, false,
                 static_cast<std::uint8_t>(wire::MsgType::kCtlRequest), {buf.data(), total});
  return true;
}

}  // namespace dp::sim
