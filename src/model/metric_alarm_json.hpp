// A metric alarm's definition as JSON with CloudWatch's member names (AlarmName, Namespace,
// Period, ...): how DescribeAlarms shows it and how the store keeps it. Pure; thread-safe.
#pragma once

#include "common/result.hpp"
#include "model/metric_alarm.hpp"
#include "model/schema.hpp"

namespace berth::model {

// The definition's members (no state, no ARN); timestamps in epoch seconds.
Json metric_alarm_to_json(const MetricAlarm& alarm);

// Reads what metric_alarm_to_json wrote. ServerException for a definition that is not one (a
// damaged row).
[[nodiscard]] Result<MetricAlarm> metric_alarm_from_json(const Json& json);

}  // namespace berth::model
