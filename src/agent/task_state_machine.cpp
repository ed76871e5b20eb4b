#include "agent/task_state_machine.hpp"

#include <signal.h>

#include <algorithm>

#include "agent/container_spec_builder.hpp"
#include "agent/restart_policy.hpp"
#include "common/numbers.hpp"
#include "model/ephemeral_storage.hpp"
#include "model/port_request.hpp"
#include "model/task_definition.hpp"

namespace berth::agent {
namespace {

using model::Json;
using State = runtime::ContainerStatus::State;

bool any_started(const model::Task& task) {
  return std::any_of(task.containers.begin(), task.containers.end(),
                     [](const model::TaskContainer& c) { return c.started_at.has_value(); });
}

// The task-level `key` ("cpu", "memory"): the override's, else the task definition's.
std::optional<std::string> task_size(const model::Task& task, const Json& td, const char* key) {
  for (const Json* source : {&task.overrides, &td}) {
    if (!source->is_object()) continue;
    const auto it = source->find(key);
    if (it != source->end()) return it->is_string() ? it->get<std::string>() : it->dump();
  }
  return std::nullopt;
}

// Stops the task's PENDING containers with `reason`, and the task with it (TaskFailedToStart).
void stop_pending(model::Task& task, const std::string& reason, EpochMs now) {
  for (auto& c : task.containers) {
    if (c.last_status != model::TaskStatus::pending) continue;
    c.last_status = model::TaskStatus::stopped;
    c.reason = reason;
  }
  request_stop(task, "TaskFailedToStart", reason, now);
}

// Stops container `c` (not started) with `container_reason`, and the task with `task_reason`.
void stop_container_and_task(model::Task& task, model::TaskContainer& c, const std::string& container_reason,
                             const std::string& task_reason, EpochMs now) {
  c.last_status = model::TaskStatus::stopped;
  c.reason = container_reason;
  request_stop(task, "TaskFailedToStart", task_reason, now);
}

enum class Dependency { satisfied, waiting, impossible };

// Whether `other` meets `condition` (START, COMPLETE, SUCCESS, HEALTHY) for a dependent to start.
Dependency dependency_state(const model::TaskContainer& other, const std::string& condition) {
  const bool started = other.started_at.has_value();
  const bool stopped = other.last_status == model::TaskStatus::stopped;
  bool satisfied = false, impossible = false;
  if (condition == "START") {
    satisfied = started;
    impossible = stopped && !started;
  } else if (condition == "COMPLETE") {
    satisfied = stopped && started;
    impossible = stopped && !started;
  } else if (condition == "SUCCESS") {
    satisfied = stopped && other.exit_code == 0;
    impossible = stopped && other.exit_code != 0;
  } else if (condition == "HEALTHY") {
    satisfied = other.health_status == "HEALTHY";
    impossible = stopped;
  }
  if (impossible) return Dependency::impossible;
  return satisfied ? Dependency::satisfied : Dependency::waiting;
}

void stop_for_essential_exit(model::Task& task, EpochMs now) {
  request_stop(task, "EssentialContainerExited", "Essential container in task exited", now);
}

// Records that running container `c` stopped as `st` says (it exited, or its monitor is gone);
// an essential one stops the task.
void record_stopped(model::Task& task, model::TaskContainer& c, const runtime::ContainerStatus& st, EpochMs now) {
  c.last_status = model::TaskStatus::stopped;
  c.finished_at = st.finished_at ? st.finished_at : now;
  if (st.state == State::exited) {
    c.exit_code = st.exit_code;
    if (st.oom_killed) c.reason = "OutOfMemoryError: Container killed due to memory usage";
  } else {
    c.reason = "The container's monitor vanished (host restart?); its exit code is unknown";
  }
  if (c.essential) stop_for_essential_exit(task, now);
}

// Whether a running container other than `c` depends on `c` (it then stops after them).
bool depended_on(const model::Task& task, const model::TaskContainer& c, const Json& td) {
  return std::any_of(task.containers.begin(), task.containers.end(), [&](const model::TaskContainer& o) {
    if (o.last_status != model::TaskStatus::running || o.name == c.name) return false;
    const Json* def = definition_of(td, o.name);
    for (const auto& dep : def ? def->value("dependsOn", Json::array()) : Json::array()) {
      if (dep["containerName"] == c.name) return true;
    }
    return false;
  });
}

// The ports a bridge task publishes: its containers' bindings (host ports chosen at placement),
// each marked dynamic when its task-definition mapping left the host port to berth. Bindings
// are made in the order of the definition's mappings, container by container; a container whose
// bindings do not match them one for one (another writer's) has none marked dynamic.
std::vector<runtime::PortMapping> published_ports(const model::Task& task, const Json& td) {
  const auto requests = model::port_requests_of(td);
  std::vector<runtime::PortMapping> ports;
  for (const auto& c : task.containers) {
    std::vector<const model::PortRequest*> own;
    for (const auto& r : requests) {
      if (r.container == c.name) own.push_back(&r);
    }
    std::size_t i = 0;
    for (const auto& b : c.network_bindings) {
      runtime::PortMapping p{b["hostPort"].get<int>(), b["containerPort"].get<int>(), b.value("protocol", "tcp")};
      const model::PortRequest* r = own.size() == c.network_bindings.size() ? own[i++] : nullptr;
      p.dynamic = r && r->host_port == 0 && r->container_port == p.container_port && r->protocol == p.protocol;
      ports.push_back(std::move(p));
    }
  }
  return ports;
}

// Writes the ports the runtime published back into the bindings they came from (same order as
// published_ports), so the task reports the host port it holds.
void record_published(model::Task& task, const std::vector<runtime::PortMapping>& published) {
  std::size_t i = 0;
  for (auto& c : task.containers) {
    for (auto& b : c.network_bindings) {
      if (i >= published.size()) return;
      const auto& p = published[i++];
      if (p.container_port == b["containerPort"].get<int>() && p.protocol == b.value("protocol", "tcp")) b["hostPort"] = p.host_port;
    }
  }
}

}  // namespace

const Json* definition_of(const Json& td, const std::string& name) {
  for (const auto& c : td["containerDefinitions"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

Result<runtime::TaskLimits> task_limits(const model::Task& task, const Json& td) {
  constexpr long long k_max_cpu_units = 1LL << 24;
  constexpr long long k_max_memory_mib = 1LL << 32;
  runtime::TaskLimits limits;
  if (const auto cpu = task_size(task, td, "cpu")) {
    const auto units = parse_integer<long long>(*cpu);
    if (!units || *units < 1 || *units > k_max_cpu_units) return fail(Code::client, "task cpu '" + *cpu + "' is not a CPU unit count");
    limits.cpu_quota_us = *units * 100000 / 1024;
  }
  if (const auto memory = task_size(task, td, "memory")) {
    const auto mib = parse_integer<long long>(*memory);
    if (!mib || *mib < 1 || *mib > k_max_memory_mib) return fail(Code::client, "task memory '" + *memory + "' is not a MiB count");
    limits.memory_bytes = *mib << 20;
  }
  return limits;
}

void request_stop(model::Task& task, const std::string& code, const std::string& reason, EpochMs now) {
  if (task.desired_status == model::TaskStatus::stopped) return;
  task.desired_status = model::TaskStatus::stopped;
  task.stop_code = code;
  task.stopped_reason = reason;
  task.stopping_at = now;
}

bool needs_work(const model::Task& task) {
  if (task.desired_status == model::TaskStatus::stopped) return task.last_status != model::TaskStatus::stopped;
  return std::any_of(task.containers.begin(), task.containers.end(),
                     [](const model::TaskContainer& c) { return c.last_status == model::TaskStatus::pending; });
}

void order_for_pass(std::vector<model::Task>& tasks) {
  std::stable_partition(tasks.begin(), tasks.end(), [](const model::Task& task) { return needs_work(task); });
}

ObserveOutcome observe(model::Task& task, const Json& td, const Observations& observed,
                       std::optional<int> restart_period_override_s, EpochMs now) {
  struct Exit {
    model::TaskContainer* container;
    runtime::ContainerStatus status;
    RestartPolicy policy;
    ExitedContainer facts;
  };
  std::vector<Exit> exits;
  for (auto& c : task.containers) {
    if (c.last_status != model::TaskStatus::running) continue;
    const auto seen = observed.find(c.name);
    const runtime::ContainerStatus st = seen != observed.end() ? seen->second.status : runtime::ContainerStatus{};
    if (st.state == State::running) continue;
    const Json* def = definition_of(td, c.name);
    const EpochMs exited_at = st.finished_at ? st.finished_at : now;
    // A start not on record proves no run time, so it cannot meet a restartAttemptPeriod.
    exits.push_back({&c, st, def ? restart_policy_of(*def) : RestartPolicy{},
                     {st.state == State::exited ? std::optional<int>(st.exit_code) : std::nullopt, exited_at,
                      c.started_at.value_or(exited_at), c.last_restarted_at, task.desired_status == model::TaskStatus::stopped}});
  }
  ObserveOutcome out;
  // Those that stay stopped first: an essential one stops the task, and a stopping task restarts
  // none of its containers.
  std::vector<Exit*> restartable;
  for (auto& e : exits) {
    const RestartDecision decision = should_restart(e.policy, e.facts, restart_period_override_s);
    if (decision.restart) {
      restartable.push_back(&e);
      continue;
    }
    record_stopped(task, *e.container, e.status, now);
    out.stopped.push_back({e.container->name, e.policy.enabled ? decision.reason : ""});
  }
  for (Exit* e : restartable) {
    e->facts.task_stopping = task.desired_status == model::TaskStatus::stopped;
    if (const RestartDecision decision = should_restart(e->policy, e->facts, restart_period_override_s); !decision.restart) {
      record_stopped(task, *e->container, e->status, now);
      out.stopped.push_back({e->container->name, decision.reason});
      continue;
    }
    out.restarts.push_back({e->container->name, e->status.exit_code, e->facts.exited_at});
  }
  return out;
}

void on_restarted(model::Task& task, const Restart& restart, EpochMs now) {
  model::TaskContainer* c = task.container(restart.container);
  if (!c) return;
  ++c->restarts;
  c->last_restarted_at = now;
  c->restart_exits.push_back({restart.exit_code, restart.finished_at});
  if (c->restart_exits.size() > model::k_kept_restart_exits) c->restart_exits.erase(c->restart_exits.begin());
  c->health_status = "UNKNOWN";
}

void on_restart_failed(model::Task& task, const Restart& restart, const std::string& message, EpochMs now) {
  model::TaskContainer* c = task.container(restart.container);
  if (!c) return;
  c->last_status = model::TaskStatus::stopped;
  c->exit_code = restart.exit_code;
  c->finished_at = restart.finished_at;
  c->reason = "CannotStartContainerError: " + message;
  if (c->essential) stop_for_essential_exit(task, now);
}

std::optional<Action> next_start_action(model::Task& task, const Json& td, const Observations& observed,
                                        StartProgress& progress, const TaskDefaults& defaults,
                                        std::optional<long long> pids_limit, EpochMs now) {
  if (task.desired_status != model::TaskStatus::running) return std::nullopt;
  if (!progress.secrets_checked) return Action{ActionKind::check_secrets, {}, 0, {}};
  for (; progress.next < task.containers.size(); ++progress.next) {
    auto& c = task.containers[progress.next];
    if (c.last_status != model::TaskStatus::pending) continue;
    const Json* def = definition_of(td, c.name);
    if (!def) continue;
    bool ready = true;
    for (const auto& dep : def->value("dependsOn", Json::array())) {
      const model::TaskContainer* other = task.container(dep["containerName"]);
      if (!other) continue;
      const std::string condition = dep["condition"];
      const Dependency state = dependency_state(*other, condition);
      if (state == Dependency::impossible) {
        stop_container_and_task(task, c, "DependencyError: " + other->name + " did not reach " + condition,
                                "Container " + c.name + " dependency " + other->name + " did not reach " + condition, now);
        return std::nullopt;
      }
      ready = ready && state == Dependency::satisfied;
    }
    if (!ready) {
      const long long timeout_s = def->value("startTimeout", static_cast<long long>(defaults.start_timeout_s));
      if (now - task.created_at > timeout_s * 1000) {
        stop_container_and_task(task, c, "DependencyTimeoutError: dependencies not met within " + std::to_string(timeout_s) + "s",
                                "Container " + c.name + " dependencies were not met in time", now);
        return std::nullopt;
      }
      continue;
    }
    // A crash between starting a container and recording it must not start it twice.
    if (const auto seen = observed.find(c.name); seen != observed.end() && seen->second.status.state == State::running) {
      c.last_status = model::TaskStatus::running;
      c.runtime_id = runtime_id_of(task.id, c.name);
      c.started_at = c.started_at.value_or(now);
      continue;
    }
    if (!progress.image_ready.contains(c.name)) return Action{ActionKind::get_image, c.name, 0, {}};
    if (!any_started(task) && !progress.prepared) {
      auto limits = task_limits(task, td);
      if (!limits) {
        stop_unstarted(task, limits.error().message, now);
        return std::nullopt;
      }
      limits->pids = pids_limit;
      const bool bridge = model::network_mode_of(td) == model::NetworkMode::bridge;
      runtime::TaskSetup setup{task.id, task_cgroup_of(defaults.cgroup_parent, task.id), *limits, bridge,
                               bridge ? published_ports(task, td) : std::vector<runtime::PortMapping>{}};
      setup.pid_mode = namespace_mode_of(td, "pidMode");
      setup.ipc_mode = namespace_mode_of(td, "ipcMode");
      setup.shm_bytes = task_shm_bytes(td);
      setup.ephemeral_storage_gib = model::ephemeral_storage_gib(td, task.overrides);
      return Action{ActionKind::prepare_task, c.name, 0, std::move(setup)};
    }
    return Action{ActionKind::start_container, c.name, 0, {}};
  }
  return std::nullopt;
}

void stop_uninitialized(model::Task& task, const std::string& reason, EpochMs now) { stop_pending(task, reason, now); }

void stop_unstarted(model::Task& task, const std::string& reason, EpochMs now) {
  stop_pending(task, "CannotStartContainerError: " + reason, now);
}

void on_image(model::Task& task, const std::string& container, const ImageOutcome& outcome, StartProgress& progress,
              EpochMs now) {
  model::TaskContainer* c = task.container(container);
  if (!c) return;
  switch (outcome.kind) {
    case ImageOutcome::Kind::cached:
      task.pull_started_at = task.pull_started_at.value_or(now);
      task.pull_stopped_at = now;
      c->image_digest = outcome.digest;
      progress.image_ready.insert(container);
      return;
    case ImageOutcome::Kind::pulled:
      task.pull_stopped_at = now;
      c->image_digest = outcome.digest;
      progress.image_ready.insert(container);
      return;
    case ImageOutcome::Kind::pull_started:
      task.pull_started_at = now;
      ++progress.next;  // the next container may start meanwhile
      return;
    case ImageOutcome::Kind::waiting:
      ++progress.next;
      return;
    case ImageOutcome::Kind::failed:
      task.pull_stopped_at = now;
      stop_container_and_task(task, *c, "CannotPullContainerError: " + c->image + ": " + outcome.error,
                              "CannotPullContainerError: " + c->image + ": " + outcome.error, now);
      return;
    case ImageOutcome::Kind::login_failed:
      stop_uninitialized(task, outcome.error, now);
      return;
  }
}

void on_prepared(model::Task& task, const Result<runtime::PreparedTask>& prepared, bool bridge, StartProgress& progress,
                 EpochMs now) {
  if (!prepared) {
    stop_pending(task, "CannotStartContainerError: " + prepared.error().message, now);
    return;
  }
  progress.prepared = true;
  if (!bridge) return;
  record_published(task, prepared->ports);
  for (auto& c : task.containers) {
    c.network_interfaces = Json::array({{{"attachmentId", task.id}, {"privateIpv4Address", prepared->address}}});
  }
}

void on_started(model::Task& task, const std::string& container, const Json& td, EpochMs now) {
  model::TaskContainer* c = task.container(container);
  const Json* def = definition_of(td, container);
  if (!c || !def) return;
  c->runtime_id = runtime_id_of(task.id, c->name);
  c->last_status = model::TaskStatus::running;
  c->started_at = now;
  c->restart_policy_enabled = restart_policy_of(*def).enabled;
  if (model::network_mode_of(td) == model::NetworkMode::host) {
    c->network_bindings = Json::array();
    for (const auto& pm : def->value("portMappings", Json::array())) {
      if (!pm.contains("containerPort")) continue;
      c->network_bindings.push_back({{"bindIP", "0.0.0.0"}, {"containerPort", pm["containerPort"]},
                                     {"hostPort", pm.value("hostPort", pm["containerPort"].get<int>())},
                                     {"protocol", pm.value("protocol", "tcp")}});
    }
  }
  if (def->contains("healthCheck")) c->health_status = "UNKNOWN";
}

void on_start_failed(model::Task& task, const std::string& container, const std::string& message, EpochMs now) {
  model::TaskContainer* c = task.container(container);
  if (!c) return;
  const std::string reason = "CannotStartContainerError: " + message;
  stop_container_and_task(task, *c, reason, reason, now);
}

void on_health(model::Task& task, const std::string& container, const std::string& status) {
  if (model::TaskContainer* c = task.container(container)) c->health_status = status;
}

void settle_running(model::Task& task, EpochMs now) {
  const bool any_pending = std::any_of(task.containers.begin(), task.containers.end(),
                                       [](const model::TaskContainer& c) { return c.last_status == model::TaskStatus::pending; });
  if (task.last_status == model::TaskStatus::pending && !any_pending) {
    task.last_status = model::TaskStatus::running;
    task.started_at = now;
  }
  task.health_status = model::task_health(task);
}

std::vector<Action> stop_actions(model::Task& task, const Json& td, const Observations& observed,
                                 const TaskDefaults& defaults, EpochMs now) {
  std::vector<Action> actions;
  if (task.last_status != model::TaskStatus::stopped) task.last_status = model::TaskStatus::stopping;
  if (!task.stopping_at) task.stopping_at = now;
  for (auto& c : task.containers) {
    if (c.last_status == model::TaskStatus::pending) c.last_status = model::TaskStatus::stopped;
  }
  for (const auto& c : task.containers) {
    if (c.last_status != model::TaskStatus::running || depended_on(task, c, td)) continue;
    const Json* def = definition_of(td, c.name);
    const long long timeout_s = def ? def->value("stopTimeout", static_cast<long long>(defaults.stop_timeout_s))
                                    : defaults.stop_timeout_s;
    const auto seen = observed.find(c.name);
    const std::optional<EpochMs> sent = seen != observed.end() ? seen->second.term_sent : std::nullopt;
    if (!sent) {
      actions.push_back({ActionKind::signal, c.name, SIGTERM, {}});
    } else if (now - *sent >= timeout_s * 1000) {
      actions.push_back({ActionKind::signal, c.name, SIGKILL, {}});
    }
  }
  const bool all_stopped = std::all_of(task.containers.begin(), task.containers.end(),
                                       [](const model::TaskContainer& c) { return c.last_status == model::TaskStatus::stopped; });
  if (all_stopped) actions.push_back({ActionKind::cleanup, {}, 0, {}});
  return actions;
}

void on_cleaned_up(model::Task& task, EpochMs now) {
  task.last_status = model::TaskStatus::stopped;
  task.execution_stopped_at = now;
  task.stopped_at = now;
}

void record_abandoned(model::Task& task, const std::string& reason, EpochMs now) {
  if (task.last_status == model::TaskStatus::stopped) return;
  for (auto& c : task.containers) {
    if (c.last_status == model::TaskStatus::stopped) continue;
    c.last_status = model::TaskStatus::stopped;
    c.reason = reason;
  }
  request_stop(task, "TaskFailedToStart", reason, now);
  on_cleaned_up(task, now);
}

}  // namespace berth::agent
