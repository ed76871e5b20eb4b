#include "model/alarm_requests.hpp"

#include <variant>

#include "common/numbers.hpp"
#include "model/metric_alarm_json.hpp"
#include "model/metric_requests.hpp"
#include "model/request_members.hpp"

namespace berth::model {
namespace {

constexpr std::size_t k_max_actions = 5;

Error missing(std::string_view name) {
  return Error{Code::validation, "The parameter " + std::string(name) + " is required."};
}

Result<void> check_alarm_name(const std::string& name) {
  if (name.empty()) return std::unexpected(missing("AlarmName"));
  if (name.size() > 255) return fail(Code::invalid_parameter, "AlarmName is longer than 255 characters.");
  return {};
}

template <class E>
Result<E> read_enum(const Json& body, const char* name, std::optional<E> fallback) {
  if (!body.contains(name)) {
    if (fallback) return *fallback;
    return std::unexpected(missing(name));
  }
  const std::string text = body[name].get<std::string>();
  if (const auto value = from_wire<E>(text)) return *value;
  return fail(Code::invalid_parameter, "The value " + text + " for parameter " + name + " is not valid" +
                                           (std::string_view(name) == "ComparisonOperator"
                                                ? ": berth has no anomaly detection bands."
                                                : "."));
}

Result<std::vector<std::string>> read_actions(const Json& body, const char* name) {
  std::vector<std::string> actions;
  if (body.contains(name)) actions = strings_of(body[name]);
  if (actions.size() > k_max_actions) {
    return fail(Code::invalid_parameter, std::string(name) + " takes at most 5 actions.");
  }
  for (const auto& action : actions) {
    if (!action.starts_with("arn:")) {
      return fail(Code::invalid_parameter, "The value " + action + " for parameter " + name + " is not an ARN.");
    }
  }
  return actions;
}

Result<long long> positive(const Json& body, const char* name, std::optional<long long> fallback) {
  if (!body.contains(name)) {
    if (fallback) return *fallback;
    return std::unexpected(missing(name));
  }
  const long long value = body[name].get<long long>();
  if (value < 1) return fail(Code::invalid_parameter, std::string("The parameter ") + name + " must be at least 1.");
  return value;
}

Result<std::size_t> read_skip(const Json& body) {
  if (!body.contains("NextToken")) return std::size_t{0};
  const auto skip = parse_integer<std::size_t>(body["NextToken"].get<std::string>());
  if (!skip) return fail(Code::invalid_parameter, "The NextToken is not valid.");
  return *skip;
}

}  // namespace

std::string alarm_arn(const ArnScope& arns, const std::string& name) {
  return "arn:aws:cloudwatch:" + arns.region + ":" + arns.account + ":alarm:" + name;
}

Result<PutMetricAlarmRequest> decode_put_metric_alarm(const Json& body) {
  for (const char* unsupported : {"Metrics", "ThresholdMetricId", "ExtendedStatistic", "EvaluateLowSampleCountPercentile",
                                  "Tags"}) {
    if (body.contains(unsupported)) {
      return fail(Code::invalid_parameter,
                  std::string("The parameter ") + unsupported +
                      " is not supported by berth: an alarm watches one metric's SampleCount, Average, Sum, "
                      "Minimum or Maximum, and has no tags.");
    }
  }
  MetricAlarm alarm;
  alarm.name = body.value("AlarmName", "");
  BERTH_TRY(check_alarm_name(alarm.name));
  alarm.description = body.value("AlarmDescription", "");
  if (alarm.description.size() > 1024) return fail(Code::invalid_parameter, "AlarmDescription is too long.");
  alarm.actions_enabled = body.value("ActionsEnabled", true);
  BERTH_ASSIGN(alarm.ok_actions, read_actions(body, "OKActions"));
  BERTH_ASSIGN(alarm.alarm_actions, read_actions(body, "AlarmActions"));
  BERTH_ASSIGN(alarm.insufficient_data_actions, read_actions(body, "InsufficientDataActions"));
  alarm.name_space = body.value("Namespace", "");
  if (alarm.name_space.empty()) return std::unexpected(missing("Namespace"));
  alarm.metric_name = body.value("MetricName", "");
  if (alarm.metric_name.empty()) return std::unexpected(missing("MetricName"));
  if (body.contains("Dimensions")) {
    BERTH_ASSIGN(alarm.dimensions, read_dimensions(body["Dimensions"]));
  }
  BERTH_ASSIGN(alarm.statistic, read_enum<AlarmStatistic>(body, "Statistic", std::nullopt));
  alarm.unit = body.value("Unit", "");
  if (!alarm.unit.empty()) BERTH_TRY(check_unit(alarm.unit));
  BERTH_ASSIGN(alarm.period_seconds, positive(body, "Period", std::nullopt));
  BERTH_ASSIGN(alarm.evaluation_periods, positive(body, "EvaluationPeriods", std::nullopt));
  BERTH_ASSIGN(alarm.datapoints_to_alarm, positive(body, "DatapointsToAlarm", alarm.evaluation_periods));
  if (alarm.datapoints_to_alarm > alarm.evaluation_periods) {
    return fail(Code::invalid_parameter, "DatapointsToAlarm must not be greater than EvaluationPeriods.");
  }
  if (alarm.period_seconds * alarm.evaluation_periods > 86'400) {
    return fail(Code::invalid_parameter, "Period × EvaluationPeriods must not exceed one day (86,400 seconds).");
  }
  if (!body.contains("Threshold")) return std::unexpected(missing("Threshold"));
  alarm.threshold = body["Threshold"].get<double>();
  BERTH_ASSIGN(alarm.comparison, read_enum<AlarmComparison>(body, "ComparisonOperator", std::nullopt));
  BERTH_ASSIGN(alarm.treat_missing_data, read_enum<MissingData>(body, "TreatMissingData", MissingData::missing));
  return PutMetricAlarmRequest{std::move(alarm)};
}

Result<DescribeAlarmsRequest> decode_describe_alarms(const Json& body) {
  DescribeAlarmsRequest request;
  if (body.contains("AlarmNames")) request.names = strings_of(body["AlarmNames"]);
  if (request.names.size() > 100) return fail(Code::invalid_parameter, "AlarmNames takes at most 100 names.");
  request.name_prefix = body.value("AlarmNamePrefix", "");
  if (!request.names.empty() && !request.name_prefix.empty()) {
    return fail(Code::client, "AlarmNames and AlarmNamePrefix cannot be given together.");
  }
  if (body.contains("StateValue")) {
    BERTH_ASSIGN(request.state, read_enum<AlarmState>(body, "StateValue", std::nullopt));
  }
  request.action_prefix = body.value("ActionPrefix", "");
  if (body.contains("ChildrenOfAlarmName") || body.contains("ParentsOfAlarmName")) {
    return fail(Code::invalid_parameter, "berth has no composite alarms: ChildrenOfAlarmName and ParentsOfAlarmName "
                                         "are not supported.");
  }
  if (body.contains("AlarmTypes")) {
    request.metric_alarms = false;
    for (const auto& type : strings_of(body["AlarmTypes"])) {
      if (type == "MetricAlarm") request.metric_alarms = true;
      else if (type != "CompositeAlarm") return fail(Code::invalid_parameter, "The AlarmType " + type + " is not valid.");
    }
  }
  if (body.contains("MaxRecords")) {
    const long long max = body["MaxRecords"].get<long long>();
    if (max < 1 || max > 100) return fail(Code::invalid_parameter, "MaxRecords must be between 1 and 100.");
    request.max_records = static_cast<std::size_t>(max);
  }
  BERTH_ASSIGN(request.skip, read_skip(body));
  return request;
}

Result<DeleteAlarmsRequest> decode_delete_alarms(const Json& body) {
  DeleteAlarmsRequest request;
  if (body.contains("AlarmNames")) request.names = strings_of(body["AlarmNames"]);
  if (request.names.empty()) return std::unexpected(missing("AlarmNames"));
  if (request.names.size() > 100) return fail(Code::invalid_parameter, "AlarmNames takes at most 100 names.");
  return request;
}

Json encode_describe_alarms(const DescribeAlarmsReply& reply, const ArnScope& arns) {
  Json alarms = Json::array();
  for (const auto& d : reply.alarms) {
    Json alarm = metric_alarm_to_json(d.alarm);
    alarm["AlarmArn"] = alarm_arn(arns, d.alarm.name);
    alarm["StateValue"] = std::string(to_wire(d.state));
    alarm["StateReason"] = d.reason;
    alarm["StateUpdatedTimestamp"] = epoch_seconds(d.state_updated_at);
    alarm["StateTransitionedTimestamp"] = epoch_seconds(d.state_updated_at);
    alarms.push_back(std::move(alarm));
  }
  Json out{{"MetricAlarms", std::move(alarms)}, {"CompositeAlarms", Json::array()}};
  if (reply.next_skip) out["NextToken"] = std::to_string(*reply.next_skip);
  return out;
}

Json encode_no_output(const std::monostate&) { return Json::object(); }

}  // namespace berth::model
