#include "svc/metric_alarms.hpp"

#include <algorithm>

#include "sched/alarm_evaluation.hpp"
#include "svc/cloudwatch_metrics.hpp"

namespace berth::svc {

Result<AlarmStatus> evaluate(Context& ctx, const model::MetricAlarm& alarm) {
  const EpochMs now = ctx.clock.now_ms();
  const sched::AlarmWindow window = sched::alarm_window(alarm, now);
  const model::MetricSpec metric{alarm.name_space, alarm.metric_name, alarm.dimensions};
  auto points = metric_statistics(ctx, metric, window.start, window.end, alarm.period_seconds, alarm.unit);
  if (!points && points.error().code == Code::invalid_parameter) {
    // The resolution changed since the alarm was put: no period of it can be read.
    return AlarmStatus{alarm, model::AlarmState::insufficient_data, "Insufficient Data: " + points.error().message,
                       std::nullopt};
  }
  if (!points) return std::unexpected(points.error());
  std::vector<sched::PeriodValue> values;
  for (const auto& p : *points) values.push_back({p.timestamp, model::statistic_value(p, alarm.statistic)});
  auto evaluation = sched::evaluate_alarm(alarm, values, now);
  return AlarmStatus{alarm, evaluation.state, std::move(evaluation.reason), evaluation.latest};
}

Result<std::monostate> put_metric_alarm(Context& ctx, const model::PutMetricAlarmRequest& request) {
  model::MetricAlarm alarm = request.alarm;
  if (ctx.metrics && alarm.period_seconds * 1000 % ctx.metrics->limits().resolution_ms != 0) {
    // The same check as a read's: an alarm whose period no read accepts would never leave
    // INSUFFICIENT_DATA.
    BERTH_TRY(metric_statistics(ctx, {alarm.name_space, alarm.metric_name, alarm.dimensions}, 0, 1,
                                alarm.period_seconds, ""));
  }
  alarm.updated_at = ctx.clock.now_ms();
  BERTH_TRY(ctx.store.put_metric_alarm(alarm, k_max_metric_alarms));
  return std::monostate{};
}

Result<model::DescribeAlarmsReply> describe_alarms(Context& ctx, const model::DescribeAlarmsRequest& request) {
  model::DescribeAlarmsReply reply;
  if (!request.metric_alarms) return reply;
  BERTH_ASSIGN(auto alarms, ctx.store.list_metric_alarms());
  std::size_t seen = 0;
  for (const auto& alarm : alarms) {
    if (!request.names.empty() && std::ranges::find(request.names, alarm.name) == request.names.end()) continue;
    if (!alarm.name.starts_with(request.name_prefix)) continue;
    if (!request.action_prefix.empty()) {
      const auto has_prefix = [&](const std::string& action) { return action.starts_with(request.action_prefix); };
      if (std::ranges::none_of(alarm.ok_actions, has_prefix) && std::ranges::none_of(alarm.alarm_actions, has_prefix) &&
          std::ranges::none_of(alarm.insufficient_data_actions, has_prefix)) {
        continue;
      }
    }
    BERTH_ASSIGN(auto status, evaluate(ctx, alarm));
    if (request.state && status.state != *request.state) continue;
    if (seen++ < request.skip) continue;
    if (reply.alarms.size() == request.max_records) {
      reply.next_skip = request.skip + request.max_records;
      break;
    }
    const EpochMs evaluated_at = sched::alarm_window(alarm, ctx.clock.now_ms()).end;
    reply.alarms.push_back({std::move(status.alarm), status.state, std::move(status.reason), evaluated_at});
  }
  return reply;
}

Result<std::monostate> delete_alarms(Context& ctx, const model::DeleteAlarmsRequest& request) {
  BERTH_ASSIGN(auto missing, ctx.store.delete_metric_alarms(request.names));
  if (!missing.empty()) {
    std::string names;
    for (const auto& name : missing) names += (names.empty() ? "" : ", ") + name;
    return fail(Code::resource_not_found, "No alarm was deleted: these alarms do not exist: " + names + ".");
  }
  return std::monostate{};
}

Result<std::vector<AlarmStatus>> alarms_with_action(Context& ctx, const std::string& action_arn) {
  BERTH_ASSIGN(auto alarms, ctx.store.list_metric_alarms());
  std::vector<AlarmStatus> out;
  for (const auto& alarm : alarms) {
    if (std::ranges::find(alarm.alarm_actions, action_arn) == alarm.alarm_actions.end()) continue;
    BERTH_ASSIGN(auto status, evaluate(ctx, alarm));
    out.push_back(std::move(status));
  }
  return out;
}

}  // namespace berth::svc
