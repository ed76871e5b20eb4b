#include "agent/task_driver.hpp"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "agent/container_spec_builder.hpp"
#include "agent/environment_files.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/start_trace.hpp"
#include "model/task_definition.hpp"
#include "model/task_metadata.hpp"

namespace berth::agent {
namespace {

// Where a stopped task's removal runs: on the removal worker, or on the agent's own thread.
enum class Removal { queued, inline_ };
// The niceness of queued removals (and of the runc delete they run): below every start.
constexpr int k_removal_nice = 10;

}  // namespace

using model::Json;

TaskDriver::TaskDriver(runtime::Runtime& runtime, ImagePolicy& images, HealthChecker& health, const Clock& clock,
                       DriverSettings settings, const SecretResolver& resolver, JobQueue& removals)
    : m_runtime(runtime), m_images(images), m_health(health), m_clock(clock), m_settings(std::move(settings)),
      m_resolve_secret(resolver), m_removals(removals) {}

void TaskDriver::drive(model::Task& task, const Json& td) {
  const Observations observed = observe_runtime(task);
  const ObserveOutcome seen = observe(task, td, observed, m_settings.restart_attempt_period_s, m_clock.now_ms());
  for (const auto& stopped : seen.stopped) {
    m_health.forget(runtime_id_of(task.id, stopped.container));
    if (!stopped.not_restarted.empty()) {
      log_info("task " + task.id + ": container " + stopped.container + " is not restarted: " + stopped.not_restarted);
    }
  }
  for (const auto& restart : seen.restarts) restart_container(task, restart);
  if (task.desired_status == model::TaskStatus::running) {
    start(task, td, observed);
    check_health(task, td);
    settle_running(task, m_clock.now_ms());
  }
  if (task.desired_status == model::TaskStatus::stopped) stop(task, td, observed);
}

Observations TaskDriver::observe_runtime(const model::Task& task) {
  Observations observed;
  for (const auto& c : task.containers) {
    if (c.last_status == model::TaskStatus::stopped) continue;
    const std::string rid = runtime_id_of(task.id, c.name);
    ContainerObservation& seen = observed[c.name];
    seen.status = m_runtime.status(rid);
    // Said once: the container is recorded stopped in this pass and not observed again.
    if (seen.status.state == runtime::ContainerStatus::State::exited && seen.status.log_dropped > 0) {
      log_warn("task " + task.id + ": container " + c.name + " exited; its log driver dropped " +
               std::to_string(seen.status.log_dropped) + " lines in all (non-blocking, the receiver lagging)");
    }
    if (const auto sent = m_term_sent.find(rid); sent != m_term_sent.end()) seen.term_sent = sent->second;
  }
  return observed;
}

void TaskDriver::start(model::Task& task, const Json& td, const Observations& observed) {
  const EpochMs now = m_clock.now_ms();
  StartProgress progress;
  std::map<std::string, runtime::Image> images;  // container → its image, once at hand this pass
  // Each action moves the state machine on (a container dealt with, or the task stopping); the
  // bound only guards against a machine that would not.
  const std::size_t max_actions = 4 * task.containers.size() + 2;
  for (std::size_t n = 0; n < max_actions; ++n) {
    const auto action = next_start_action(task, td, observed, progress, m_settings.defaults, m_settings.task_pids_limit, now);
    if (!action) return;
    switch (action->kind) {
      case ActionKind::check_secrets:
        if (auto ok = check_secrets(task, td); ok) {
          progress.secrets_checked = true;
        } else {
          stop_uninitialized(task, ok.error().message, m_clock.now_ms());
        }
        break;
      case ActionKind::get_image: {
        const model::TaskContainer* c = task.container(action->container);
        const Json* def = definition_of(td, action->container);
        auto found = m_images.get(runtime_id_of(task.id, action->container), image_to_run(*c),
                                  [&] { return resolve_repository_credentials(*def, m_resolve_secret); });
        if (!found.warning.empty()) log_warn("task " + task.id + ": " + found.warning);
        if (found.image) images.insert_or_assign(action->container, *found.image);
        on_image(task, action->container, found.outcome, progress, m_clock.now_ms());
        trace_start(task.id, "image");
        break;
      }
      case ActionKind::prepare_task:
        on_prepared(task, m_runtime.prepare_task(action->setup), action->setup.bridge, progress, m_clock.now_ms());
        trace_start(task.id, "prepared");
        break;
      case ActionKind::start_container:
        start_container(task, td, action->container, images.at(action->container));
        break;
      case ActionKind::signal:
      case ActionKind::cleanup:
        log_error("agent: task " + task.id + ": a stop action while starting");
        return;
    }
  }
  log_error("agent: task " + task.id + ": starting took more actions than it has containers; the next pass goes on");
}

Result<void> TaskDriver::check_secrets(const model::Task& task, const Json& td) {
  if (m_secrets_checked.contains(task.id)) return {};
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
        return std::unexpected(login.error());
      }
    }
  }
  // Environment files too fail the task before any pull (the messages name files and lines only).
  if (!started) {
    for (const auto& def : td["containerDefinitions"]) {
      if (auto files = resolve_environment_files(environment_files_of(task, def), m_resolve_secret,
                                                 read_host_environment_file);
          !files) {
        log_info("task " + task.id + ": " + files.error().message);
        return std::unexpected(files.error());
      }
    }
  }
  m_secrets_checked.insert(task.id);
  return {};
}

