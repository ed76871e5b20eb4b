#include "model/cloudwatch_shapes.hpp"

#include <map>
#include <string>

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_number = number_shape();
const Shape k_time = timestamp_shape();
const Shape k_strings = list_of(k_string);
const Shape k_integer = integer_shape();
const Shape k_dimension = structure({{"Name", &k_string}, {"Value", &k_string}});
const Shape k_dimensions = list_of(k_dimension);
const Shape k_metric = structure({{"Namespace", &k_string}, {"MetricName", &k_string}, {"Dimensions", &k_dimensions}});
const Shape k_metric_stat =
    structure({{"Metric", &k_metric}, {"Period", &k_integer}, {"Stat", &k_string}, {"Unit", &k_string}});
const Shape k_metric_data_query = structure({{"Id", &k_string},
                                             {"MetricStat", &k_metric_stat},
                                             {"Expression", &k_string},
                                             {"Label", &k_string},
                                             {"ReturnData", &k_bool},
                                             {"Period", &k_integer},
                                             {"AccountId", &k_string}});
const Shape k_metric_data_queries = list_of(k_metric_data_query);
const Shape k_label_options = structure({{"Timezone", &k_string}});
const Shape k_tag = structure({{"Key", &k_string}, {"Value", &k_string}});
const Shape k_tags = list_of(k_tag);

const Shape k_get_metric_statistics = structure({{"Namespace", &k_string},
                                                 {"MetricName", &k_string},
                                                 {"Dimensions", &k_dimensions},
                                                 {"StartTime", &k_time},
                                                 {"EndTime", &k_time},
                                                 {"Period", &k_integer},
                                                 {"Statistics", &k_strings},
                                                 {"ExtendedStatistics", &k_strings},
                                                 {"Unit", &k_string}});
const Shape k_get_metric_data = structure({{"MetricDataQueries", &k_metric_data_queries},
                                           {"StartTime", &k_time},
                                           {"EndTime", &k_time},
                                           {"NextToken", &k_string},
                                           {"ScanBy", &k_string},
                                           {"MaxDatapoints", &k_integer},
                                           {"LabelOptions", &k_label_options}});
const Shape k_list_metrics = structure({{"Namespace", &k_string},
                                        {"MetricName", &k_string},
                                        {"Dimensions", &k_dimensions},
                                        {"NextToken", &k_string},
                                        {"RecentlyActive", &k_string},
                                        {"IncludeLinkedAccounts", &k_bool},
                                        {"OwningAccount", &k_string}});
const Shape k_put_metric_alarm = structure({{"AlarmName", &k_string},
                                            {"AlarmDescription", &k_string},
                                            {"ActionsEnabled", &k_bool},
                                            {"OKActions", &k_strings},
                                            {"AlarmActions", &k_strings},
                                            {"InsufficientDataActions", &k_strings},
                                            {"MetricName", &k_string},
                                            {"Namespace", &k_string},
                                            {"Statistic", &k_string},
                                            {"ExtendedStatistic", &k_string},
                                            {"Dimensions", &k_dimensions},
                                            {"Period", &k_integer},
                                            {"Unit", &k_string},
                                            {"EvaluationPeriods", &k_integer},
                                            {"DatapointsToAlarm", &k_integer},
                                            {"Threshold", &k_number},
                                            {"ComparisonOperator", &k_string},
                                            {"TreatMissingData", &k_string},
                                            {"EvaluateLowSampleCountPercentile", &k_string},
                                            {"Metrics", &k_metric_data_queries},
                                            {"Tags", &k_tags},
                                            {"ThresholdMetricId", &k_string}});
const Shape k_describe_alarms = structure({{"AlarmNames", &k_strings},
                                           {"AlarmNamePrefix", &k_string},
                                           {"AlarmTypes", &k_strings},
                                           {"ChildrenOfAlarmName", &k_string},
                                           {"ParentsOfAlarmName", &k_string},
                                           {"StateValue", &k_string},
                                           {"ActionPrefix", &k_string},
                                           {"MaxRecords", &k_integer},
                                           {"NextToken", &k_string}});
const Shape k_delete_alarms = structure({{"AlarmNames", &k_strings}});

}  // namespace

const Shape* find_cloudwatch_request_shape(std::string_view action) {
  static const std::map<std::string, const Shape*, std::less<>> k_shapes = {
      {"DeleteAlarms", &k_delete_alarms},
      {"DescribeAlarms", &k_describe_alarms},
      {"GetMetricData", &k_get_metric_data},
      {"GetMetricStatistics", &k_get_metric_statistics},
      {"ListMetrics", &k_list_metrics},
      {"PutMetricAlarm", &k_put_metric_alarm},
  };
  const auto it = k_shapes.find(action);
  return it == k_shapes.end() ? nullptr : it->second;
}

}  // namespace berth::model
