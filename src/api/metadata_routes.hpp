// The task metadata endpoint (v4, and v3 for older SDKs), as the ECS agent serves it on its port
// 51679: GET /v4/<token> (the container's metadata), /v4/<token>/task (its task's),
// /v4/<token>/stats (its Docker-shaped stats), /v4/<token>/task/stats (every container's, by
// DockerId; null for one not read yet); the same under /v3/. Nothing else is served here: this is
// no ECS API, and it takes no credentials but the token.
// Only a container's own task may read (DESIGN.md §10): the token (api/metadata_token.hpp) names
// the container, and the caller must be where that task runs: a bridge task's own address on
// the bridge, or the host's loopback for a host-network task (bridge tasks cannot reach the
// host's loopback: runtime/network/bridge_network.hpp). Any refusal answers as an unknown token
// does (404), so a caller learns nothing about tokens that are not its own. No sockets here.
// Thread-safe.
#pragma once

#include <string>

#include "api/http_peer.hpp"
#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"
#include "api/metadata_token.hpp"
#include "model/network_mode.hpp"
#include "model/task.hpp"
#include "svc/context.hpp"

namespace berth::api {

// What answering a metadata request needs; built once by the daemon.
struct MetadataServices {
  svc::Context& ctx;
  const MetadataTokens& tokens;
  std::string cluster;            // the local agent's cluster: every task that runs here is in it
  std::string availability_zone;  // the instance's, for the task metadata
};

// Returns whether `peer` may read the metadata of `task`, whose network mode is `mode`: from the
// loopback only a host-network task's; from anywhere else only a bridge task's that has not
// stopped (its address may be another task's later), from that task's own address.
bool metadata_caller_allowed(const HttpPeer& peer, model::NetworkMode mode, const model::Task& task);

// Returns the answer to `request` from `peer`; HEAD is answered as GET (the caller leaves the
// body out). Errors are a JSON string with the ECS agent's status: 404 for an unknown (or
// refused) token or path, 405 for a method other than GET/HEAD, 500 for stats not read yet.
HttpResponse route_metadata_request(MetadataServices& services, const HttpRequest& request, const HttpPeer& peer);

}  // namespace berth::api
