#include "api/cloudwatch_dispatch.hpp"

#include <array>
#include <map>

#include "model/alarm_requests.hpp"
#include "model/cbor_writer.hpp"
#include "model/cloudwatch_shapes.hpp"
#include "model/json_parse.hpp"
#include "svc/cloudwatch_metrics.hpp"
#include "svc/metric_alarms.hpp"

namespace berth::api {
namespace {

// The reply members botocore's model types as timestamps.
constexpr std::array<std::string_view, 6> k_timestamp_members = {
    "Timestamp", "Timestamps", "AlarmConfigurationUpdatedTimestamp", "StateUpdatedTimestamp",
    "StateTransitionedTimestamp", "LastUpdatedTimestamp"};

UseCase find_use_case(std::string_view action) {
  static const std::map<std::string, UseCase, std::less<>> k_use_cases = {
      {"GetMetricStatistics",
       typed_use_case<model::decode_get_metric_statistics, svc::get_metric_statistics, model::encode_get_metric_statistics>},
      {"GetMetricData", typed_use_case<model::decode_get_metric_data, svc::get_metric_data, model::encode_get_metric_data>},
      {"ListMetrics", typed_use_case<model::decode_list_metrics, svc::list_metrics, model::encode_list_metrics>},
      {"PutMetricAlarm", typed_use_case<model::decode_put_metric_alarm, svc::put_metric_alarm, model::encode_no_output>},
      {"DescribeAlarms", typed_use_case<model::decode_describe_alarms, svc::describe_alarms, model::encode_describe_alarms>},
      {"DeleteAlarms", typed_use_case<model::decode_delete_alarms, svc::delete_alarms, model::encode_no_output>},
  };
  const auto it = k_use_cases.find(action);
  return it == k_use_cases.end() ? nullptr : it->second;
}

struct CloudWatchError {
  int status;
  std::string_view shape;       // the Smithy error shape
  std::string_view query_code;  // what the query protocol called it
};

CloudWatchError error_of(Code code) {
  switch (code) {
    case Code::validation: return {400, "MissingRequiredParameterException", "MissingParameter"};
    case Code::client: return {400, "InvalidParameterCombinationException", "InvalidParameterCombination"};
    case Code::resource_not_found: return {404, "ResourceNotFound", "ResourceNotFound"};
    case Code::limit_exceeded: return {400, "LimitExceededFault", "LimitExceeded"};
    case Code::unknown_operation: return {400, "UnknownOperationException", "UnknownOperationException"};
    case Code::serialization: return {400, "SerializationException", "SerializationException"};
    case Code::payload_too_large: return {413, "PayloadTooLarge", "PayloadTooLarge"};
    case Code::server: return {500, "InternalServiceFault", "InternalServiceError"};
    default: return {400, "InvalidParameterValueException", "InvalidParameterValue"};
  }
}

}  // namespace

std::optional<std::string_view> cloudwatch_cbor_operation(std::string_view path) {
  if (!path.starts_with(k_cloudwatch_cbor_path)) return std::nullopt;
  const std::string_view operation = path.substr(k_cloudwatch_cbor_path.size());
  if (operation.empty() || operation.find('/') != std::string_view::npos) return std::nullopt;
  return operation;
}

Reply cloudwatch_error(const Error& error) {
  const CloudWatchError e = error_of(error.code);
  const model::Json body{{"__type", "com.amazonaws.cloudwatch#" + std::string(e.shape)}, {"message", error.message}};
  return Reply{e.status, to_wire(body), std::string(e.query_code)};
}

Decoded decode_cloudwatch_request(CloudWatchProtocol protocol, std::string_view action, std::string_view body) {
  const auto refuse = [](const Error& error) { return std::unexpected(cloudwatch_error(error)); };
  const model::Shape* shape = model::find_cloudwatch_request_shape(action);
  const UseCase use_case = find_use_case(action);
  if (!shape || !use_case) {
    return refuse({Code::unknown_operation, "berth does not support the CloudWatch operation '" + std::string(action) + "'"});
  }
  Result<model::Json> request = model::Json::object();
  if (!body.empty()) {
    request = protocol == CloudWatchProtocol::cbor ? model::parse_cbor(body, "The request body")
                                                   : model::parse_json(body, "The request body");
  }
  if (!request) return refuse(request.error());
  if (!request->is_object()) return refuse({Code::serialization, "The request body is not a map."});
  if (auto checked = model::check_shape(*request, *shape); !checked) return refuse(checked.error());
  return DecodedCall{std::string(action), use_case, std::move(*request), cloudwatch_error};
}

Decoded decode_cloudwatch_json_request(std::string_view target, std::string_view body) {
  return decode_cloudwatch_request(CloudWatchProtocol::json, target.substr(k_cloudwatch_target_prefix.size()), body);
}

HttpResponse cloudwatch_response(const Reply& reply, CloudWatchProtocol protocol) {
  HttpResponse response = to_response(reply, "application/x-amz-json-1.0");
  if (reply.status != 200) {
    response.headers.emplace_back("x-amzn-query-error",
                                  reply.error_type + (reply.status >= 500 ? ";Receiver" : ";Sender"));
  }
  if (protocol == CloudWatchProtocol::cbor) {
    response.content_type = "application/cbor";
    response.headers.emplace_back("smithy-protocol", "rpc-v2-cbor");
    // The reply is berth's own JSON text; it always parses.
    const auto parsed = model::parse_json(reply.body.empty() ? "{}" : reply.body, "The reply");
    response.body = model::to_cbor(parsed ? *parsed : model::Json::object(), k_timestamp_members);
  }
  return response;
}

}  // namespace berth::api
