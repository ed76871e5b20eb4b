#include "svc/schedules.hpp"

#include "sched/schedule_expression.hpp"
#include "svc/schedule_groups.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

std::unexpected<Error> schedule_not_found(const std::string& name) {
  return fail(Code::resource_not_found, "Schedule " + name + " does not exist.");
}

// The parts of a Create/UpdateSchedule request that need more than the model can check.
Result<model::Schedule> checked_schedule(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto schedule, model::schedule_from_request(request, ctx.arns));
  BERTH_TRY(existing_schedule_group(ctx, request));
  BERTH_ASSIGN(auto expression, sched::parse_schedule_expression(schedule.expression));
  if (expression.kind == sched::ScheduleExpression::Kind::at && (schedule.start_date || schedule.end_date)) {
    return fail(Code::invalid_parameter, "StartDate and EndDate apply to recurring schedules, not to at() expressions.");
  }
  BERTH_TRY(ctx.time_zones->named(schedule.time_zone));
  const auto cluster = cluster_name_of(ctx, schedule.run_task_request["cluster"].get<std::string>());
  BERTH_ASSIGN(auto found, ctx.store.find_cluster(*cluster));
  if (!found || found->status != model::ClusterStatus::active) {
    return fail(Code::invalid_parameter, "Target cluster " + *cluster + " does not exist or is not ACTIVE.");
  }
  return schedule;
}

}  // namespace

Result<std::optional<std::int64_t>> next_run_of(Context& ctx, const model::Schedule& s, std::int64_t after_seconds) {
  using Next = std::optional<std::int64_t>;
  if (s.state != "ENABLED") return Next();
  BERTH_ASSIGN(auto expression, sched::parse_schedule_expression(s.expression));
  BERTH_ASSIGN(auto zone, ctx.time_zones->named(s.time_zone));
  const std::int64_t anchor = s.start_date.value_or(s.created_at / 1000);
  const std::int64_t after = s.start_date ? std::max(after_seconds, *s.start_date - 1) : after_seconds;
  Next next = sched::next_fire(expression, after, anchor, *zone);
  if (next && s.end_date && *next > *s.end_date) next.reset();
  return next;
}

Result<Json> create_schedule(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto schedule, checked_schedule(ctx, request));
  schedule.created_at = schedule.modified_at = ctx.clock.now_ms();
  BERTH_ASSIGN(schedule.next_fire, next_run_of(ctx, schedule, schedule.created_at / 1000));
  BERTH_TRY(ctx.store.create_schedule(schedule));
  ctx.schedules_changed();
  return Json{{"ScheduleArn", model::schedule_arn(ctx.arns, schedule)}};
}

Result<Json> get_schedule(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto group, existing_schedule_group(ctx, request));
  const std::string name = request["Name"];
  BERTH_ASSIGN(auto schedule, ctx.store.find_schedule(group, name));
  if (!schedule) return schedule_not_found(name);
  return model::schedule_to_json(*schedule, ctx.arns);
}

Result<Json> update_schedule(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto updated, checked_schedule(ctx, request));
  // The runner may be recording a run of this schedule: retry on its version bump.
  return store::update_with_retry(20, Code::conflict, "Schedule " + updated.name + " kept changing; try UpdateSchedule again.",
                                  [&]() -> Result<std::optional<Json>> {
    BERTH_ASSIGN(auto stored, ctx.store.find_schedule(updated.group, updated.name));
    if (!stored) return schedule_not_found(updated.name);
    updated.created_at = stored->created_at;
    updated.last_run = stored->last_run;
    updated.version = stored->version + 1;
    updated.modified_at = ctx.clock.now_ms();
    BERTH_ASSIGN(updated.next_fire, next_run_of(ctx, updated, updated.modified_at / 1000));
    BERTH_ASSIGN(bool saved, ctx.store.replace_schedule(updated, stored->version));
    if (!saved) return std::nullopt;
    ctx.schedules_changed();
    return Json{{"ScheduleArn", model::schedule_arn(ctx.arns, updated)}};
  });
}

Result<Json> delete_schedule(Context& ctx, const Json& request) {
  BERTH_ASSIGN(auto group, existing_schedule_group(ctx, request));
  const std::string name = request["Name"];
  BERTH_ASSIGN(bool deleted, ctx.store.delete_schedule(group, name));
  if (!deleted) return schedule_not_found(name);
  ctx.schedules_changed();
  return Json::object();
}

Result<Json> list_schedules(Context& ctx, const Json& request) {
  std::optional<std::string> group;
  if (request.contains("GroupName")) {
    BERTH_ASSIGN(group, existing_schedule_group(ctx, request));
  }
  std::optional<std::string> state;
  if (request.contains("State")) state = request["State"].get<std::string>();
  const std::size_t limit = request.value("MaxResults", 100);
  BERTH_ASSIGN(auto schedules, ctx.store.list_schedules(group, request.value("NamePrefix", ""), state,
                                                        request.value("NextToken", ""), limit + 1));
  const bool more = schedules.size() > limit;
  if (more) schedules.resize(limit);
  Json response{{"Schedules", Json::array()}};
  for (const auto& s : schedules) response["Schedules"].push_back(model::schedule_summary_json(s, ctx.arns));
  if (more) response["NextToken"] = schedules.back().group + "/" + schedules.back().name;
  return response;
}

}  // namespace berth::svc
