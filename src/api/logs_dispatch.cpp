#include "api/logs_dispatch.hpp"

#include <map>
#include <string>

#include "model/logs_shapes.hpp"
#include "svc/cloudwatch_logs.hpp"

namespace berth::api {

Decoded decode_logs_request(std::string_view target, std::string_view body) {
  static const std::map<std::string, UseCase, std::less<>> k_use_cases = {
      {"CreateLogGroup", svc::create_log_group},
      {"DescribeLogGroups", svc::describe_log_groups},
      {"DeleteLogGroup", svc::delete_log_group},
      {"PutRetentionPolicy", svc::put_retention_policy},
      {"DeleteRetentionPolicy", svc::delete_retention_policy},
      {"CreateLogStream", svc::create_log_stream},
      {"DescribeLogStreams", svc::describe_log_streams},
      {"GetLogEvents", svc::get_log_events},
      {"FilterLogEvents", svc::filter_log_events},
      {"PutLogEvents", svc::put_log_events},
  };
  const std::string_view action = target.substr(k_logs_target_prefix.size());
  const model::Shape* shape = model::find_logs_request_shape(action);
  const auto use_case = k_use_cases.find(action);
  if (!shape || use_case == k_use_cases.end()) {
    return std::unexpected(
        error_reply({Code::unknown_operation, "berth does not support the operation '" + std::string(action) + "'"}));
  }
  auto request = model::decode_request_body(body, *shape);
  if (!request) return std::unexpected(error_reply(request.error()));
  return DecodedCall{std::string(action), use_case->second, std::move(*request), error_reply};
}

}  // namespace berth::api
