#include "api/cloudwatch_dispatch.hpp"

#include <catch2/catch.hpp>

#include "api/http_routes.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/http_messages.hpp"
#include "model/cbor_writer.hpp"
#include "model/json_parse.hpp"

namespace cloudwatch_dispatch_test {

namespace {

using berth::model::Json;

using berth::testing::header_of;

berth::api::HttpRequest request(std::string target, std::vector<berth::api::HttpHeader> headers, std::string body) {
  return berth::testing::http_request("POST", std::move(target), std::move(headers), std::move(body));
}

constexpr std::string_view k_path = "/service/GraniteServiceVersion20100801/operation/";
const berth::api::HttpHeader k_smithy{"smithy-protocol", "rpc-v2-cbor"};
constexpr std::array<std::string_view, 2> k_timestamps = {"StartTime", "EndTime"};

// Routes as the server does, a root caller on the unix socket, with a metric store.
struct CloudWatchRoutes : berth::testing::ServiceFixture {
  berth::svc::MetricStore metrics{{.resolution_ms = 60'000, .slots = 60, .max_series = 8}};
  berth::api::auth::KeyRing keys{*ctx};
  berth::api::RequestAuth auth{keys, clock, {berth::api::TcpAuth::sigv4, "/nonexistent/berth.sock", "local", "000000000000"}};
  berth::api::ApiServices api{*ctx, auth};
  berth::api::HttpPeer root{berth::api::HttpPeer::Transport::unix_socket, "", false,
                            berth::api::PeerCredentials{1, 0, 0, {}}};
  CloudWatchRoutes() { ctx->metrics = &metrics; }

  berth::api::HttpResponse cbor(std::string_view operation, const Json& body) {
    return berth::api::route_request(
        api, request(std::string(k_path) + std::string(operation), {k_smithy}, berth::model::to_cbor(body, k_timestamps)), root);
  }
  static Json decoded(const berth::api::HttpResponse& response) {
    auto parsed = berth::model::parse_cbor(response.body, "the reply");
    REQUIRE(parsed.has_value());
    return *parsed;
  }
};

}  // namespace

TEST_CASE("cloudwatch: the CBOR operation path", "[api][cloudwatch]") {
  using berth::api::cloudwatch_cbor_operation;
  CHECK(cloudwatch_cbor_operation("/service/GraniteServiceVersion20100801/operation/ListMetrics") == "ListMetrics");
  CHECK_FALSE(cloudwatch_cbor_operation("/service/GraniteServiceVersion20100801/operation/"));
  CHECK_FALSE(cloudwatch_cbor_operation("/service/GraniteServiceVersion20100801/operation/a/b"));
  CHECK_FALSE(cloudwatch_cbor_operation("/service/Other/operation/ListMetrics"));
}

TEST_CASE_METHOD(CloudWatchRoutes, "cloudwatch over rpc-v2-cbor: CBOR in and out, timestamps tagged", "[api][cloudwatch]") {
  const berth::EpochMs minute = clock.now_ms() - clock.now_ms() % 60'000 - 60'000;
  metrics.add({"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}}}, minute, 42, "Percent");
  const auto listed = cbor("ListMetrics", Json::object());
  CHECK(listed.status == 200);
  CHECK(listed.content_type == "application/cbor");
  CHECK(header_of(listed, "smithy-protocol") == "rpc-v2-cbor");
  CHECK(decoded(listed)["Metrics"][0]["MetricName"] == "CPUUtilization");

  const auto stats = cbor("GetMetricStatistics", Json{{"Namespace", "AWS/ECS"},
                                                  {"MetricName", "CPUUtilization"},
                                                  {"Dimensions", {{{"Name", "ClusterName"}, {"Value", "plant"}}}},
                                                  {"StartTime", (minute - 600'000) / 1000},
                                                  {"EndTime", (minute + 60'000) / 1000},
                                                  {"Period", 60},
                                                  {"Statistics", {"Maximum"}}});
  REQUIRE(stats.status == 200);
  CHECK(decoded(stats)["Datapoints"][0]["Maximum"] == 42.0);
  CHECK(decoded(stats)["Datapoints"][0]["Timestamp"] == static_cast<double>(minute) / 1000.0);
  // The timestamp went out as tag 1 (0xc1) over a float64 (0xfb).
  CHECK(stats.body.find("\xc1\xfb") != std::string::npos);

  const auto empty = berth::api::route_request(api, request(std::string(k_path) + "DescribeAlarms", {k_smithy}, ""), root);
  CHECK(empty.status == 200);
  CHECK(decoded(empty)["MetricAlarms"] == Json::array());
}

TEST_CASE_METHOD(CloudWatchRoutes, "cloudwatch over rpc-v2-cbor: errors are CBOR maps with query codes", "[api][cloudwatch]") {
  const auto garbage = berth::api::route_request(api, request(std::string(k_path) + "ListMetrics", {k_smithy}, "\xa1\x61"), root);
  CHECK(garbage.status == 400);
  CHECK(garbage.content_type == "application/cbor");
  CHECK(decoded(garbage)["__type"] == "com.amazonaws.cloudwatch#SerializationException");

  const auto missing = cbor("GetMetricStatistics", Json{{"Namespace", "AWS/ECS"}});
  CHECK(missing.status == 400);
  CHECK(header_of(missing, "x-amzn-query-error") == "MissingParameter;Sender");
  CHECK(decoded(missing)["__type"] == "com.amazonaws.cloudwatch#MissingRequiredParameterException");

  const auto unknown = cbor("PutMetricData", Json::object());
  CHECK(unknown.status == 400);
  CHECK(std::string(decoded(unknown)["message"]).find("PutMetricData") != std::string::npos);

  const auto not_found = cbor("DeleteAlarms", Json{{"AlarmNames", {"ghost"}}});
  CHECK(not_found.status == 404);
  CHECK(header_of(not_found, "x-amzn-query-error") == "ResourceNotFound;Sender");

  const auto not_a_map = berth::api::route_request(api, request(std::string(k_path) + "ListMetrics", {k_smithy}, "\x01"), root);
  CHECK(not_a_map.status == 400);
}

TEST_CASE_METHOD(CloudWatchRoutes, "cloudwatch over JSON 1.0: X-Amz-Target, application/x-amz-json-1.0", "[api][cloudwatch]") {
  const berth::api::HttpHeader target{"x-amz-target", "GraniteServiceVersion20100801.PutMetricAlarm"};
  const Json alarm{{"AlarmName", "cpu-high"}, {"Namespace", "AWS/ECS"}, {"MetricName", "CPUUtilization"},
                   {"Statistic", "Average"},  {"Period", 60},           {"EvaluationPeriods", 1},
                   {"Threshold", 90},         {"ComparisonOperator", "GreaterThanThreshold"}};
  const auto put = berth::api::route_request(api, request("/", {target}, alarm.dump()), root);
  CHECK(put.status == 200);
  CHECK(put.content_type == "application/x-amz-json-1.0");
  const berth::api::HttpHeader describe{"x-amz-target", "GraniteServiceVersion20100801.DescribeAlarms"};
  const auto described = berth::api::route_request(api, request("/", {describe}, "{}"), root);
  REQUIRE(described.status == 200);
  const Json body = Json::parse(described.body);
  CHECK(body["MetricAlarms"][0]["AlarmArn"] == "arn:aws:cloudwatch:local:000000000000:alarm:cpu-high");
  CHECK(body["MetricAlarms"][0]["StateValue"] == "INSUFFICIENT_DATA");

  auto bad = alarm;
  bad["Threshold"] = "high";
  const auto refused = berth::api::route_request(api, request("/", {target}, bad.dump()), root);
  CHECK(refused.status == 400);
  CHECK(refused.content_type == "application/x-amz-json-1.0");
  CHECK(header_of(refused, "x-amzn-query-error") == "SerializationException;Sender");
}

TEST_CASE_METHOD(CloudWatchRoutes, "cloudwatch over rpc-v2-cbor: a refused signature is answered in CBOR", "[api][cloudwatch]") {
  const berth::api::HttpPeer tcp{berth::api::HttpPeer::Transport::tcp, "192.0.2.7", false, std::nullopt};
  const auto refused = berth::api::route_request(
      api, request(std::string(k_path) + "ListMetrics", {k_smithy}, berth::model::to_cbor(Json::object(), {})), tcp);
  CHECK(refused.status == 403);
  CHECK(refused.content_type == "application/cbor");
  CHECK(decoded(refused)["__type"] == "MissingAuthenticationTokenException");
  CHECK(header_of(refused, "x-amzn-query-error") == "MissingAuthenticationTokenException;Sender");
}

}  // namespace cloudwatch_dispatch_test
