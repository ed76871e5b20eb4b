#include "sched/alarm_evaluation.hpp"

#include <catch2/catch.hpp>

namespace berth::sched::alarm_evaluation_test {
namespace {

using model::AlarmState;

// 3 periods of 60 s, 2 of 3 to alarm, above 50.
model::MetricAlarm cpu_high() {
  model::MetricAlarm alarm;
  alarm.name = "cpu-high";
  alarm.period_seconds = 60;
  alarm.evaluation_periods = 3;
  alarm.datapoints_to_alarm = 2;
  alarm.threshold = 50;
  alarm.comparison = model::AlarmComparison::greater;
  return alarm;
}

// A fake clock: the evaluation happens at `now`, 30 s into the period that starts at 600 s.
constexpr EpochMs k_now = 630'000;
PeriodValue at(EpochMs start_seconds, double value) { return {start_seconds * 1000, value}; }

}  // namespace

TEST_CASE("alarm evaluation: M out of N complete periods before now") {
  const auto alarm = cpu_high();
  // The window is [420 s, 600 s): 420, 480, 540. The running period (600 s) is not looked at.
  auto e = evaluate_alarm(alarm, {at(420, 80), at(480, 10), at(540, 70), at(600, 99)}, k_now);
  CHECK(e.state == AlarmState::alarm);
  CHECK(e.latest == 70);
  CHECK(e.latest_at == 540'000);
  CHECK(e.evaluated_at == 600'000);
  CHECK(e.reason == "Threshold Crossed: 2 out of the last 3 datapoints were greater than the threshold (50.0).");

  e = evaluate_alarm(alarm, {at(420, 80), at(480, 10), at(540, 20)}, k_now);
  CHECK(e.state == AlarmState::ok);
  // A minute later the window moved: 80 at 420 s fell out; 480..540 and the new 600 s count.
  e = evaluate_alarm(alarm, {at(420, 80), at(480, 10), at(540, 70), at(600, 60)}, k_now + 60'000);
  CHECK(e.state == AlarmState::alarm);
  CHECK(e.latest == 60);
  // Values older than the window only: no data.
  e = evaluate_alarm(alarm, {at(0, 90), at(360, 90)}, k_now);
  CHECK(e.state == AlarmState::insufficient_data);
  CHECK_FALSE(e.latest.has_value());
}

TEST_CASE("alarm evaluation: the comparison operators at the threshold") {
  CHECK(breaches(model::AlarmComparison::greater_or_equal, 50, 50));
  CHECK_FALSE(breaches(model::AlarmComparison::greater, 50, 50));
  CHECK(breaches(model::AlarmComparison::less_or_equal, 50, 50));
  CHECK_FALSE(breaches(model::AlarmComparison::less, 50, 50));
  CHECK(breaches(model::AlarmComparison::less, 49.9, 50));
}

TEST_CASE("alarm evaluation: TreatMissingData") {
  auto alarm = cpu_high();
  const std::vector<PeriodValue> one_breaching{at(540, 90)};  // 420 and 480 missing
  // missing: left out; one counted period, breaching, is all of them: ALARM.
  CHECK(evaluate_alarm(alarm, one_breaching, k_now).state == AlarmState::alarm);
  CHECK(evaluate_alarm(alarm, {}, k_now).state == AlarmState::insufficient_data);
  alarm.treat_missing_data = model::MissingData::ignore;
  CHECK(evaluate_alarm(alarm, {}, k_now).state == AlarmState::insufficient_data);
  alarm.treat_missing_data = model::MissingData::not_breaching;
  CHECK(evaluate_alarm(alarm, one_breaching, k_now).state == AlarmState::ok);
  CHECK(evaluate_alarm(alarm, {}, k_now).state == AlarmState::ok);
  alarm.treat_missing_data = model::MissingData::breaching;
  CHECK(evaluate_alarm(alarm, {at(540, 10)}, k_now).state == AlarmState::alarm);
  const auto none = evaluate_alarm(alarm, {}, k_now);
  CHECK(none.state == AlarmState::alarm);
  CHECK_FALSE(none.latest.has_value());
}

TEST_CASE("alarm evaluation: bad periods and counts are clamped, never divide by zero") {
  auto alarm = cpu_high();
  alarm.period_seconds = 0;
  alarm.evaluation_periods = 0;
  alarm.datapoints_to_alarm = 0;
  const auto e = evaluate_alarm(alarm, {{629'000, 99}}, k_now);
  CHECK(e.state == AlarmState::alarm);
  CHECK(e.evaluated_at == k_now);
}

}  // namespace berth::sched::alarm_evaluation_test
