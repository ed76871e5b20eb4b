// The agent's handling of one task as a unit: drive it under the crash guard, save what changed,
// and turn an error berth did not foresee into a failed task rather than a failed agent (a
// stopping task's runtime is released once, best-effort, before it is recorded stopped).
#include "agent/agent.hpp"

#include <signal.h>

#include <algorithm>

#include "agent/container_spec_builder.hpp"
#include "common/log.hpp"

namespace berth::agent {
namespace {

using model::Json;

// Whether the agent still has work to do on `task` (start its containers or stop it).
bool needs_work(const model::Task& task) {
  if (task.desired_status == "STOPPED") return task.last_status != "STOPPED";
  return std::any_of(task.containers.begin(), task.containers.end(),
                     [](const model::TaskContainer& c) { return c.last_status == "PENDING"; });
}

}  // namespace

void Agent::handle(model::Task& task) {
  const Json* td = task_definition_of(task);
  if (!td) {
    log_error("agent: task " + task.id + " has no task definition");
    return;
  }
  const Json before = model::task_to_record(task);
  const long long version = task.version;
  drive_guarded(task, *td);
  bool saved_as_is = true;
  if (model::task_to_record(task) != before) {
    ++task.version;
    auto saved = m_store.replace_task(task, version);
    saved_as_is = saved && *saved;
    if (!saved) log_error("agent: cannot save task " + task.id + ": " + saved.error().message);
    // On a conflict (StopTask in between) the next pass starts from the stored task again.
    if (saved && !*saved) wake();
    if (saved_as_is) m_on_task_changed();
  }
  if (saved_as_is && !needs_work(task)) m_crash_guard.end(task.id);
}

void Agent::drive_guarded(model::Task& task, const Json& td) {
  switch (m_crash_guard.verdict(task.id)) {
    case CrashVerdict::abandon:
      record_abandoned(task, "berth stopped unexpectedly twice while stopping this task; it is recorded stopped");
      return;
    case CrashVerdict::stop:
      stop_unstarted(task, "berth stopped unexpectedly twice while starting this task; it is not retried");
      break;
    case CrashVerdict::carry_on:
      break;
  }
  if (needs_work(task)) {
    m_crash_guard.begin(task.id, task.desired_status == "STOPPED" ? TaskPhase::stopping : TaskPhase::starting);
  }
  try {
    drive(task, td);
  } catch (const std::exception& e) {
    fail_unforeseen(task, e.what());
  } catch (...) {
    fail_unforeseen(task, "unknown exception");
  }
}

void Agent::fail_unforeseen(model::Task& task, const std::string& what) {
  log_error("agent: task " + task.id + ": internal error: " + what + "; failing the task");
  if (task.desired_status == "STOPPED") {
    // Recorded stopped, its containers must not go on holding host ports that placement now
    // counts free: one last, contained attempt to take them down first.
    release_runtime(task);
    record_abandoned(task, "berth failed to stop this task (internal error: " + what + "); it is recorded stopped");
  } else {
    stop_unstarted(task, "internal error: " + what);
  }
}

void Agent::stop_uninitialized(model::Task& task, const std::string& reason) {
  for (auto& c : task.containers) {
    if (c.last_status != "PENDING") continue;
    c.last_status = "STOPPED";
    c.reason = reason;
  }
  request_stop(task, "TaskFailedToStart", reason);
}

bool Agent::check_task_secrets(model::Task& task, const model::Json& td) {
  if (m_secrets_checked.contains(task.id)) return true;
  // Started containers (berth restarted meanwhile) already hold their values.
  const bool started = std::any_of(task.containers.begin(), task.containers.end(),
                                   [](const model::TaskContainer& c) { return c.started_at.has_value(); });
  if (!started && task_needs_secrets(td)) {
    for (const auto& def : td["containerDefinitions"]) {
      auto env = resolve_container_secrets(def, m_resolve_secret);
      auto login = env ? resolve_repository_credentials(def, m_resolve_secret)
                       : Result<std::optional<runtime::RegistryCredentials>>(std::unexpected(env.error()));
      if (!login) {
        log_info("task " + task.id + ": " + login.error().message);
        stop_uninitialized(task, login.error().message);
        return false;
      }
    }
  }
  m_secrets_checked.insert(task.id);
  return true;
}

void Agent::stop_unstarted(model::Task& task, const std::string& reason) {
  const std::string container_reason = "CannotStartContainerError: " + reason;
  for (auto& c : task.containers) {
    if (c.last_status != "PENDING") continue;
    c.last_status = "STOPPED";
    c.reason = container_reason;
  }
  request_stop(task, "TaskFailedToStart", container_reason);
}

void Agent::release_runtime(const model::Task& task) {
  const auto attempt = [&](const std::string& what, const auto& step) {
    try {
      if (auto ok = step(); !ok) log_warn("task " + task.id + ": " + what + ": " + ok.error().message);
    } catch (const std::exception& e) {
      log_warn("task " + task.id + ": " + what + ": " + e.what());
    } catch (...) {
      log_warn("task " + task.id + ": " + what + ": unknown exception");
    }
  };
  for (const auto& c : task.containers) {
    const std::string rid = runtime_id_of(task.id, c.name);
    attempt("kill " + rid, [&] { return m_runtime.kill(rid, SIGKILL); });
    attempt("remove " + rid, [&] { return m_runtime.remove(rid); });
    m_term_sent.erase(rid);
    m_health.erase(rid);
  }
  attempt("network teardown", [&] { return m_network.detach(task.id); });
}

void Agent::record_abandoned(model::Task& task, const std::string& reason) {
  if (task.last_status == "STOPPED") return;
  log_error("agent: task " + task.id + ": " + reason + "; its containers, if any, are removed at berth's next start");
  const EpochMs now = m_clock.now_ms();
  for (auto& c : task.containers) {
    if (c.last_status == "STOPPED") continue;
    c.last_status = "STOPPED";
    c.reason = reason;
  }
  request_stop(task, "TaskFailedToStart", reason);
  task.last_status = "STOPPED";
  task.execution_stopped_at = now;
  task.stopped_at = now;
}

}  // namespace berth::agent