void TaskDriver::start_container(model::Task& task, const Json& td, const std::string& name, const runtime::Image& image) {
  const Json* def = definition_of(td, name);
  const bool bridge = model::network_mode_of(td) == model::NetworkMode::bridge;
  SpecContext context{m_settings.data_dir + "/volumes", m_settings.data_dir + "/bundles/" + task.id + "-etc",
                      m_runtime.cgroup_v2(), m_settings.host_name,
                      bridge ? m_runtime.network_namespace_of(task.id) : "", m_settings.host_resolv_conf,
                      m_settings.capability_bounding_set};
  context.task_arn = m_settings.arns.task(task.cluster, task.id);
  context.gpus = m_settings.gpus;
  context.cgroup_parent = m_settings.defaults.cgroup_parent;
  context.journald_socket = m_settings.journald_socket;
  if (m_settings.metadata_token) {
    context.metadata_host_url = m_settings.metadata_host_url;
    context.metadata_bridge_url = m_settings.metadata_bridge_url;
    if (const model::TaskContainer* container = task.container(name)) {
      context.metadata_token = m_settings.metadata_token(task.id, model::container_arn_of(m_settings.arns, task, *container));
    }
  }
  auto files = resolve_environment_files(environment_files_of(task, *def), m_resolve_secret, read_host_environment_file);
  if (!files) {
    stop_uninitialized(task, files.error().message, m_clock.now_ms());
    return;
  }
  context.environment_file_variables = std::move(*files);
  auto spec = build_container_spec(task, td, name, image, context);
  // Secrets go into the environment here only: the task and its definition keep valueFrom.
  auto secret_env = resolve_container_secrets(*def, m_resolve_secret);
  if (!secret_env) {
    stop_uninitialized(task, secret_env.error().message, m_clock.now_ms());
    return;
  }
  if (spec) add_secret_environment(*spec, *secret_env);
  auto started = spec ? m_runtime.start(*spec) : Result<int>(std::unexpected(spec.error()));
  if (!started) {
    on_start_failed(task, name, started.error().message, m_clock.now_ms());
    return;
  }
  const EpochMs at = m_clock.now_ms();
  on_started(task, name, td, at);
  m_images.record_use(image.id, at);
}

void TaskDriver::restart_container(model::Task& task, const Restart& restart) {
  const std::string rid = runtime_id_of(task.id, restart.container);
  m_health.forget(rid);  // its checks start over with the new run
  log_info("task " + task.id + ": container " + restart.container + " exited with code " +
           std::to_string(restart.exit_code) + "; restarting it in place (restart policy)");
  if (auto restarted = m_runtime.restart(rid); !restarted) {
    log_warn("task " + task.id + ": container " + restart.container + " could not restart: " + restarted.error().message);
    on_restart_failed(task, restart, restarted.error().message, m_clock.now_ms());
    return;
  }
  on_restarted(task, restart, m_clock.now_ms());
}

