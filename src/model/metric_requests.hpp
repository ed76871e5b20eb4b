// Typed requests and replies of CloudWatch's metric reads (GetMetricStatistics, GetMetricData,
// ListMetrics): decoders from the shape-checked body, validated once with CloudWatch's errors
// (InvalidParameterValue as Code::invalid_parameter, MissingParameter as Code::validation,
// InvalidParameterCombination as Code::client), and encoders to the wire. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/metric_alarm.hpp"
#include "model/schema.hpp"

namespace berth::model {

using MetricDimensions = std::vector<std::pair<std::string, std::string>>;

// A metric as a request names it; dimensions sorted by name.
struct MetricSpec {
  std::string name_space;
  std::string metric_name;
  MetricDimensions dimensions;
};

struct GetMetricStatisticsRequest {
  MetricSpec metric;
  EpochMs start = 0;
  EpochMs end = 0;
  long long period_seconds = 60;
  std::vector<AlarmStatistic> statistics;  // at least one
  std::string unit;                        // "" = any
};

// One period's statistics.
struct StatisticsPoint {
  EpochMs timestamp = 0;
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  std::string unit;
};

struct GetMetricStatisticsReply {
  std::string label;
  std::vector<AlarmStatistic> statistics;  // the ones asked for: only they are written
  std::vector<StatisticsPoint> datapoints;
};

struct MetricDataQuery {
  std::string id;
  std::string label;  // "" = the metric's name
  bool return_data = true;
  MetricSpec metric;
  long long period_seconds = 60;
  AlarmStatistic stat = AlarmStatistic::average;
  std::string unit;
};

struct GetMetricDataRequest {
  std::vector<MetricDataQuery> queries;
  EpochMs start = 0;
  EpochMs end = 0;
  bool ascending = false;  // ScanBy TimestampAscending; CloudWatch's default is descending
  std::optional<long long> max_datapoints;
};

struct MetricDataResult {
  std::string id;
  std::string label;
  std::vector<EpochMs> timestamps;
  std::vector<double> values;
};

struct GetMetricDataReply {
  std::vector<MetricDataResult> results;
};

// A dimension filter: the name, and the value when one is required.
struct DimensionFilter {
  std::string name;
  std::optional<std::string> value;
};

struct ListMetricsRequest {
  std::optional<std::string> name_space;
  std::optional<std::string> metric_name;
  std::vector<DimensionFilter> dimensions;
  bool recently_active = false;  // RecentlyActive PT3H: only metrics with a value in 3 hours
  std::size_t skip = 0;          // from NextToken
};

struct ListMetricsReply {
  std::vector<MetricSpec> metrics;
  std::optional<std::size_t> next_skip;  // written as NextToken
};

// The value of `statistic` in `point`.
double statistic_value(const StatisticsPoint& point, AlarmStatistic statistic);

// Reads a Dimensions list (at most 30, each with Name and Value), sorted by name.
[[nodiscard]] Result<MetricDimensions> read_dimensions(const Json& list);
// Checks a Unit against CloudWatch's StandardUnit names.
[[nodiscard]] Result<void> check_unit(const std::string& unit);

[[nodiscard]] Result<GetMetricStatisticsRequest> decode_get_metric_statistics(const Json& body);
[[nodiscard]] Result<GetMetricDataRequest> decode_get_metric_data(const Json& body);
[[nodiscard]] Result<ListMetricsRequest> decode_list_metrics(const Json& body);

// Timestamps are written as epoch seconds (the CBOR encoder tags them).
Json encode_get_metric_statistics(const GetMetricStatisticsReply& reply);
Json encode_get_metric_data(const GetMetricDataReply& reply);
Json encode_list_metrics(const ListMetricsReply& reply);

}  // namespace berth::model
