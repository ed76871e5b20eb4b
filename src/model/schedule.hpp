// A schedule as EventBridge Scheduler defines one, whose target is RunTask on a berth cluster.
// Plain value; the record form is what the store keeps, the wire form what GetSchedule returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/arn.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "model/schedule_retry.hpp"
#include "model/schema.hpp"

namespace berth::model {

struct Schedule {
  std::string group = "default";
  std::string name;
  std::string description;
  std::string expression;                  // cron(...), rate(...) or at(...)
  std::string time_zone = "UTC";           // IANA name
  std::optional<std::int64_t> start_date;  // epoch seconds
  std::optional<std::int64_t> end_date;
  std::string state = "ENABLED";                  // ENABLED, DISABLED
  std::string action_after_completion = "NONE";  // NONE, DELETE
  // berth: SKIP_IF_RUNNING does not start a run while tasks of the previous one still run.
  std::string overlap_policy = "ALLOW";
  Json flexible_time_window = {{"Mode", "OFF"}};
  Json target = Json::object();        // as given, with its RetryPolicy complete
  Json run_task_request = Json::object();  // the RunTask request each run makes
  EpochMs created_at = 0;
  EpochMs modified_at = 0;
  std::optional<std::int64_t> next_fire;  // epoch seconds; none when disabled or complete
  Json last_run = nullptr;                 // berth: what the latest run did
  std::optional<PendingRetry> retry;       // the failed run that is to be attempted again
  long long version = 1;

  // When the runner next acts on it (epoch seconds): its next run or the pending retry,
  // whichever comes first; none when neither.
  std::optional<std::int64_t> wake_at() const;

  // The flexible window in seconds: how late a run may still start (at least a minute).
  std::int64_t window_seconds() const;
};

inline constexpr std::string_view k_skip_if_running = "SKIP_IF_RUNNING";

// "arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>".
std::string schedule_arn(const ArnScope& arns, const Schedule& schedule);
// The startedBy of the tasks a schedule's runs start, so its runs can be found.
std::string schedule_started_by(const Schedule& schedule);

// Builds a schedule from a shape-checked Create/UpdateSchedule request (Name and GroupName
// merged in from the path). Checks names, dates and that the target is RunTask on a cluster of
// this region and account; the expression and the time zone are the scheduler's to check.
// Errors are InvalidParameterException with the message EventBridge would give.
[[nodiscard]] Result<Schedule> schedule_from_request(const Json& request, const ArnScope& arns);

// A timestamp member of a request (`member` names it in messages): epoch seconds (what the AWS
// clients send) or "yyyy-mm-ddThh:mm:ss[Z]", between 1970 and 2199 (the years a cron expression
// can name; NaN and infinities are out). InvalidParameterException otherwise.
[[nodiscard]] Result<std::int64_t> timestamp_of(const Json& value, const char* member);

Json schedule_to_record(const Schedule& schedule);
[[nodiscard]] Result<Schedule> schedule_from_record(const Json& record);
// GetSchedule's output (plus berth's OverlapPolicy, NextInvocation and LastRun).
Json schedule_to_json(const Schedule& schedule, const ArnScope& arns);
// ListSchedules' ScheduleSummary.
Json schedule_summary_json(const Schedule& schedule, const ArnScope& arns);

}  // namespace berth::model
