// The agent's handling of one task as a unit: drive it under the crash guard, save what changed,
// and turn an error berth did not foresee into a failed task rather than a failed agent (a
// stopping task's runtime is released once, best-effort, before it is recorded stopped).
#include "agent/agent.hpp"

#include "common/log.hpp"
#include "common/start_trace.hpp"

namespace berth::agent {

using model::Json;

void Agent::handle(model::Task& task) {
  const Json* td = task_definition_of(task);
  if (!td) {
    log_error("agent: task " + task.id + " has no task definition");
    return;
  }
  const Json before = model::task_to_record(task);
  const long long version = task.version;
  const bool starting = task.last_status == model::TaskStatus::pending;
  if (starting) trace_start(task.id, "pass");
  drive_guarded(task, *td);
  bool saved_as_is = true;
  if (model::task_to_record(task) != before) {
    ++task.version;
    // Observed state: the runtime holds the truth it is rebuilt from after a restart, so the
    // container need not wait for an fsync to be reported (store::Durability).
    auto saved = m_store.replace_task(task, version, store::Durability::deferred);
    saved_as_is = saved && *saved;
    // Traced as committed, when DescribeTasks starts to answer the new status: the wake-ups
    // below (the service scheduler's pass among them) come after what a client can see.
    if (saved_as_is && starting) trace_start(task.id, "saved");
    if (saved_as_is && task.last_status == model::TaskStatus::stopped) trace_start(task.id, "stopped");
    if (!saved) log_error("agent: cannot save task " + task.id + ": " + saved.error().message);
    // On a conflict (StopTask in between) the next pass starts from the stored task again.
    if (saved && !*saved) wake();
    if (saved_as_is) m_on_task_changed();
  }
  if (saved_as_is && !needs_work(task)) m_crash_guard.end(task.id);
  // What this task's starts took from the runtime (a spare monitor, a root mounted ahead) is made
  // again now that they are recorded.
  m_runtime.prepare_next_starts();
}

void Agent::drive_guarded(model::Task& task, const Json& td) {
  switch (m_crash_guard.verdict(task.id)) {
    case CrashVerdict::abandon:
      record_abandoned(task, "berth stopped unexpectedly twice while stopping this task; it is recorded stopped");
      return;
    case CrashVerdict::stop:
      stop_unstarted(task, "berth stopped unexpectedly twice while starting this task; it is not retried", m_clock.now_ms());
      break;
    case CrashVerdict::carry_on:
      break;
  }
  if (needs_work(task)) {
    m_crash_guard.begin(task.id, task.desired_status == model::TaskStatus::stopped ? TaskPhase::stopping : TaskPhase::starting);
  }
  try {
    m_driver.drive(task, td);
  } catch (const std::exception& e) {
    fail_unforeseen(task, e.what());
  } catch (...) {
    fail_unforeseen(task, "unknown exception");
  }
}

void Agent::fail_unforeseen(model::Task& task, const std::string& what) {
  log_error("agent: task " + task.id + ": internal error: " + what + "; failing the task");
  if (task.desired_status == model::TaskStatus::stopped) {
    // Recorded stopped, its containers must not go on holding host ports that placement now
    // counts free: one last, contained attempt to take them down first.
    m_driver.release(task);
    record_abandoned(task, "berth failed to stop this task (internal error: " + what + "); it is recorded stopped");
  } else {
    stop_unstarted(task, "internal error: " + what, m_clock.now_ms());
  }
}

void Agent::record_abandoned(model::Task& task, const std::string& reason) {
  if (task.last_status == model::TaskStatus::stopped) return;
  log_error("agent: task " + task.id + ": " + reason + "; its containers, if any, are removed at berth's next start");
  agent::record_abandoned(task, reason, m_clock.now_ms());
}

}  // namespace berth::agent
