#include "model/schedule.hpp"

#include <charconv>
#include <cstdio>

#include "common/civil_time.hpp"
#include "model/json_parse.hpp"
#include "model/request_shapes.hpp"
#include "model/schedule_group.hpp"
#include "model/task_definition.hpp"

namespace berth::model {
namespace {

std::unexpected<Error> invalid(const std::string& message) { return fail(Code::invalid_parameter, message); }

// The RunTask request one run makes, from the target's EcsParameters and Input.
Result<Json> run_task_request_of(const Json& target, const std::string& started_by) {
  const Json ecs = target.value("EcsParameters", Json::object());
  if (!ecs.contains("TaskDefinitionArn")) {
    return invalid("Target.EcsParameters.TaskDefinitionArn is required: berth schedules run ECS tasks.");
  }
  // Checked now, as RunTask will check it, so a schedule that could never run is refused.
  if (auto ref = parse_task_definition_ref(ecs["TaskDefinitionArn"].get<std::string>()); !ref) {
    return std::unexpected(ref.error().wrap("Target.EcsParameters.TaskDefinitionArn"));
  }
  Json request{{"cluster", target["Arn"]},
               {"taskDefinition", ecs["TaskDefinitionArn"]},
               {"count", ecs.value("TaskCount", 1)},
               {"startedBy", started_by}};
  const std::pair<const char*, const char*> renamed[] = {
      {"Group", "group"}, {"PlacementConstraints", "placementConstraints"}, {"PlacementStrategy", "placementStrategy"},
      {"LaunchType", "launchType"}, {"ReferenceId", "referenceId"}, {"PropagateTags", "propagateTags"},
      {"EnableECSManagedTags", "enableECSManagedTags"}, {"EnableExecuteCommand", "enableExecuteCommand"}};
  for (const auto& [from, to] : renamed) {
    if (ecs.contains(from)) request[to] = ecs[from];
  }
  if (ecs.contains("Tags")) {
    Json tags = Json::array();
    for (const auto& map : ecs["Tags"]) {
      for (const auto& [key, value] : map.items()) tags.push_back({{"key", key}, {"value", value}});
    }
    request["tags"] = tags;
  }
  // EventBridge hands an ECS target's Input to RunTask as the task's overrides.
  if (target.contains("Input")) {
    auto overrides = parse_json(target["Input"].get<std::string>(), "Target.Input");
    if (!overrides || !overrides->is_object()) {
      return invalid("Target.Input must be a JSON TaskOverride object for an ECS target" +
                     (overrides ? std::string(".") : ": " + overrides.error().message));
    }
    request["overrides"] = std::move(*overrides);
  }
  if (auto checked = check_shape(request, request_shapes::run_task, "Target"); !checked) {
    return std::unexpected(checked.error());
  }
  return request;
}

std::optional<std::int64_t> optional_seconds(const Json& record, const char* key) {
  if (!record.contains(key) || record[key].is_null()) return std::nullopt;
  return record[key].get<std::int64_t>();
}

}  // namespace

Result<std::int64_t> timestamp_of(const Json& value, const char* member) {
  constexpr double k_end_of_2199 = 7258118400.0;
  double seconds = 0;
  const std::string text = value.is_string() ? value.get<std::string>() : std::string();
  if (value.is_number()) {
    seconds = value.get<double>();
  } else if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
             ec != std::errc() || end != text.data() + text.size()) {
    int y, mo, d, h = 0, mi = 0, s = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) < 3 || mo < 1 || mo > 12 ||
        d < 1 || d > days_in_month(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
      return invalid(std::string(member) + " must be epoch seconds or yyyy-mm-ddThh:mm:ssZ.");
    }
    seconds = static_cast<double>(utc_seconds(y, mo, d, h, mi, s));
  }
  if (!(seconds >= 0 && seconds < k_end_of_2199)) return invalid(std::string(member) + " must be between 1970 and 2199.");
  return static_cast<std::int64_t>(seconds);
}

std::int64_t Schedule::window_seconds() const {
  if (flexible_time_window.value("Mode", "OFF") != "FLEXIBLE") return 60;
  return std::max<std::int64_t>(60, flexible_time_window.value("MaximumWindowInMinutes", 1) * 60LL);
}

std::string schedule_arn(const ArnScope& arns, const Schedule& s) {
  return "arn:aws:scheduler:" + arns.region + ":" + arns.account + ":schedule/" + s.group + "/" + s.name;
}

std::optional<std::int64_t> Schedule::wake_at() const {
  if (next_fire && retry) return std::min(*next_fire, retry->at);
  return retry ? std::optional<std::int64_t>(retry->at) : next_fire;
}

std::string schedule_started_by(const Schedule& s) {
  return s.group == "default" ? "scheduler/" + s.name : "scheduler/" + s.group + "/" + s.name;
}

