// A CloudWatch metric alarm as PutMetricAlarm defines it (berth stores the definition; its state
// is evaluated from the in-memory series when read, never stored). Plain values; thread-safe.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.hpp"
#include "model/wire_enum.hpp"

namespace berth::model {

enum class AlarmComparison { greater_or_equal, greater, less, less_or_equal };
template <>
struct WireNames<AlarmComparison> {
  static constexpr std::array<std::string_view, 4> names = {
      "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"};
};

// How periods without a value count (CloudWatch's TreatMissingData).
enum class MissingData { missing, ignore, breaching, not_breaching };
template <>
struct WireNames<MissingData> {
  static constexpr std::array<std::string_view, 4> names = {"missing", "ignore", "breaching", "notBreaching"};
};

enum class AlarmStatistic { sample_count, average, sum, minimum, maximum };
template <>
struct WireNames<AlarmStatistic> {
  static constexpr std::array<std::string_view, 5> names = {"SampleCount", "Average", "Sum", "Minimum", "Maximum"};
};

enum class AlarmState { ok, alarm, insufficient_data };
template <>
struct WireNames<AlarmState> {
  static constexpr std::array<std::string_view, 3> names = {"OK", "ALARM", "INSUFFICIENT_DATA"};
};

struct MetricAlarm {
  std::string name;
  std::string description;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> insufficient_data_actions;
  std::string name_space;
  std::string metric_name;
  std::vector<std::pair<std::string, std::string>> dimensions;  // sorted by name
  AlarmStatistic statistic = AlarmStatistic::average;
  std::string unit;  // "" = any
  long long period_seconds = 60;
  long long evaluation_periods = 1;
  long long datapoints_to_alarm = 1;  // M of "M out of N"; PutMetricAlarm defaults it to N
  double threshold = 0;
  AlarmComparison comparison = AlarmComparison::greater_or_equal;
  MissingData treat_missing_data = MissingData::missing;
  EpochMs updated_at = 0;  // AlarmConfigurationUpdatedTimestamp
};

}  // namespace berth::model