void TaskDriver::check_health(model::Task& task, const Json& td) {
  const EpochMs now = m_clock.now_ms();
  for (auto& c : task.containers) {
    if (c.last_status != model::TaskStatus::running) continue;
    const Json* def = definition_of(td, c.name);
    if (!def || !def->contains("healthCheck")) continue;
    // A restarted container's startPeriod runs from its restart.
    const EpochMs run_started = c.last_restarted_at.value_or(c.started_at.value_or(now));
    const auto reached = m_health.poll(runtime_id_of(task.id, c.name), (*def)["healthCheck"], run_started, now);
    if (reached) on_health(task, c.name, *reached);
  }
}

void TaskDriver::stop(model::Task& task, const Json& td, const Observations& observed) {
  const EpochMs now = m_clock.now_ms();
  for (const auto& action : stop_actions(task, td, observed, m_settings.defaults, now)) {
    if (action.kind == ActionKind::cleanup) {
      cleanup(task);
      on_cleaned_up(task, m_clock.now_ms());
      continue;
    }
    const std::string rid = runtime_id_of(task.id, action.container);
    if (auto ok = m_runtime.kill(rid, action.signal); !ok) log_debug(ok.error().message);
    if (action.signal == SIGTERM) m_term_sent[rid] = now;
  }
}

void TaskDriver::cleanup(const model::Task& task) {
  std::vector<std::string> containers;
  for (const auto& c : task.containers) {
    const std::string rid = runtime_id_of(task.id, c.name);
    m_images.abandon(rid);
    m_term_sent.erase(rid);
    m_health.forget(rid);
    containers.push_back(rid);
  }
  // Its containers have exited, so this needs them no more than the cgroup does, which stays
  // (best effort: runc has a cgroup of each container in it) until the removal below. A failed
  // network teardown keeps its record; the next start of berth retries it.
  if (auto ok = m_runtime.cleanup_task(task.id, task_cgroup_of(m_settings.defaults.cgroup_parent, task.id)); !ok) {
    log_warn("task " + task.id + ": network teardown: " + ok.error().message);
  }
  // The task is STOPPED from now on and never handled again, so the removal owns what it names;
  // a berth stopped first runs the queued ones as it stops, and one killed removes the containers,
  // their task's cgroup and files at its next start (remove_orphans).
  auto remove = [&runtime = m_runtime, containers = std::move(containers), id = task.id,
                 data_dir = m_settings.data_dir, cgroup_parent = m_settings.defaults.cgroup_parent](Removal where) {
    // Background work: the removal worker's thread, and the runc it runs, yield the CPU to the
    // starts running beside it (a replacement's runc, on a gateway's few cores). Done on the
    // agent's thread (a full queue), it leaves that thread's priority as it is.
    if (where == Removal::queued) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), k_removal_nice);
    for (const auto& rid : containers) {
      if (auto ok = runtime.remove(rid); !ok) log_warn("cannot remove container " + rid + ": " + ok.error().message);
    }
    // Again, for the cgroup: the rest was released already and is not there to release twice.
    if (auto ok = runtime.cleanup_task(id, task_cgroup_of(cgroup_parent, id)); !ok) log_warn("task " + id + ": cleanup: " + ok.error().message);
    auto ignored = remove_all(data_dir + "/volumes/" + id);
    ignored = remove_all(data_dir + "/bundles/" + id + "-etc");
    (void)ignored;
  };
  if (!m_removals.try_submit([remove] { remove(Removal::queued); })) remove(Removal::inline_);
}

void TaskDriver::release(const model::Task& task) {
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
    m_health.forget(rid);
  }
  attempt("network teardown", [&] { return m_runtime.cleanup_task(task.id, task_cgroup_of(m_settings.defaults.cgroup_parent, task.id)); });
}

void TaskDriver::retain_only(const std::set<std::string>& active) {
  std::erase_if(m_secrets_checked, [&](const std::string& id) { return !active.contains(id); });
}

}  // namespace berth::agent
