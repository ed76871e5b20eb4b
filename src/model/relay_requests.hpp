// Interactive sessions (`berth exec -i/-t`, `berth attach`) in containers of tasks on joined
// gateways, which have no inbound port: the serving gateway lists each in the instance's next poll
// reply ("relayRequests", once), and the agent connects back to the server's API for it (POST
// k_relay_path with Upgrade: k_relay_upgrade, signed with the instance's key, body a
// ConnectRelayRequest) and serves the session on that connection. The typed requests and their
// codecs. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"

namespace berth::model {

inline constexpr std::string_view k_relay_path = "/v1/relay";
inline constexpr std::string_view k_relay_upgrade = "berth-relay";

// One ask of the server: connect back for session `id` and serve in container `runtime_id` an
// exec of `argv` (with a terminal or not, input or not) or an attach to its stdio (no argv).
struct RelayRequest {
  enum class Kind { exec, attach };
  std::string id;
  Kind kind = Kind::exec;
  std::string runtime_id;
  std::vector<std::string> argv;
  bool tty = false;
  bool interactive = false;
};

// The agent's connection for a session its poll listed (BerthCluster action
// berth:ConnectRelaySession on the instance).
struct ConnectRelayRequest {
  std::optional<std::string> cluster;
  std::string container_instance;  // id or ARN
  std::string session_id;
};

// At most this many relay requests in one poll reply (the server opens a few at once).
inline constexpr std::size_t k_max_listed_relay_requests = 16;

// The poll reply's "relayRequests" member and back (ServerException for a malformed one).
Json relay_requests_to_json(const std::vector<RelayRequest>& requests);
[[nodiscard]] Result<std::vector<RelayRequest>> relay_requests_from_json(const Json& json);

const Shape& connect_relay_shape();
[[nodiscard]] Result<ConnectRelayRequest> decode_connect_relay(const Json& body);
Json encode_connect_relay(const ConnectRelayRequest& request);

}  // namespace berth::model
