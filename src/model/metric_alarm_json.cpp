#include "model/metric_alarm_json.hpp"

#include <cmath>

namespace berth::model {
namespace {

Json strings_json(const std::vector<std::string>& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(v);
  return out;
}

// Members read without throwing: a damaged row yields defaults, not an exception.
std::string text(const Json& json, const char* name) {
  const auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}
template <class T>
T number(const Json& json, const char* name, T fallback) {
  const auto it = json.find(name);
  return it != json.end() && it->is_number() ? it->get<T>() : fallback;
}

template <class E>
Result<E> enum_member(const Json& json, const char* name) {
  const auto value = from_wire<E>(text(json, name));
  if (!value) return fail(Code::server, std::string("a stored alarm has no valid ") + name);
  return *value;
}

std::vector<std::string> strings_of(const Json& json, const char* name) {
  std::vector<std::string> out;
  const auto it = json.find(name);
  if (it == json.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

Json metric_alarm_to_json(const MetricAlarm& alarm) {
  Json dimensions = Json::array();
  for (const auto& [name, value] : alarm.dimensions) dimensions.push_back({{"Name", name}, {"Value", value}});
  Json out = {
      {"AlarmName", alarm.name},
      {"AlarmDescription", alarm.description},
      {"ActionsEnabled", alarm.actions_enabled},
      {"OKActions", strings_json(alarm.ok_actions)},
      {"AlarmActions", strings_json(alarm.alarm_actions)},
      {"InsufficientDataActions", strings_json(alarm.insufficient_data_actions)},
      {"Namespace", alarm.name_space},
      {"MetricName", alarm.metric_name},
      {"Dimensions", std::move(dimensions)},
      {"Statistic", std::string(to_wire(alarm.statistic))},
      {"Period", alarm.period_seconds},
      {"EvaluationPeriods", alarm.evaluation_periods},
      {"DatapointsToAlarm", alarm.datapoints_to_alarm},
      {"Threshold", alarm.threshold},
      {"ComparisonOperator", std::string(to_wire(alarm.comparison))},
      {"TreatMissingData", std::string(to_wire(alarm.treat_missing_data))},
      {"AlarmConfigurationUpdatedTimestamp", epoch_seconds(alarm.updated_at)},
  };
  if (!alarm.unit.empty()) out["Unit"] = alarm.unit;
  if (alarm.description.empty()) out.erase("AlarmDescription");
  return out;
}

Result<MetricAlarm> metric_alarm_from_json(const Json& json) {
  if (!json.is_object() || text(json, "AlarmName").empty()) {
    return fail(Code::server, "a stored alarm definition is damaged");
  }
  MetricAlarm alarm;
  alarm.name = json["AlarmName"].get<std::string>();
  alarm.description = text(json, "AlarmDescription");
  alarm.actions_enabled = !json.contains("ActionsEnabled") || json["ActionsEnabled"] != false;
  alarm.ok_actions = strings_of(json, "OKActions");
  alarm.alarm_actions = strings_of(json, "AlarmActions");
  alarm.insufficient_data_actions = strings_of(json, "InsufficientDataActions");
  alarm.name_space = text(json, "Namespace");
  alarm.metric_name = text(json, "MetricName");
  if (const auto it = json.find("Dimensions"); it != json.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (d.is_object()) alarm.dimensions.emplace_back(text(d, "Name"), text(d, "Value"));
    }
  }
  BERTH_ASSIGN(alarm.statistic, enum_member<AlarmStatistic>(json, "Statistic"));
  BERTH_ASSIGN(alarm.comparison, enum_member<AlarmComparison>(json, "ComparisonOperator"));
  BERTH_ASSIGN(alarm.treat_missing_data, enum_member<MissingData>(json, "TreatMissingData"));
  alarm.unit = text(json, "Unit");
  alarm.period_seconds = number(json, "Period", 60LL);
  alarm.evaluation_periods = number(json, "EvaluationPeriods", 1LL);
  alarm.datapoints_to_alarm = number(json, "DatapointsToAlarm", alarm.evaluation_periods);
  alarm.threshold = number(json, "Threshold", 0.0);
  alarm.updated_at = static_cast<EpochMs>(std::llround(number(json, "AlarmConfigurationUpdatedTimestamp", 0.0) * 1000.0));
  return alarm;
}

}  // namespace berth::model
