#include "api/secrets_dispatch.hpp"

#include <map>
#include <string>

#include "model/secret_shapes.hpp"
#include "svc/secrets.hpp"

namespace berth::api {
namespace {

using UseCases = std::map<std::string, UseCase, std::less<>>;

const UseCases& secrets_manager_use_cases() {
  static const UseCases k_use_cases = {
      {"CreateSecret", svc::create_secret},     {"GetSecretValue", svc::get_secret_value},
      {"PutSecretValue", svc::put_secret_value}, {"DescribeSecret", svc::describe_secret},
      {"ListSecrets", svc::list_secrets},       {"DeleteSecret", svc::delete_secret},
  };
  return k_use_cases;
}

const UseCases& ssm_use_cases() {
  static const UseCases k_use_cases = {
      {"PutParameter", svc::put_parameter},     {"GetParameter", svc::get_parameter},
      {"GetParameters", svc::get_parameters},   {"GetParametersByPath", svc::get_parameters_by_path},
      {"DeleteParameter", svc::delete_parameter},
  };
  return k_use_cases;
}

// SSM has no InvalidParameterException: its bad input is ValidationException.
Reply ssm_error(const Error& error) {
  if (error.code != Code::invalid_parameter) return error_reply(error);
  return error_reply(Error{Code::validation, error.message, error.sys_errno});
}

}  // namespace

namespace {

Decoded decode_secrets_request(std::string_view target, std::string_view body, bool ssm) {
  const std::string_view action =
      target.substr(ssm ? k_ssm_target_prefix.size() : k_secrets_manager_target_prefix.size());
  const model::Shape* shape =
      ssm ? model::find_ssm_request_shape(action) : model::find_secrets_manager_request_shape(action);
  const UseCases& use_cases = ssm ? ssm_use_cases() : secrets_manager_use_cases();
  const auto use_case = use_cases.find(action);
  Reply (*to_error)(const Error&) = ssm ? ssm_error : error_reply;
  if (!shape || use_case == use_cases.end()) {
    return std::unexpected(
        to_error({Code::unknown_operation, "berth does not support the operation '" + std::string(action) + "'"}));
  }
  auto request = model::decode_request_body(body, *shape);
  if (!request) return std::unexpected(to_error(request.error()));
  return DecodedCall{std::string(action), use_case->second, std::move(*request), to_error};
}

}  // namespace

Decoded decode_secrets_manager_request(std::string_view target, std::string_view body) {
  return decode_secrets_request(target, body, false);
}

Decoded decode_ssm_request(std::string_view target, std::string_view body) {
  return decode_secrets_request(target, body, true);
}

}  // namespace berth::api
