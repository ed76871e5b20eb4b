// A metric alarm's state from the values of its metric, the way CloudWatch evaluates it: the last
// EvaluationPeriods complete periods before `now`, "M out of N" (DatapointsToAlarm), and
// TreatMissingData for the periods without a value. Pure (time is a parameter); thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "model/metric_alarm.hpp"

namespace berth::sched {

// A period's value of the alarm's statistic; `start` is the period's first millisecond.
struct PeriodValue {
  EpochMs start = 0;
  double value = 0;
};

struct AlarmEvaluation {
  model::AlarmState state = model::AlarmState::insufficient_data;
  std::string reason;                 // CloudWatch's StateReason
  std::optional<double> latest;       // the newest period's value in the window, if any
  std::optional<EpochMs> latest_at;   // its period's start
  EpochMs evaluated_at = 0;           // the end of the window (a period boundary)
};

// The window `alarm` is evaluated on at `now`: [start, end), end the last period boundary at or
// before `now`, start evaluation_periods periods earlier (period and count clamped to at least 1).
struct AlarmWindow {
  EpochMs start = 0;
  EpochMs end = 0;
  EpochMs period = 0;
};
AlarmWindow alarm_window(const model::MetricAlarm& alarm, EpochMs now);

// Evaluates `alarm` on `values` (one per period of alarm.period_seconds, any order; those outside
// the window are not looked at). The window is the evaluation_periods periods that ended at the
// last period boundary at or before `now`. Missing periods: `missing` and `ignore` leave them out
// (with no value in the window the state is INSUFFICIENT_DATA; berth keeps no earlier state for
// `ignore` to hold), `breaching` and `notBreaching` count them as such. ALARM when at least
// DatapointsToAlarm of the counted periods breach (or all of them, when fewer were counted).
AlarmEvaluation evaluate_alarm(const model::MetricAlarm& alarm, const std::vector<PeriodValue>& values, EpochMs now);

// Whether `value` breaches `threshold` under `comparison`.
bool breaches(model::AlarmComparison comparison, double value, double threshold);

}  // namespace berth::sched
