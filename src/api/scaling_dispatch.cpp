#include "api/scaling_dispatch.hpp"

#include <string>

#include "model/scaling_shapes.hpp"
#include "svc/scaling.hpp"

namespace berth::api {

Reply scaling_error(const Error& error) {
  std::string type;
  int status = 400;
  switch (error.code) {
    case Code::invalid_parameter:
    case Code::validation: type = "ValidationException"; break;
    case Code::resource_not_found: type = "ObjectNotFoundException"; break;
    case Code::conflict: type = "ConcurrentUpdateException"; break;
    case Code::limit_exceeded: type = "LimitExceededException"; break;
    case Code::server: status = 500, type = "InternalServiceException"; break;
    // Serialization, unknown operation, an oversized body: the names every JSON service shares.
    default: return error_reply(error);
  }
  return Reply{status, to_wire({{"__type", type}, {"Message", error.message}}), type};
}

Decoded decode_scaling_request(std::string_view target, std::string_view body) {
  const std::string_view action = target.substr(k_scaling_target_prefix.size());
  const model::Shape* shape = model::find_scaling_request_shape(action);
  const UseCase use_case = svc::find_scaling_use_case(action);
  if (!shape || !use_case) {
    return std::unexpected(
        error_reply({Code::unknown_operation, "berth does not support the operation '" + std::string(action) + "'"}));
  }
  auto request = model::decode_request_body(body, *shape);
  if (!request) return std::unexpected(scaling_error(request.error()));
  return DecodedCall{std::string(action), use_case, std::move(*request), scaling_error};
}

}  // namespace berth::api
