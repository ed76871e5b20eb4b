#include "sched/alarm_evaluation.hpp"

#include <algorithm>
#include <cstdio>

namespace berth::sched {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string comparison_words(model::AlarmComparison comparison) {
  switch (comparison) {
    case model::AlarmComparison::greater_or_equal: return "greater than or equal to";
    case model::AlarmComparison::greater: return "greater than";
    case model::AlarmComparison::less: return "less than";
    case model::AlarmComparison::less_or_equal: return "less than or equal to";
  }
  return "compared with";
}

}  // namespace

bool breaches(model::AlarmComparison comparison, double value, double threshold) {
  switch (comparison) {
    case model::AlarmComparison::greater_or_equal: return value >= threshold;
    case model::AlarmComparison::greater: return value > threshold;
    case model::AlarmComparison::less: return value < threshold;
    case model::AlarmComparison::less_or_equal: return value <= threshold;
  }
  return false;
}

AlarmWindow alarm_window(const model::MetricAlarm& alarm, EpochMs now) {
  const EpochMs period = std::max<long long>(alarm.period_seconds, 1) * 1000;
  const long long periods = std::max<long long>(alarm.evaluation_periods, 1);
  const EpochMs end = now - (((now % period) + period) % period);
  return {end - periods * period, end, period};
}

AlarmEvaluation evaluate_alarm(const model::MetricAlarm& alarm, const std::vector<PeriodValue>& values, EpochMs now) {
  const AlarmWindow w = alarm_window(alarm, now);
  const EpochMs period = w.period;
  const long long periods = (w.end - w.start) / period;
  AlarmEvaluation out;
  out.evaluated_at = w.end;
  const EpochMs window_start = w.start;

  // The window's values, newest first; nullopt for a period without one.
  std::vector<std::optional<double>> window(static_cast<std::size_t>(periods));
  for (const PeriodValue& v : values) {
    if (v.start < window_start || v.start >= out.evaluated_at) continue;
    const auto index = static_cast<std::size_t>((out.evaluated_at - 1 - v.start) / period);
    window[index] = v.value;
    if (!out.latest_at || v.start > *out.latest_at) {
      out.latest = v.value;
      out.latest_at = v.start;
    }
  }
  long long counted = 0;
  long long breaching = 0;
  for (const auto& value : window) {
    bool bad = false;
    if (value) {
      bad = breaches(alarm.comparison, *value, alarm.threshold);
    } else if (alarm.treat_missing_data == model::MissingData::breaching) {
      bad = true;
    } else if (alarm.treat_missing_data != model::MissingData::not_breaching) {
      continue;  // missing or ignore: left out
    }
    ++counted;
    if (bad) ++breaching;
  }
  const std::string last = "the last " + std::to_string(periods) + " datapoints";
  if (counted == 0) {
    out.state = model::AlarmState::insufficient_data;
    out.reason = "Insufficient Data: " + std::to_string(periods) + " datapoints were unknown.";
    return out;
  }
  const long long needed = std::min(std::max<long long>(alarm.datapoints_to_alarm, 1), counted);
  const std::string crossed = " were " + comparison_words(alarm.comparison) + " the threshold (" +
                              number(alarm.threshold) + ").";
  if (breaching >= needed) {
    out.state = model::AlarmState::alarm;
    out.reason = "Threshold Crossed: " + std::to_string(breaching) + " out of " + last + crossed;
  } else {
    out.state = model::AlarmState::ok;
    out.reason = "Threshold Crossed: " + std::to_string(breaching) + " out of " + last + crossed +
                 " (minimum " + std::to_string(needed) + " datapoints for ALARM)";
  }
  return out;
}

}  // namespace berth::sched
