// Which API a request is for: ECS JSON 1.1 (POST on any path, by X-Amz-Target), EventBridge
// Scheduler's REST routes (/schedules, /schedules/{Name}) and the container logs of a task
// (GET /v1/tasks/{task}/logs?since=&cluster=&container=). No sockets here. Thread-safe.
#pragma once

#include "api/http_request_parser.hpp"
#include "api/http_response.hpp"
#include "api/http_target.hpp"
#include "svc/context.hpp"

namespace berth::api {

// Returns the answer to `request`; HEAD is answered as GET (the caller leaves the body out).
// Never throws for bad input; a use case that throws is the caller's to catch.
HttpResponse route_request(svc::Context& ctx, const HttpRequest& request);

}  // namespace berth::api