Result<Schedule> schedule_from_request(const Json& request, const ArnScope& arns) {
  Schedule s;
  s.name = request.value("Name", "");
  s.group = request.value("GroupName", "default");
  if (!is_schedule_name(s.name)) return invalid("Name must be 1 to 64 letters, digits, '-', '_' or '.'.");
  if (!is_schedule_name(s.group)) return invalid("GroupName must be 1 to 64 letters, digits, '-', '_' or '.'.");
  s.description = request.value("Description", "");
  if (s.description.size() > 512) return invalid("Description is limited to 512 characters.");
  s.expression = request["ScheduleExpression"].get<std::string>();
  s.time_zone = request.value("ScheduleExpressionTimezone", "UTC");
  if (request.contains("StartDate")) {
    BERTH_ASSIGN(s.start_date, timestamp_of(request["StartDate"], "StartDate"));
  }
  if (request.contains("EndDate")) {
    BERTH_ASSIGN(s.end_date, timestamp_of(request["EndDate"], "EndDate"));
  }
  if (s.start_date && s.end_date && *s.end_date <= *s.start_date) return invalid("EndDate must be after StartDate.");
  s.state = request.value("State", "ENABLED");
  s.action_after_completion = request.value("ActionAfterCompletion", "NONE");
  s.overlap_policy = request.value("OverlapPolicy", "ALLOW");
  s.flexible_time_window = request["FlexibleTimeWindow"];
  const bool flexible = s.flexible_time_window["Mode"] == "FLEXIBLE";
  if (flexible != s.flexible_time_window.contains("MaximumWindowInMinutes")) {
    return invalid("FlexibleTimeWindow.MaximumWindowInMinutes is required with Mode FLEXIBLE and only then.");
  }
  s.target = request["Target"];
  // Scheduler answers GetSchedule with the policy in force, its defaults filled in.
  BERTH_ASSIGN(const auto policy, retry_policy_of(s.target));
  s.target["RetryPolicy"] = retry_policy_to_json(policy);
  const auto target_arn = parse_ecs_arn(s.target["Arn"].get<std::string>());
  if (!target_arn || target_arn->resource_type != "cluster" || target_arn->region != arns.region ||
      target_arn->account != arns.account) {
    return invalid("Target.Arn must be the ARN of an ECS cluster on this gateway (" + arns.prefix() + "cluster/NAME).");
  }
  BERTH_ASSIGN(s.run_task_request, run_task_request_of(s.target, schedule_started_by(s)));
  return s;
}

Json schedule_to_record(const Schedule& s) {
  return {{"group", s.group}, {"name", s.name}, {"description", s.description}, {"expression", s.expression},
          {"timeZone", s.time_zone}, {"startDate", s.start_date ? Json(*s.start_date) : Json()},
          {"endDate", s.end_date ? Json(*s.end_date) : Json()}, {"state", s.state},
          {"actionAfterCompletion", s.action_after_completion}, {"overlapPolicy", s.overlap_policy},
          {"flexibleTimeWindow", s.flexible_time_window}, {"target", s.target},
          {"runTaskRequest", s.run_task_request}, {"createdAt", s.created_at}, {"modifiedAt", s.modified_at},
          {"nextFire", s.next_fire ? Json(*s.next_fire) : Json()}, {"lastRun", s.last_run}, {"version", s.version},
          {"pendingRetry", pending_retry_to_record(s.retry)}};
}

Result<Schedule> schedule_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt schedule record");
  Schedule s;
  s.group = r.value("group", "default");
  s.name = r.value("name", "");
  s.description = r.value("description", "");
  s.expression = r.value("expression", "");
  s.time_zone = r.value("timeZone", "UTC");
  s.start_date = optional_seconds(r, "startDate");
  s.end_date = optional_seconds(r, "endDate");
  s.state = r.value("state", "ENABLED");
  s.action_after_completion = r.value("actionAfterCompletion", "NONE");
  s.overlap_policy = r.value("overlapPolicy", "ALLOW");
  s.flexible_time_window = r.value("flexibleTimeWindow", Json{{"Mode", "OFF"}});
  s.target = r.value("target", Json::object());
  s.run_task_request = r.value("runTaskRequest", Json::object());
  s.created_at = r.value("createdAt", 0LL);
  s.modified_at = r.value("modifiedAt", 0LL);
  s.next_fire = optional_seconds(r, "nextFire");
  s.last_run = r.value("lastRun", Json());
  s.version = r.value("version", 1LL);
  s.retry = pending_retry_from_record(r.value("pendingRetry", Json()));
  return s;
}

Json schedule_to_json(const Schedule& s, const ArnScope& arns) {
  Json out{{"Arn", schedule_arn(arns, s)},
           {"Name", s.name},
           {"GroupName", s.group},
           {"ScheduleExpression", s.expression},
           {"ScheduleExpressionTimezone", s.time_zone},
           {"State", s.state},
           {"ActionAfterCompletion", s.action_after_completion},
           {"OverlapPolicy", s.overlap_policy},
           {"FlexibleTimeWindow", s.flexible_time_window},
           {"Target", s.target},
           {"CreationDate", epoch_seconds(s.created_at)},
           {"LastModificationDate", epoch_seconds(s.modified_at)}};
  if (!s.description.empty()) out["Description"] = s.description;
  if (s.start_date) out["StartDate"] = *s.start_date;
  if (s.end_date) out["EndDate"] = *s.end_date;
  if (s.next_fire) out["NextInvocation"] = *s.next_fire;
  if (!s.last_run.is_null()) out["LastRun"] = s.last_run;
  return out;
}

Json schedule_summary_json(const Schedule& s, const ArnScope& arns) {
  return {{"Arn", schedule_arn(arns, s)},
          {"Name", s.name},
          {"GroupName", s.group},
          {"State", s.state},
          {"Target", {{"Arn", s.target.value("Arn", "")}}},
          {"CreationDate", epoch_seconds(s.created_at)},
          {"LastModificationDate", epoch_seconds(s.modified_at)}};
}

}  // namespace berth::model
