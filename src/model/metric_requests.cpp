#include "model/metric_requests.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "common/numbers.hpp"

namespace berth::model {
namespace {

constexpr std::size_t k_max_dimensions = 30;
constexpr std::size_t k_max_queries = 500;
// CloudWatch's StandardUnit.
constexpr std::array<std::string_view, 27> k_units = {
    "Seconds",       "Microseconds",     "Milliseconds",     "Bytes",          "Kilobytes",
    "Megabytes",     "Gigabytes",        "Terabytes",        "Bits",           "Kilobits",
    "Megabits",      "Gigabits",         "Terabits",         "Percent",        "Count",
    "Bytes/Second",  "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second",   "Kilobits/Second",  "Megabits/Second",  "Gigabits/Second", "Terabits/Second",
    "Count/Second",  "None"};

Error missing(std::string_view name) {
  return Error{Code::validation, "The parameter " + std::string(name) + " is required."};
}

Result<std::string> required_string(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->get<std::string>().empty()) return std::unexpected(missing(name));
  return it->get<std::string>();
}

// A timestamp member: epoch seconds (JSON 1.0 numbers, CBOR tag 1 values).
Result<EpochMs> read_time(const Json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end()) return std::unexpected(missing(name));
  if (!it->is_number()) {
    return fail(Code::invalid_parameter, std::string("The parameter ") + name + " must be a timestamp in epoch seconds.");
  }
  const double seconds = it->get<double>();
  // Beyond ±2^52 ms a double no longer holds whole milliseconds; no metric is that far out.
  if (!std::isfinite(seconds) || std::fabs(seconds) > 4.5e12) {
    return fail(Code::invalid_parameter, std::string("The parameter ") + name + " is out of range.");
  }
  return static_cast<EpochMs>(std::llround(seconds * 1000.0));
}

Result<AlarmStatistic> read_statistic(const std::string& text, std::string_view what) {
  if (const auto statistic = from_wire<AlarmStatistic>(text)) return *statistic;
  return fail(Code::invalid_parameter,
              "The value " + text + " for parameter " + std::string(what) +
                  " is not supported by berth: use SampleCount, Average, Sum, Minimum or Maximum "
                  "(berth keeps no percentiles).");
}

Result<long long> read_period(const Json& body, const char* name, bool required) {
  const auto it = body.find(name);
  if (it == body.end()) {
    if (required) return std::unexpected(missing(name));
    return 60;
  }
  const long long period = it->get<long long>();
  if (period <= 0) return fail(Code::invalid_parameter, std::string("The parameter ") + name + " must be greater than 0.");
  return period;
}

Result<MetricSpec> read_metric(const Json& body) {
  MetricSpec metric;
  BERTH_ASSIGN(metric.name_space, required_string(body, "Namespace"));
  BERTH_ASSIGN(metric.metric_name, required_string(body, "MetricName"));
  if (body.contains("Dimensions")) {
    BERTH_ASSIGN(metric.dimensions, read_dimensions(body["Dimensions"]));
  }
  return metric;
}

Result<std::string> read_unit(const Json& body) {
  std::string unit = body.value("Unit", "");
  if (!unit.empty()) BERTH_TRY(check_unit(unit));
  return unit;
}

Result<void> check_range(EpochMs start, EpochMs end) {
  if (end <= start) {
    return fail(Code::invalid_parameter, "The parameter StartTime must be less than the parameter EndTime.");
  }
  return {};
}

