#include "model/metric_requests.hpp"

#include <catch2/catch.hpp>

#include "model/alarm_requests.hpp"

namespace berth::model::metric_requests_test {
namespace {

Json statistics_body() {
  return Json{{"Namespace", "AWS/ECS"},
              {"MetricName", "CPUUtilization"},
              {"Dimensions", {{{"Name", "ServiceName"}, {"Value", "web"}}, {{"Name", "ClusterName"}, {"Value", "plant"}}}},
              {"StartTime", 1000.5},
              {"EndTime", 2000},
              {"Period", 60},
              {"Statistics", {"Average", "Maximum"}}};
}

Code code_of(const Result<GetMetricStatisticsRequest>& r) { return r ? Code::server : r.error().code; }

Json alarm_body() {
  return Json{{"AlarmName", "cpu-high"},
              {"Namespace", "AWS/ECS"},
              {"MetricName", "CPUUtilization"},
              {"Statistic", "Average"},
              {"Period", 60},
              {"EvaluationPeriods", 3},
              {"Threshold", 75.5},
              {"ComparisonOperator", "GreaterThanThreshold"},
              {"AlarmActions", {"arn:aws:autoscaling:local:000000000000:scalingPolicy:x"}}};
}

}  // namespace

TEST_CASE("GetMetricStatistics decoding: dimensions sorted, times in ms, statistics typed", "[model][cloudwatch]") {
  const auto r = decode_get_metric_statistics(statistics_body());
  REQUIRE(r.has_value());
  CHECK(r->metric.dimensions == MetricDimensions{{"ClusterName", "plant"}, {"ServiceName", "web"}});
  CHECK(r->start == 1'000'500);
  CHECK(r->end == 2'000'000);
  CHECK(r->statistics == std::vector{AlarmStatistic::average, AlarmStatistic::maximum});
}

TEST_CASE("GetMetricStatistics decoding: CloudWatch's errors", "[model][cloudwatch]") {
  auto body = statistics_body();
  body.erase("MetricName");
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::validation);  // MissingParameter
  body = statistics_body();
  body["EndTime"] = 1000;
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["ExtendedStatistics"] = {"p99"};
  const auto extended = decode_get_metric_statistics(body);
  REQUIRE_FALSE(extended.has_value());
  CHECK(extended.error().message.find("ExtendedStatistics is not supported") != std::string::npos);
  body = statistics_body();
  body.erase("Statistics");
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::client);  // InvalidParameterCombination
  body = statistics_body();
  body["Statistics"] = {"p90"};
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["Unit"] = "Furlongs";
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["Period"] = 0;
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["StartTime"] = "2026-12-03T00:00:00Z";
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["StartTime"] = 1e300;
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::invalid_parameter);
  body = statistics_body();
  body["Dimensions"] = {{{"Name", "ClusterName"}}};
  CHECK(code_of(decode_get_metric_statistics(body)) == Code::validation);
}

TEST_CASE("GetMetricData decoding: MetricStat queries; Expression and bad ids refused", "[model][cloudwatch]") {
  Json body{{"StartTime", 0},
            {"EndTime", 600},
            {"ScanBy", "TimestampAscending"},
            {"MetricDataQueries",
             {{{"Id", "cpu_1"},
               {"Label", "cpu"},
               {"MetricStat", {{"Metric", {{"Namespace", "AWS/ECS"}, {"MetricName", "CPUUtilization"}}},
                               {"Period", 60},
                               {"Stat", "Maximum"}}}}}}};
  const auto r = decode_get_metric_data(body);
  REQUIRE(r.has_value());
  CHECK(r->ascending);
  REQUIRE(r->queries.size() == 1);
  CHECK(r->queries[0].stat == AlarmStatistic::maximum);
  CHECK(r->queries[0].label == "cpu");

  auto expression = body;
  expression["MetricDataQueries"][0]["Expression"] = "SUM(METRICS())";
  const auto refused = decode_get_metric_data(expression);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().message.find("does not evaluate metric math") != std::string::npos);
  auto bad_id = body;
  bad_id["MetricDataQueries"][0]["Id"] = "Cpu";
  CHECK_FALSE(decode_get_metric_data(bad_id).has_value());
  auto twice = body;
  twice["MetricDataQueries"].push_back(body["MetricDataQueries"][0]);
  CHECK_FALSE(decode_get_metric_data(twice).has_value());
  auto scan = body;
  scan["ScanBy"] = "Sideways";
  CHECK_FALSE(decode_get_metric_data(scan).has_value());
  auto no_stat = body;
  no_stat["MetricDataQueries"][0].erase("MetricStat");
  CHECK(decode_get_metric_data(no_stat).error().code == Code::validation);
  CHECK(decode_get_metric_data(Json::object()).error().code == Code::validation);
}

