#include "model/logs_shapes.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>

namespace berth::model {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_long = long_shape();
const Shape k_strings = list_of(k_string);
const Shape k_tags = map_of(k_string);
const Shape k_page_50 = integer_shape(1, 50);
const Shape k_events_limit = integer_shape(1, 10000);
const Shape k_retention = integer_shape(1, 3653);
const Shape k_order_by = enum_shape({"LogStreamName", "LastEventTime"});
const Shape k_group_class = enum_shape({"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"});
const Shape k_input_event = structure({{"timestamp", &k_long, true}, {"message", &k_string, true}});
const Shape k_input_events = list_of(k_input_event);
const Shape k_entity = structure({{"keyAttributes", &k_tags}, {"attributes", &k_tags}});

const Shape k_create_group = structure({{"logGroupName", &k_string, true},
                                        {"kmsKeyId", &k_string},
                                        {"tags", &k_tags},
                                        {"logGroupClass", &k_group_class}});
const Shape k_describe_groups = structure({{"accountIdentifiers", &k_strings},
                                           {"logGroupNamePrefix", &k_string},
                                           {"logGroupNamePattern", &k_string},
                                           {"nextToken", &k_string},
                                           {"limit", &k_page_50},
                                           {"includeLinkedAccounts", &k_bool},
                                           {"logGroupClass", &k_group_class},
                                           {"logGroupIdentifiers", &k_strings}});
const Shape k_group_name = structure({{"logGroupName", &k_string, true}});
const Shape k_put_retention = structure({{"logGroupName", &k_string, true}, {"retentionInDays", &k_retention, true}});
const Shape k_stream = structure({{"logGroupName", &k_string, true}, {"logStreamName", &k_string, true}});
const Shape k_describe_streams = structure({{"logGroupName", &k_string},
                                            {"logGroupIdentifier", &k_string},
                                            {"logStreamNamePrefix", &k_string},
                                            {"orderBy", &k_order_by},
                                            {"descending", &k_bool},
                                            {"nextToken", &k_string},
                                            {"limit", &k_page_50}});
const Shape k_get_events = structure({{"logGroupName", &k_string},
                                      {"logGroupIdentifier", &k_string},
                                      {"logStreamName", &k_string, true},
                                      {"startTime", &k_long},
                                      {"endTime", &k_long},
                                      {"nextToken", &k_string},
                                      {"limit", &k_events_limit},
                                      {"startFromHead", &k_bool},
                                      {"unmask", &k_bool}});
const Shape k_filter_events = structure({{"logGroupName", &k_string},
                                         {"logGroupIdentifier", &k_string},
                                         {"logStreamNames", &k_strings},
                                         {"logStreamNamePrefix", &k_string},
                                         {"startTime", &k_long},
                                         {"endTime", &k_long},
                                         {"filterPattern", &k_string},
                                         {"nextToken", &k_string},
                                         {"limit", &k_events_limit},
                                         {"interleaved", &k_bool},
                                         {"unmask", &k_bool}});
const Shape k_put_events = structure({{"logGroupName", &k_string, true},
                                      {"logStreamName", &k_string, true},
                                      {"logEvents", &k_input_events, true},
                                      {"sequenceToken", &k_string},
                                      {"entity", &k_entity}});

}  // namespace

const Shape* find_logs_request_shape(std::string_view action) {
  static const std::map<std::string, const Shape*, std::less<>> k_shapes = {
      {"CreateLogGroup", &k_create_group},     {"DescribeLogGroups", &k_describe_groups},
      {"DeleteLogGroup", &k_group_name},       {"PutRetentionPolicy", &k_put_retention},
      {"DeleteRetentionPolicy", &k_group_name}, {"CreateLogStream", &k_stream},
      {"DescribeLogStreams", &k_describe_streams}, {"GetLogEvents", &k_get_events},
      {"FilterLogEvents", &k_filter_events},   {"PutLogEvents", &k_put_events},
  };
  const auto it = k_shapes.find(action);
  return it == k_shapes.end() ? nullptr : it->second;
}

bool is_log_retention_days(long long days) {
  static constexpr std::array<long long, 22> k_days = {1,   3,   5,   7,    14,   30,   60,   90,   120,  150,  180,
                                                       365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653};
  return std::ranges::find(k_days, days) != k_days.end();
}

}  // namespace berth::model
