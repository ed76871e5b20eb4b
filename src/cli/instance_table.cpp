#include "cli/instance_table.hpp"

#include "cli/id_prefix.hpp"
#include "cli/json_fields.hpp"
#include "cli/relative_time.hpp"

namespace berth::cli {
namespace {

std::optional<std::int64_t> resource(const model::Json& instance, const char* list, const char* name) {
  for (const auto& r : array_member(instance, list)) {
    if (text_member(r, "name") == name) return integer_member(r, "integerValue");
  }
  return std::nullopt;
}

std::string attribute(const model::Json& instance, const char* name) {
  for (const auto& a : array_member(instance, "attributes")) {
    if (text_member(a, "name") == name) return text_member(a, "value", "-");
  }
  return "-";
}

// "3m ago: STARTED" from a schedule's LastRun (berth's record of what its latest run did).
std::string last_run(const model::Json& schedule, EpochMs now) {
  const auto it = schedule.find("LastRun");
  if (it == schedule.end() || !it->is_object()) return "-";
  auto at = timestamp_member(*it, "StartedAt");
  if (!at) at = timestamp_member(*it, "ScheduledTime");
  return relative_time(at, now) + ": " + text_member(*it, "Result", "?");
}

}  // namespace

std::string reserved_of(const model::Json& instance, const char* name) {
  const auto registered = resource(instance, "registeredResources", name);
  const auto remaining = resource(instance, "remainingResources", name);
  if (!registered || !remaining) return "-";
  return std::to_string(*registered - *remaining) + "/" + std::to_string(*registered);
}

std::string format_instance_table(const std::vector<model::Json>& instances, EpochMs now, Colouring colouring) {
  std::vector<Row> rows{{"INSTANCE ID", "STATUS", "AGENT", "RUNNING", "PENDING", "CPU", "MEMORY (MiB)", "ARCH",
                         "REGISTERED"}};
  for (const auto& instance : instances) {
    const std::string status = text_member(instance, "status", "-");
    const bool connected = boolean_member(instance, "agentConnected");
    rows.push_back({short_id(last_arn_part(text_member(instance, "containerInstanceArn"))),
                    Cell(status, status_colour(status)),
                    Cell(connected ? "connected" : "disconnected", connected ? Colour::green : Colour::red),
                    std::to_string(integer_member(instance, "runningTasksCount")),
                    std::to_string(integer_member(instance, "pendingTasksCount")), reserved_of(instance, "CPU"),
                    reserved_of(instance, "MEMORY"), attribute(instance, "ecs.cpu-architecture"),
                    relative_time(timestamp_member(instance, "registeredAt"), now)});
  }
  return format_table(rows, colouring);
}

std::string format_schedule_table(const std::vector<model::Json>& schedules, EpochMs now, Colouring colouring) {
  std::vector<Row> rows{{"SCHEDULE", "GROUP", "STATE", "EXPRESSION", "NEXT RUN", "LAST RUN"}};
  for (const auto& schedule : schedules) {
    const std::string state = text_member(schedule, "State", "-");
    rows.push_back({text_member(schedule, "Name"), text_member(schedule, "GroupName", "default"),
                    Cell(state, status_colour(state)), text_member(schedule, "ScheduleExpression", "-"),
                    relative_time(timestamp_member(schedule, "NextInvocation"), now), last_run(schedule, now)});
  }
  return format_table(rows, colouring);
}

}  // namespace berth::cli
