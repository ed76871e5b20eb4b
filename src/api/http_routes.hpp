// Which API a request is for: ECS JSON 1.1 (POST on any path, by X-Amz-Target), EventBridge
// Scheduler's REST routes (/schedules, /schedules/{Name}) and the container logs of a task
// (GET /v1/tasks/{task}/logs?since=&cluster=&container=). No sockets here. Thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"
#include "svc/context.hpp"

namespace berth::api {

// Returns the answer to `request`; HEAD is answered as GET (the caller leaves the body out).
// Never throws for bad input; a use case that throws is the caller's to catch.
HttpResponse route_request(svc::Context& ctx, const HttpRequest& request);

// Returns `text` with %XX sequences decoded (and '+' as a space if `plus_is_space`); a '%' not
// followed by two hex digits stays as it is.
enum class PlusIsSpace { no, yes };
std::string percent_decode(std::string_view text, PlusIsSpace plus_is_space);

struct RequestTarget {
  std::string path;                          // decoded
  std::map<std::string, std::string> query;  // decoded; the first of repeated names wins
};

// Splits an origin-form (or absolute-form) request target into its decoded path and query.
RequestTarget parse_target(std::string_view target);

}  // namespace berth::api
