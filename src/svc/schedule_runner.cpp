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
  auto saved = ctx.store.replace_schedule(schedule, version);
  if (!saved && saved.error().code == Code::resource_not_found) return false;
  return saved;
}

// Records `run` as the schedule's last run. An UpdateSchedule since the claim keeps its changes:
// the run is recorded on the stored schedule (bounded retries against further updates).
Result<void> record_run(Context& ctx, model::Schedule schedule, const model::Json& run) {
  const std::string exhausted = "schedule " + schedule.name + " kept changing; its last run was not recorded";
  auto recorded = store::update_with_retry(10, Code::conflict, exhausted, [&]() -> Result<std::optional<bool>> {
    schedule.last_run = run;
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

}  // namespace

void ScheduleRunner::pass() {
  const std::int64_t now = m_ctx.clock.now_ms() / 1000;
  if (!m_dirty.exchange(false) && (!m_earliest || *m_earliest > now)) return;
  auto due = m_ctx.store.due_schedules(now);
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
  auto earliest = m_ctx.store.earliest_schedule_fire();
  if (!earliest) {
    m_dirty = true;
    return;
  }
  m_earliest = *earliest;
}

Result<void> ScheduleRunner::run_due(model::Schedule schedule, std::int64_t now) {
  const std::int64_t due_at = *schedule.next_fire;
  const std::string name = schedule.group + "/" + schedule.name;
  model::Json run{{"ScheduledTime", due_at}};
  bool start = false;
  if (now - due_at > schedule.window_seconds()) {
    run["Result"] = "MISSED";
    run["Reason"] = "berth was not running at the scheduled time (or the clock jumped); missed runs are not replayed.";
    log_warn("schedule " + name + ": run due at " + std::to_string(due_at) + " missed, not replayed");
  } else if (schedule.overlap_policy == model::k_skip_if_running) {
    BERTH_ASSIGN(bool running, previous_run_still_running(m_ctx, schedule));
    if (running) {
      run["Result"] = "SKIPPED";
      run["Reason"] = "Tasks of the previous run are still running (OverlapPolicy SKIP_IF_RUNNING).";
      log_info("schedule " + name + ": previous run still running; run skipped");
    }
    start = !running;
  } else {
    start = true;
  }
  BERTH_ASSIGN(schedule.next_fire, next_run_of(m_ctx, schedule, std::max(now, due_at)));
  const bool complete = !schedule.next_fire;
  if (start) {
    // Claim the run before starting it: at most once, even across a power cut.
    run["Result"] = "STARTING";
    schedule.last_run = run;
    BERTH_ASSIGN(bool claimed, save(m_ctx, schedule));
    if (!claimed) return {};  // updated or deleted meanwhile: the new definition decides
    run["StartedAt"] = epoch_seconds(m_ctx.clock.now_ms());
    const auto decoded = model::decode_run_task(schedule.run_task_request);
    const auto request = decoded ? resolve_run_task(m_ctx, *decoded) : std::unexpected(decoded.error());
    const auto result = request ? start_tasks(m_ctx, *request) : std::unexpected(request.error());
    if (!result) {
      run["Result"] = "FAILED";
      run["Reason"] = std::string(code_name(result.error().code)) + ": " + result.error().message;
      log_warn("schedule " + name + ": RunTask failed: " + result.error().message);
    } else {
      model::Json arns = model::Json::array();
      for (const auto& task : result->tasks) arns.push_back(m_ctx.arns.task(task.cluster, task.id));
      run["TaskArns"] = arns;
      run["Failures"] = model::failures_to_json(placement_failures(m_ctx, request->cluster, result->failures));
      run["Result"] = arns.empty() ? "FAILED" : "STARTED";
      log_info("schedule " + name + ": started " + std::to_string(arns.size()) + " task(s)");
    }
  }
  if (complete && schedule.action_after_completion == "DELETE") {
    // Only the version this run judged complete: an UpdateSchedule meanwhile may have given it a
    // future, and the update wins.
    BERTH_ASSIGN(bool deleted, m_ctx.store.delete_schedule(schedule.group, schedule.name, schedule.version));
    if (deleted) {
      log_info("schedule " + name + ": complete, deleted (ActionAfterCompletion DELETE)");
      return {};
    }
  }
  return record_run(m_ctx, std::move(schedule), run);
}

}  // namespace berth::svc
