// Typed requests and replies of CloudWatch's metric alarm actions (PutMetricAlarm,
// DescribeAlarms, DeleteAlarms): decoders from the shape-checked body with CloudWatch's errors
// (as model/metric_requests.hpp maps them) and encoders. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/arn.hpp"
#include "common/result.hpp"
#include "model/metric_alarm.hpp"
#include "model/schema.hpp"

namespace berth::model {

// PutMetricAlarm's request: the alarm (updated_at is set by the use case).
struct PutMetricAlarmRequest {
  MetricAlarm alarm;
};

struct DescribeAlarmsRequest {
  std::vector<std::string> names;  // empty = all
  std::string name_prefix;
  std::optional<AlarmState> state;
  std::string action_prefix;
  bool metric_alarms = true;       // AlarmTypes names MetricAlarm (or is not given)
  std::size_t max_records = 50;
  std::size_t skip = 0;            // from NextToken
};

struct DeleteAlarmsRequest {
  std::vector<std::string> names;
};

// An alarm with its state as evaluated when read.
struct AlarmDescription {
  MetricAlarm alarm;
  AlarmState state = AlarmState::insufficient_data;
  std::string reason;
  EpochMs state_updated_at = 0;  // when this evaluation's window ended
};

struct DescribeAlarmsReply {
  std::vector<AlarmDescription> alarms;
  std::optional<std::size_t> next_skip;
};

// Returns arn:aws:cloudwatch:<region>:<account>:alarm:<name>.
std::string alarm_arn(const ArnScope& arns, const std::string& name);

[[nodiscard]] Result<PutMetricAlarmRequest> decode_put_metric_alarm(const Json& body);
[[nodiscard]] Result<DescribeAlarmsRequest> decode_describe_alarms(const Json& body);
[[nodiscard]] Result<DeleteAlarmsRequest> decode_delete_alarms(const Json& body);

Json encode_describe_alarms(const DescribeAlarmsReply& reply, const ArnScope& arns);
// PutMetricAlarm and DeleteAlarms answer nothing.
Json encode_no_output(const std::monostate&);

}  // namespace berth::model
