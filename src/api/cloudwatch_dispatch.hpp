// CloudWatch dispatch, in both protocols AWS clients speak to it: Smithy RPC v2 CBOR (what
// botocore 1.43 and aws-cli use first: POST /service/GraniteServiceVersion20100801/operation/<Op>,
// CBOR bodies) and JSON 1.0 (X-Amz-Target GraniteServiceVersion20100801.<Op>). Requests are
// decoded into the same JSON data model and shape-checked; errors are CloudWatch's
// (awsQueryCompatible: x-amzn-query-error carries the query error code). No sockets here.
// Thread-safe; never throws.
#pragma once

#include <optional>
#include <string_view>

#include "api/dispatch.hpp"
#include "api/http_response.hpp"

namespace berth::api {

inline constexpr std::string_view k_cloudwatch_target_prefix = "GraniteServiceVersion20100801.";
inline constexpr std::string_view k_cloudwatch_cbor_path = "/service/GraniteServiceVersion20100801/operation/";
inline constexpr std::string_view k_cloudwatch_signing_name = "monitoring";
inline constexpr std::string_view k_cloudwatch_iam_prefix = "cloudwatch";

enum class CloudWatchProtocol { json, cbor };

// The operation a Smithy RPC v2 CBOR path names ("GetMetricData"), or nothing for another path.
std::optional<std::string_view> cloudwatch_cbor_operation(std::string_view path);

// Returns the request for `action` decoded (CBOR or JSON text) and shape-checked, or the error
// to answer (still JSON text: cloudwatch_response writes it in the protocol's encoding).
Decoded decode_cloudwatch_request(CloudWatchProtocol protocol, std::string_view action, std::string_view body);

// The JSON 1.0 form of decode_cloudwatch_request, as ECS-style APIs plug into the endpoint.
Decoded decode_cloudwatch_json_request(std::string_view target, std::string_view body);

// CloudWatch's shape of an error: __type its Smithy name, x-amzn-ErrorType its query code.
Reply cloudwatch_error(const Error& error);

// Returns `reply` (JSON text, as use cases and error functions make it) as the HTTP response of
// `protocol`: CBOR with smithy-protocol: rpc-v2-cbor, or application/x-amz-json-1.0; errors get
// x-amzn-query-error.
HttpResponse cloudwatch_response(const Reply& reply, CloudWatchProtocol protocol);

}  // namespace berth::api
