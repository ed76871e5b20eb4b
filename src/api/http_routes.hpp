// Which API a request is for, and whether its caller may call it: ECS JSON 1.1 (POST on any
// path, by X-Amz-Target; also berth's access-key API and CloudWatch's JSON 1.0), CloudWatch's
// Smithy RPC v2 CBOR (POST /service/GraniteServiceVersion20100801/operation/<Op>), EventBridge
// Scheduler's REST routes (/schedules[/{Name}], /schedule-groups[/{Name}], /tags/{ResourceArn};
// any other method or path under them is a 404 ResourceNotFoundException), `berth exec` sessions
// (POST /v1/exec with Upgrade: berth-exec, on the unix socket or TLS: a 101, after which the
// connection is handed over), joined agents' connections back for relayed sessions (POST
// /v1/relay: api/relay_routes.hpp), the
// container logs of a task (GET /v1/tasks/{task}/logs?since=&cluster=&container=) and the metrics
// (GET /metrics, which also takes the scrape token, and GET /v1/stats: api/metrics_routes.hpp),
// and the node's images (GET /v1/images: api/image_routes.hpp).
// The dashboard's files (GET /ui/...: api/ui_routes.hpp) are answered before authentication.
// BerthCluster.JoinCluster alone is answered before authentication: a joining node has no key
// yet, its one-time join token is its credential (api/cluster_dispatch.hpp).
// Every other request is authenticated first (api/request_auth.hpp), decoded, authorized for its IAM
// action on its resources, run on a copy of the Context that names its caller, and, if it
// changes something, written to the audit log. No sockets here. Thread-safe.
#pragma once

#include <string>

#include "api/http_peer.hpp"
#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"
#include "api/http_target.hpp"
#include "api/request_auth.hpp"
#include "svc/context.hpp"

namespace berth::api {

class AuditLog;

// What answering a request needs; built once by the server.
struct ApiServices {
  svc::Context& ctx;
  RequestAuth& auth;
  AuditLog* audit = nullptr;  // none in unit tests
  std::string metrics_token{};  // the scrape token GET /metrics takes as a bearer token; "" = none
};

// `berth exec` sessions: POST to this path with this Upgrade header and an exec session request
// (model/execute_command.hpp) as the body.
inline constexpr std::string_view k_exec_path = "/v1/exec";
inline constexpr std::string_view k_exec_upgrade = "berth-exec";

// Returns the answer to `request` from `peer`; HEAD is answered as GET (the caller leaves the
// body out). Never throws for bad input; a use case that throws is the caller's to catch.
HttpResponse route_request(ApiServices& api, const HttpRequest& request, const HttpPeer& peer);

}  // namespace berth::api