// GetMetricData's query Id: a lowercase letter, then letters, digits and '_'.
bool valid_query_id(const std::string& id) {
  if (id.empty() || id.size() > 255 || id[0] < 'a' || id[0] > 'z') return false;
  return std::ranges::all_of(id, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<MetricDataQuery> read_query(const Json& q, std::size_t index) {
  const std::string where = "MetricDataQueries[" + std::to_string(index) + "]";
  MetricDataQuery query;
  BERTH_ASSIGN(query.id, required_string(q, "Id"));
  if (!valid_query_id(query.id)) {
    return fail(Code::invalid_parameter, "The value " + query.id + " for " + where +
                                             ".Id must start with a lowercase letter and hold only letters, digits "
                                             "and underscores.");
  }
  if (q.contains("Expression")) {
    return fail(Code::invalid_parameter, where + ".Expression: berth does not evaluate metric math or "
                                                 "Metrics Insights expressions; use MetricStat.");
  }
  if (!q.contains("MetricStat")) return std::unexpected(missing(where + ".MetricStat"));
  const Json& stat = q["MetricStat"];
  if (!stat.contains("Metric")) return std::unexpected(missing(where + ".MetricStat.Metric"));
  BERTH_ASSIGN(query.metric, read_metric(stat["Metric"]));
  BERTH_ASSIGN(query.period_seconds, read_period(stat, "Period", true));
  BERTH_ASSIGN(const std::string stat_name, required_string(stat, "Stat"));
  BERTH_ASSIGN(query.stat, read_statistic(stat_name, where + ".MetricStat.Stat"));
  BERTH_ASSIGN(query.unit, read_unit(stat));
  query.label = q.value("Label", "");
  query.return_data = q.value("ReturnData", true);
  return query;
}

Json dimensions_json(const MetricDimensions& dimensions) {
  Json out = Json::array();
  for (const auto& [name, value] : dimensions) out.push_back({{"Name", name}, {"Value", value}});
  return out;
}

}  // namespace

double statistic_value(const StatisticsPoint& point, AlarmStatistic statistic) {
  switch (statistic) {
    case AlarmStatistic::sample_count: return point.sample_count;
    case AlarmStatistic::average: return point.sample_count > 0 ? point.sum / point.sample_count : 0;
    case AlarmStatistic::sum: return point.sum;
    case AlarmStatistic::minimum: return point.minimum;
    case AlarmStatistic::maximum: return point.maximum;
  }
  return 0;
}

Result<MetricDimensions> read_dimensions(const Json& list) {
  if (list.size() > k_max_dimensions) {
    return fail(Code::invalid_parameter, "A metric has at most " + std::to_string(k_max_dimensions) + " dimensions.");
  }
  MetricDimensions out;
  for (const auto& d : list) {
    BERTH_ASSIGN(auto name, required_string(d, "Name"));
    BERTH_ASSIGN(auto value, required_string(d, "Value"));
    out.emplace_back(std::move(name), std::move(value));
  }
  std::ranges::sort(out);
  return out;
}

Result<void> check_unit(const std::string& unit) {
  if (std::ranges::find(k_units, unit) != k_units.end()) return {};
  return fail(Code::invalid_parameter, "The value " + unit + " for parameter Unit is not a CloudWatch unit.");
}

Result<GetMetricStatisticsRequest> decode_get_metric_statistics(const Json& body) {
  GetMetricStatisticsRequest request;
  BERTH_ASSIGN(request.metric, read_metric(body));
  BERTH_ASSIGN(request.start, read_time(body, "StartTime"));
  BERTH_ASSIGN(request.end, read_time(body, "EndTime"));
  BERTH_TRY(check_range(request.start, request.end));
  BERTH_ASSIGN(request.period_seconds, read_period(body, "Period", true));
  if (body.contains("ExtendedStatistics") && !body["ExtendedStatistics"].empty()) {
    return fail(Code::invalid_parameter,
                "The parameter ExtendedStatistics is not supported by berth: it keeps no percentiles; use "
                "Statistics (SampleCount, Average, Sum, Minimum, Maximum).");
  }
  if (!body.contains("Statistics") || body["Statistics"].empty()) {
    return fail(Code::client, "Must specify either Statistics or ExtendedStatistics.");
  }
  if (body["Statistics"].size() > 5) return fail(Code::invalid_parameter, "Statistics takes at most 5 values.");
  for (const auto& s : body["Statistics"]) {
    BERTH_ASSIGN(auto statistic, read_statistic(s.get<std::string>(), "Statistics"));
    request.statistics.push_back(statistic);
  }
  BERTH_ASSIGN(request.unit, read_unit(body));
  return request;
}

Result<GetMetricDataRequest> decode_get_metric_data(const Json& body) {
  GetMetricDataRequest request;
  if (!body.contains("MetricDataQueries") || body["MetricDataQueries"].empty()) {
    return std::unexpected(missing("MetricDataQueries"));
  }
  const Json& queries = body["MetricDataQueries"];
  if (queries.size() > k_max_queries) {
    return fail(Code::invalid_parameter, "MetricDataQueries takes at most " + std::to_string(k_max_queries) + " queries.");
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    BERTH_ASSIGN(auto query, read_query(queries[i], i));
    const bool duplicate = std::ranges::any_of(request.queries, [&](const auto& q) { return q.id == query.id; });
    if (duplicate) return fail(Code::invalid_parameter, "The Id " + query.id + " is used by more than one query.");
    request.queries.push_back(std::move(query));
  }
  BERTH_ASSIGN(request.start, read_time(body, "StartTime"));
  BERTH_ASSIGN(request.end, read_time(body, "EndTime"));
  BERTH_TRY(check_range(request.start, request.end));
  const std::string scan_by = body.value("ScanBy", "TimestampDescending");
  if (scan_by != "TimestampDescending" && scan_by != "TimestampAscending") {
    return fail(Code::invalid_parameter, "ScanBy must be TimestampDescending or TimestampAscending.");
  }
  request.ascending = scan_by == "TimestampAscending";
  if (body.contains("NextToken")) {
    return fail(Code::invalid_parameter, "The NextToken is not valid: berth returns every datapoint at once.");
  }
  if (body.contains("MaxDatapoints")) {
    const long long max = body["MaxDatapoints"].get<long long>();
    if (max <= 0) return fail(Code::invalid_parameter, "MaxDatapoints must be greater than 0.");
    request.max_datapoints = max;
  }
  return request;
}

Result<ListMetricsRequest> decode_list_metrics(const Json& body) {
  ListMetricsRequest request;
  if (body.contains("Namespace")) request.name_space = body["Namespace"].get<std::string>();
  if (body.contains("MetricName")) request.metric_name = body["MetricName"].get<std::string>();
  if (body.contains("Dimensions")) {
    if (body["Dimensions"].size() > 10) return fail(Code::invalid_parameter, "Dimensions takes at most 10 filters.");
    for (const auto& d : body["Dimensions"]) {
      BERTH_ASSIGN(auto name, required_string(d, "Name"));
      request.dimensions.push_back({std::move(name), d.contains("Value") ? std::optional(d["Value"].get<std::string>())
                                                                           : std::nullopt});
    }
  }
  if (body.contains("RecentlyActive")) {
    if (body["RecentlyActive"] != "PT3H") return fail(Code::invalid_parameter, "RecentlyActive must be PT3H.");
    request.recently_active = true;
  }
  if (body.contains("NextToken")) {
    const auto skip = parse_integer<std::size_t>(body["NextToken"].get<std::string>());
    if (!skip) return fail(Code::invalid_parameter, "The NextToken is not valid.");
    request.skip = *skip;
  }
  return request;
}

Json encode_get_metric_statistics(const GetMetricStatisticsReply& reply) {
  Json points = Json::array();
  for (const auto& p : reply.datapoints) {
    Json point{{"Timestamp", epoch_seconds(p.timestamp)}};
    if (!p.unit.empty()) point["Unit"] = p.unit;
    for (const AlarmStatistic s : reply.statistics) point[std::string(to_wire(s))] = statistic_value(p, s);
    points.push_back(std::move(point));
  }
  return Json{{"Label", reply.label}, {"Datapoints", std::move(points)}};
}

Json encode_get_metric_data(const GetMetricDataReply& reply) {
  Json results = Json::array();
  for (const auto& r : reply.results) {
    Json timestamps = Json::array();
    for (const EpochMs t : r.timestamps) timestamps.push_back(epoch_seconds(t));
    results.push_back({{"Id", r.id},
                       {"Label", r.label},
                       {"Timestamps", std::move(timestamps)},
                       {"Values", r.values},
                       {"StatusCode", "Complete"},
                       {"Messages", Json::array()}});
  }
  return Json{{"MetricDataResults", std::move(results)}, {"Messages", Json::array()}};
}

Json encode_list_metrics(const ListMetricsReply& reply) {
  Json metrics = Json::array();
  for (const auto& m : reply.metrics) {
    metrics.push_back(
        {{"Namespace", m.name_space}, {"MetricName", m.metric_name}, {"Dimensions", dimensions_json(m.dimensions)}});
  }
  Json out{{"Metrics", std::move(metrics)}};
  if (reply.next_skip) out["NextToken"] = std::to_string(*reply.next_skip);
  return out;
}

}  // namespace berth::model
