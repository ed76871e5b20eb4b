#include "svc/schedule_runner.hpp"

#include "common/log.hpp"
#include "model/task.hpp"
#include "svc/schedules.hpp"
#include "svc/tasks.hpp"
#include "store/update_with_retry.hpp"

namespace berth::svc {
namespace {

Result<bool> previous_run_still_running(Context& ctx, const model::Schedule& schedule) {
  store::TaskQuery query;
  query.started_by = model::schedule_started_by(schedule);
  query.not_stopped = true;
  query.limit = 1;
  BERTH_ASSIGN(auto tasks, ctx.store.list_tasks(query));
  return !tasks.empty();
}

// Writes the schedule if nobody changed it meanwhile; false if someone did (their version wins)
// or deleted it.
Result<bool> save(Context& ctx, model::Schedule& schedule) {
  const long long version = schedule.version++;
  auto saved = ctx.store.replace_schedule(schedule, version, ctx.leader_term);
  if (!saved && saved.error().code == Code::resource_not_found) return false;
  return saved;
}

// Records `run` as the schedule's last run. An UpdateSchedule since the claim keeps its changes:
// the run is recorded on the stored schedule (bounded retries against further updates).
Result<void> record_run(Context& ctx, model::Schedule schedule, const model::Json& run,
                        const std::optional<model::PendingRetry>& retry) {
  const std::string exhausted = "schedule " + schedule.name + " kept changing; its last run was not recorded";
  auto recorded = store::update_with_retry(10, Code::conflict, exhausted, [&]() -> Result<std::optional<bool>> {
    schedule.last_run = run;
    schedule.retry = retry;
    BERTH_ASSIGN(bool saved, save(ctx, schedule));
    if (saved) return true;
    BERTH_ASSIGN(auto stored, ctx.store.find_schedule(schedule.group, schedule.name));
    if (!stored) return true;  // deleted meanwhile: nothing to record on
    schedule = std::move(*stored);
    return std::nullopt;
  });
  if (!recorded) return std::unexpected(recorded.error());
  return {};
}

// Starts the run's tasks as its stored RunTask request says; records in `run` what happened.
// Returns whether the attempt failed (an error, or no task placed).
bool attempt_run(Context& ctx, const model::Schedule& schedule, model::Json& run) {
  const std::string name = schedule.group + "/" + schedule.name;
  run["StartedAt"] = epoch_seconds(ctx.clock.now_ms());
  const auto decoded = model::decode_run_task(schedule.run_task_request);
  const auto request = decoded ? resolve_run_task(ctx, *decoded) : std::unexpected(decoded.error());
  const auto result = request ? start_tasks(ctx, *request) : std::unexpected(request.error());
  if (!result) {
    run["Result"] = "FAILED";
    run["Reason"] = std::string(code_name(result.error().code)) + ": " + result.error().message;
    log_warn("schedule " + name + ": RunTask failed: " + result.error().message);
    return true;
  }
  model::Json arns = model::Json::array();
  for (const auto& task : result->tasks) arns.push_back(ctx.arns.task(task.cluster, task.id));
  run["TaskArns"] = arns;
  run["Failures"] = model::failures_to_json(placement_failures(ctx, request->cluster, result->failures));
  run["Result"] = arns.empty() ? "FAILED" : "STARTED";
  log_info("schedule " + name + ": started " + std::to_string(arns.size()) + " task(s)");
  return arns.empty();
}

// After a failed attempt: the retry its RetryPolicy allows, noted in `run`.
std::optional<model::PendingRetry> retry_after_failure(const model::Schedule& schedule, std::int64_t scheduled_time,
                                                       int retries_made, std::int64_t now, model::Json& run) {
  const auto policy = model::retry_policy_of(schedule.target);
  if (!policy) return std::nullopt;  // checked when the schedule was written
  auto retry = model::next_retry(*policy, scheduled_time, retries_made, now);
  if (retry) {
    run["RetryAt"] = retry->at;
    run["Retry"] = retry->number;
  } else if (policy->maximum_retry_attempts > 0) {
    run["Reason"] = run.value("Reason", std::string()) + " (RetryPolicy exhausted: no more attempts.)";
  }
  return retry;
}

}  // namespace

void ScheduleRunner::pass() {
  // Another server leads the schedulers: nothing runs here. A new term reads the timers again.
  bool new_term = false;
  if (!m_acting.begin(new_term)) return;
  if (new_term) m_dirty = true;
  const std::int64_t now = ctx().clock.now_ms() / 1000;
  if (!m_dirty.exchange(false) && (!m_earliest || *m_earliest > now)) return;
  auto due = ctx().store.due_schedules(now);
  if (!due) {
    log_error("schedules: " + due.error().message);
    m_dirty = true;
    return;
  }
  for (auto& schedule : *due) {
    const std::string name = schedule.group + "/" + schedule.name;
    // One schedule whose records break an assumption must not keep the others from firing.
    try {
      if (auto ran = run_due(std::move(schedule), now); !ran) log_error("schedules: " + ran.error().message);
    } catch (const std::exception& e) {
      log_error("schedules: " + name + ": internal error: " + e.what());
    }
  }
  auto earliest = ctx().store.earliest_schedule_fire();
  if (!earliest) {
    m_dirty = true;
    return;
  }
  m_earliest = *earliest;
}

Result<void> ScheduleRunner::run_due(model::Schedule schedule, std::int64_t now) {
  // A new run supersedes a retry still pending from an earlier one.
  if (schedule.next_fire && *schedule.next_fire <= now) return run_scheduled(std::move(schedule), now);
  if (schedule.retry && schedule.retry->at <= now) return run_retry(std::move(schedule), now);
  return {};
}

Result<void> ScheduleRunner::run_retry(model::Schedule schedule, std::int64_t now) {
  const model::PendingRetry retry = *schedule.retry;
  model::Json run{{"ScheduledTime", retry.scheduled_time}, {"Retry", retry.number}, {"Result", "STARTING"}};
  // Claim the attempt first, as a scheduled run is claimed: at most once across a power cut.
  schedule.retry.reset();
  schedule.last_run = run;
  BERTH_ASSIGN(bool claimed, save(ctx(), schedule));
  if (!claimed) return {};
  std::optional<model::PendingRetry> next;
  if (attempt_run(ctx(), schedule, run)) next = retry_after_failure(schedule, retry.scheduled_time, retry.number, now, run);
  if (!next && !schedule.next_fire && schedule.action_after_completion == "DELETE") {
    BERTH_ASSIGN(bool deleted, ctx().store.delete_schedule(schedule.group, schedule.name, schedule.version, ctx().leader_term));
    if (deleted) return {};
  }
  return record_run(ctx(), std::move(schedule), run, next);
}

Result<void> ScheduleRunner::run_scheduled(model::Schedule schedule, std::int64_t now) {
  const std::int64_t due_at = *schedule.next_fire;
  const std::string name = schedule.group + "/" + schedule.name;
  model::Json run{{"ScheduledTime", due_at}};
  bool start = false;
  if (now - due_at > schedule.window_seconds()) {
    run["Result"] = "MISSED";
    run["Reason"] = "berth was not running at the scheduled time (or the clock jumped); missed runs are not replayed.";
    log_warn("schedule " + name + ": run due at " + std::to_string(due_at) + " missed, not replayed");
  } else if (schedule.overlap_policy == model::k_skip_if_running) {
    BERTH_ASSIGN(bool running, previous_run_still_running(ctx(), schedule));
    if (running) {
      run["Result"] = "SKIPPED";
      run["Reason"] = "Tasks of the previous run are still running (OverlapPolicy SKIP_IF_RUNNING).";
      log_info("schedule " + name + ": previous run still running; run skipped");
    }
    start = !running;
  } else {
    start = true;
  }
  BERTH_ASSIGN(schedule.next_fire, next_run_of(ctx(), schedule, std::max(now, due_at)));
  const bool complete = !schedule.next_fire;
  schedule.retry.reset();
  std::optional<model::PendingRetry> retry;
  if (start) {
    // Claim the run before starting it: at most once, even across a power cut.
    run["Result"] = "STARTING";
    schedule.last_run = run;
    BERTH_ASSIGN(bool claimed, save(ctx(), schedule));
    if (!claimed) return {};  // updated or deleted meanwhile: the new definition decides
    if (attempt_run(ctx(), schedule, run)) retry = retry_after_failure(schedule, due_at, 0, now, run);
  }
  if (complete && !retry && schedule.action_after_completion == "DELETE") {
    // Only the version this run judged complete: an UpdateSchedule meanwhile may have given it a
    // future, and the update wins.
    BERTH_ASSIGN(bool deleted, ctx().store.delete_schedule(schedule.group, schedule.name, schedule.version, ctx().leader_term));
    if (deleted) {
      log_info("schedule " + name + ": complete, deleted (ActionAfterCompletion DELETE)");
      return {};
    }
  }
  return record_run(ctx(), std::move(schedule), run, retry);
}

}  // namespace berth::svc
