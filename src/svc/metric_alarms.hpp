// CloudWatch metric alarms: PutMetricAlarm, DescribeAlarms, DeleteAlarms, and the alarms that
// would trigger an action, for Application Auto Scaling's step scaling. Definitions are stored;
// states are evaluated from the in-memory series whenever they are read and never written (no
// disk writes when a state changes). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/alarm_requests.hpp"
#include "svc/context.hpp"

namespace berth::svc {

// How many alarms a gateway holds at most (LimitExceeded beyond).
inline constexpr std::size_t k_max_metric_alarms = 500;

[[nodiscard]] Result<std::monostate> put_metric_alarm(Context& ctx, const model::PutMetricAlarmRequest& request);
[[nodiscard]] Result<model::DescribeAlarmsReply> describe_alarms(Context& ctx, const model::DescribeAlarmsRequest& request);
[[nodiscard]] Result<std::monostate> delete_alarms(Context& ctx, const model::DeleteAlarmsRequest& request);

// An alarm with its state now and the newest value of its statistic in the evaluated window.
struct AlarmStatus {
  model::MetricAlarm alarm;
  model::AlarmState state = model::AlarmState::insufficient_data;
  std::string reason;
  std::optional<double> latest;
};

// The alarms whose AlarmActions name `action_arn` (a scaling policy's ARN), by name, each
// evaluated at ctx.clock's now.
[[nodiscard]] Result<std::vector<AlarmStatus>> alarms_with_action(Context& ctx, const std::string& action_arn);

// `alarm` evaluated at ctx.clock's now on ctx.metrics.
[[nodiscard]] Result<AlarmStatus> evaluate(Context& ctx, const model::MetricAlarm& alarm);

}  // namespace berth::svc
