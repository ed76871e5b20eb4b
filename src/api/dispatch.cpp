#include "api/dispatch.hpp"

#include <exception>

#include "common/log.hpp"
#include "api/ecs_actions.hpp"

namespace berth::api {
std::string to_wire(const model::Json& json) { return json.dump(-1, ' ', false, model::Json::error_handler_t::replace); }

Reply error_reply(const Error& error) {
  int status = 400;
  if (error.code == Code::server) status = 500;
  if (error.code == Code::payload_too_large) status = 413;
  const model::Json body{{"__type", std::string(code_name(error.code))}, {"message", error.message}};
  return Reply{status, to_wire(body), std::string(code_name(error.code))};
}

Reply auth_error_reply(const auth::AuthError& error) {
  const std::string type(error.exception_name());
  const int status = error.failure == auth::AuthFailure::missing_authentication_token ? 403 : 400;
  return Reply{status, to_wire({{"__type", type}, {"message", error.message}}), type};
}

Decoded decode_ecs_request(std::string_view target, std::string_view body) {
  if (!target.starts_with(k_target_prefix)) {
    return std::unexpected(error_reply({Code::unknown_operation,
                                        "X-Amz-Target must be " + std::string(k_target_prefix) + "<Action>"}));
  }
  const std::string_view action_name = target.substr(k_target_prefix.size());
  const EcsAction* action = find_ecs_action(action_name);
  if (!action) {
    return std::unexpected(error_reply({Code::unknown_operation,
                                        "berth does not support the operation '" + std::string(action_name) + "'"}));
  }
  auto request = model::decode_request_body(body, *action->shape);
  if (!request) return std::unexpected(error_reply(request.error()));
  return DecodedCall{std::string(action_name), action->run, std::move(*request), error_reply};
}

Reply run_call(svc::Context& ctx, const DecodedCall& call) {
  return run_use_case(ctx, call.action, call.use_case, call.request, call.to_error);
}

Reply handle_ecs_request(svc::Context& ctx, std::string_view target, std::string_view body) {
  auto call = decode_ecs_request(target, body);
  return call ? run_call(ctx, *call) : call.error();
}

void run_deferred_call(svc::Context& ctx, const DecodedCall& call, std::function<void(Reply)> done) {
  const auto to_reply = [action = call.action, to_error = call.to_error, done](Result<model::Json> result) {
    if (!result) {
      if (result.error().code == Code::server) log_error(action + ": " + result.error().message);
      return done(to_error(result.error()));
    }
    done(Reply{200, to_wire(*result), ""});
  };
  try {
    call.deferred(ctx, call.request, to_reply);
  } catch (const std::exception& e) {
    log_error(call.action + " threw: " + e.what());
    done(call.to_error({Code::server, "Internal error while handling " + call.action}));
  }
}

Reply run_use_case(svc::Context& ctx, std::string_view action, UseCase use_case, const model::Json& request,
                   Reply (*to_error)(const Error&)) {
  try {
    auto result = use_case(ctx, request);
    if (!result) {
      if (result.error().code == Code::server) log_error(std::string(action) + ": " + result.error().message);
      return to_error(result.error());
    }
    return Reply{200, to_wire(*result), ""};
  } catch (const std::exception& e) {
    // A throw here is a bug in a use case; report it without taking the server down.
    log_error(std::string(action) + " threw: " + e.what());
    return to_error({Code::server, "Internal error while handling " + std::string(action)});
  }
}

}  // namespace berth::api