TEST_CASE("ListMetrics decoding and the encoders", "[model][cloudwatch]") {
  const auto r = decode_list_metrics(
      Json{{"Namespace", "AWS/ECS"}, {"Dimensions", {{{"Name", "ServiceName"}}}}, {"NextToken", "500"}});
  REQUIRE(r.has_value());
  CHECK(r->dimensions.size() == 1);
  CHECK_FALSE(r->dimensions[0].value.has_value());
  CHECK(r->skip == 500);
  CHECK_FALSE(decode_list_metrics(Json{{"NextToken", "x"}}).has_value());
  CHECK_FALSE(decode_list_metrics(Json{{"RecentlyActive", "PT1H"}}).has_value());

  const GetMetricStatisticsReply stats{"CPUUtilization", {AlarmStatistic::average, AlarmStatistic::sample_count},
                                       {{60'000, 4, 100, 10, 40, "Percent"}}};
  CHECK(encode_get_metric_statistics(stats) ==
        Json{{"Label", "CPUUtilization"},
             {"Datapoints", {{{"Timestamp", 60.0}, {"Unit", "Percent"}, {"Average", 25.0}, {"SampleCount", 4.0}}}}});
  const auto data = encode_get_metric_data({{{"m1", "cpu", {60'000}, {25.0}}}});
  CHECK(data["MetricDataResults"][0]["StatusCode"] == "Complete");
  CHECK(data["MetricDataResults"][0]["Timestamps"] == Json{60.0});
  const auto list = encode_list_metrics({{{"AWS/ECS", "CPUUtilization", {{"ClusterName", "plant"}}}}, 500});
  CHECK(list["NextToken"] == "500");
  CHECK(list["Metrics"][0]["Dimensions"][0] == Json{{"Name", "ClusterName"}, {"Value", "plant"}});
}

TEST_CASE("PutMetricAlarm decoding: defaults, limits and what berth refuses", "[model][cloudwatch]") {
  const auto r = decode_put_metric_alarm(alarm_body());
  REQUIRE(r.has_value());
  CHECK(r->alarm.datapoints_to_alarm == 3);  // defaults to EvaluationPeriods
  CHECK(r->alarm.treat_missing_data == MissingData::missing);
  CHECK(r->alarm.comparison == AlarmComparison::greater);
  CHECK(r->alarm.threshold == 75.5);

  const auto error_of = [](Json body) {
    const auto decoded = decode_put_metric_alarm(body);
    REQUIRE_FALSE(decoded.has_value());
    return decoded.error();
  };
  auto body = alarm_body();
  body["DatapointsToAlarm"] = 4;
  CHECK(error_of(body).code == Code::invalid_parameter);
  body = alarm_body();
  body.erase("Threshold");
  CHECK(error_of(body).code == Code::validation);
  body = alarm_body();
  body["ComparisonOperator"] = "LessThanLowerOrGreaterThanUpperThreshold";
  CHECK(error_of(body).message.find("anomaly detection") != std::string::npos);
  body = alarm_body();
  body["Metrics"] = Json::array();
  CHECK(error_of(body).message.find("Metrics is not supported") != std::string::npos);
  body = alarm_body();
  body["AlarmActions"] = {"not-an-arn"};
  CHECK(error_of(body).code == Code::invalid_parameter);
  body = alarm_body();
  body["Period"] = 3600;
  body["EvaluationPeriods"] = 25;
  CHECK(error_of(body).code == Code::invalid_parameter);
  body = alarm_body();
  body["TreatMissingData"] = "sometimes";
  CHECK(error_of(body).code == Code::invalid_parameter);
}

TEST_CASE("DescribeAlarms and DeleteAlarms decoding", "[model][cloudwatch]") {
  const auto r = decode_describe_alarms(Json{{"StateValue", "ALARM"}, {"MaxRecords", 10}, {"AlarmTypes", {"CompositeAlarm"}}});
  REQUIRE(r.has_value());
  CHECK(r->state == AlarmState::alarm);
  CHECK_FALSE(r->metric_alarms);
  CHECK(r->max_records == 10);
  CHECK_FALSE(decode_describe_alarms(Json{{"StateValue", "RED"}}).has_value());
  CHECK_FALSE(decode_describe_alarms(Json{{"MaxRecords", 101}}).has_value());
  CHECK(decode_describe_alarms(Json{{"AlarmNames", {"a"}}, {"AlarmNamePrefix", "a"}}).error().code == Code::client);
  CHECK(decode_delete_alarms(Json::object()).error().code == Code::validation);
  CHECK(alarm_arn({"local", "000000000000"}, "x") == "arn:aws:cloudwatch:local:000000000000:alarm:x");
}

}  // namespace berth::model::metric_requests_test
