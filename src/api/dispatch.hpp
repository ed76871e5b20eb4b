// ECS JSON 1.1 dispatch: X-Amz-Target + body in, status + body out. No sockets here, so the
// whole request path is testable without a server. Thread-safe.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <string_view>

#include "api/auth/auth_error.hpp"
#include "api/typed_use_case.hpp"
#include "common/result.hpp"
#include "svc/context.hpp"

namespace berth::api {

inline constexpr std::string_view k_target_prefix = "AmazonEC2ContainerServiceV20141113.";
inline constexpr std::string_view k_json_content_type = "application/x-amz-json-1.1";

struct Reply {
  int status = 200;
  std::string body;
  std::string error_type;  // sent as x-amzn-ErrorType, which REST-JSON clients read first
};

// Replace, not throw, on invalid UTF-8: a reply must always be sendable.
std::string to_wire(const model::Json& json);

// The one place an Error becomes HTTP: 500 for ServerException, 413 for an oversized body,
// 400 for every other ECS exception; body {"__type": ..., "message": ...}.
Reply error_reply(const Error& error);

// The same for a refused authentication or authorization: 403 for a request with no signature
// at all, 400 for the others (as AWS's JSON services answer).
Reply auth_error_reply(const auth::AuthError& error);

// Runs a use case on a shape-checked request: its result as a 200, its error through
// `to_error`; a ServerException or a throw (a bug) is logged, never propagated.
Reply run_use_case(svc::Context& ctx, std::string_view action, UseCase use_case, const model::Json& request,
                   Reply (*to_error)(const Error&));

// A request decoded and shape-checked, ready to be authorized and run.
struct DecodedCall {
  std::string action;  // "RunTask"
  UseCase use_case = nullptr;
  model::Json request;
  Reply (*to_error)(const Error&) = nullptr;  // how this API shapes an error
  // Set instead of `use_case` where the server can give the reply later (run_deferred_call); the
  // use case then runs only as a blocking call where nobody defers (tests, internal callers).
  DeferredUseCase deferred = nullptr;
};
using Decoded = std::expected<DecodedCall, Reply>;

// Returns `call` run: run_use_case with its own error shape.
Reply run_call(svc::Context& ctx, const DecodedCall& call);

// Runs `call.deferred` and hands its reply to `done` (once, now or later from another thread),
// shaped and logged as run_use_case does. REQUIRES: call.deferred is set.
void run_deferred_call(svc::Context& ctx, const DecodedCall& call, std::function<void(Reply)> done);

// Returns the ECS request `target` + `body` decoded, or the error to answer. Never throws.
Decoded decode_ecs_request(std::string_view target, std::string_view body);

// Decodes, shape-checks and runs one ECS request. Never throws.
Reply handle_ecs_request(svc::Context& ctx, std::string_view target, std::string_view body);

}  // namespace berth::api
