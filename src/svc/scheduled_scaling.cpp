// PutScheduledAction, DescribeScheduledActions, DeleteScheduledAction: schedules that set a
// scalable target's MinCapacity and MaxCapacity (the scaling runner runs them), with berth's
// schedule expressions (cron, rate, at) and time zones.
#include "common/ids.hpp"
#include "model/schedule.hpp"
#include "sched/schedule_expression.hpp"
#include "store/update_with_retry.hpp"
#include "svc/scaling.hpp"
#include "svc/scaling_request.hpp"

namespace berth::svc {
namespace {

std::unexpected<Error> invalid(const std::string& message) { return fail(Code::validation, message); }

// The action `request` describes, on top of the stored one when it exists (members left out
// keep their values, as PutScheduledAction does).
Result<model::ScheduledScalingAction> action_of(Context& ctx, const Json& request, model::ScheduledScalingAction a) {
  if (request.contains("Schedule")) a.schedule = request["Schedule"];
  if (a.schedule.empty()) return invalid("Schedule is required when creating a scheduled action.");
  BERTH_ASSIGN(auto expression, sched::parse_schedule_expression(a.schedule));
  (void)expression;
  if (request.contains("Timezone")) a.time_zone = request["Timezone"];
  BERTH_TRY(ctx.time_zones->named(a.time_zone));
  if (request.contains("StartTime")) {
    BERTH_ASSIGN(a.start_time, model::timestamp_of(request["StartTime"], "StartTime"));
  }
  if (request.contains("EndTime")) {
    BERTH_ASSIGN(a.end_time, model::timestamp_of(request["EndTime"], "EndTime"));
  }
  if (a.start_time && a.end_time && *a.end_time <= *a.start_time) return invalid("EndTime must be after StartTime.");
  if (request.contains("ScalableTargetAction")) {
    const Json& action = request["ScalableTargetAction"];
    a.min_capacity = action.contains("MinCapacity") ? std::optional<int>(action["MinCapacity"].get<int>()) : std::nullopt;
    a.max_capacity = action.contains("MaxCapacity") ? std::optional<int>(action["MaxCapacity"].get<int>()) : std::nullopt;
  }
  if (!a.min_capacity && !a.max_capacity) {
    return invalid("ScalableTargetAction must set MinCapacity, MaxCapacity or both.");
  }
  if (a.min_capacity && a.max_capacity && *a.min_capacity > *a.max_capacity) {
    return invalid("ScalableTargetAction's MinCapacity cannot be greater than its MaxCapacity.");
  }
  return a;
}

}  // namespace

Result<std::optional<std::int64_t>> next_run_of(Context& ctx, const model::ScheduledScalingAction& a,
                                                std::int64_t after_seconds) {
  BERTH_ASSIGN(auto expression, sched::parse_schedule_expression(a.schedule));
  BERTH_ASSIGN(auto zone, ctx.time_zones->named(a.time_zone));
  const std::int64_t anchor = a.start_time.value_or(a.created_at / 1000);
  const std::int64_t after = a.start_time ? std::max(after_seconds, *a.start_time - 1) : after_seconds;
  std::optional<std::int64_t> next = sched::next_fire(expression, after, anchor, *zone);
  if (next && a.end_time && *next > *a.end_time) next.reset();
  return next;
}

Result<Json> put_scheduled_action(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  const std::string name = request["ScheduledActionName"];
  BERTH_TRY(scaling::require_target(ctx, resource_id));
  // Read, merged and written back only if neither the runner nor another Put changed it meanwhile.
  auto put = store::update_with_retry(10, Code::conflict, "Scheduled action " + name + " kept changing; try again.",
                                  [&]() -> Result<std::optional<Json>> {
    BERTH_ASSIGN(auto existing, ctx.store.list_scheduled_actions(resource_id, {name}, "", 1));
    model::ScheduledScalingAction base;
    if (!existing.empty()) {
      base = existing.front();
    } else {
      base.resource_id = resource_id;
      base.name = name;
      base.id = random_uuid();
      base.created_at = ctx.clock.now_ms();
    }
    const long long expected = existing.empty() ? 0 : base.version;
    BERTH_ASSIGN(auto action, action_of(ctx, request, std::move(base)));
    action.version = expected + 1;
    BERTH_ASSIGN(action.next_fire, next_run_of(ctx, action, ctx.clock.now_ms() / 1000));
    BERTH_ASSIGN(bool saved, ctx.store.put_scheduled_action(action, expected, k_max_scheduled_actions_per_target));
    if (!saved) return std::nullopt;
    return std::optional<Json>(Json::object());
  });
  if (put) ctx.schedules_changed();  // the scaling runner's next due time may be earlier now
  return put;
}

Result<Json> describe_scheduled_actions(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::resource_filter(request));
  const std::vector<std::string> names = request.value("ScheduledActionNames", std::vector<std::string>{});
  const std::size_t limit = scaling::max_results(request);
  BERTH_ASSIGN(auto actions,
               ctx.store.list_scheduled_actions(resource_id, names, request.value("NextToken", ""), limit + 1));
  return scaling::page_reply(
      std::move(actions), limit, "ScheduledActions",
      [&](const model::ScheduledScalingAction& a) { return model::scheduled_action_to_json(a, ctx.arns); },
      [](const model::ScheduledScalingAction& a) { return a.resource_id + "\n" + a.name; });
}

Result<Json> delete_scheduled_action(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto resource_id, scaling::checked_resource_id(request));
  const std::string name = request["ScheduledActionName"];
  BERTH_ASSIGN(bool deleted, ctx.store.delete_scheduled_action(resource_id, name));
  if (!deleted) {
    return fail(Code::resource_not_found, "No scheduled action found for service namespace: ecs, resource ID: " +
                                              resource_id + ", scalable dimension: ecs:service:DesiredCount, "
                                              "scheduled action name: " + name);
  }
  return Json::object();
}

}  // namespace berth::svc
