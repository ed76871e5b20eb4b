// Drives one task a pass at a time: observes its containers through the Runtime, asks the task
// state machine what to do, executes the actions it names (secrets, images through the image
// policy, the task's cgroup and network, container start and restart in place, signals, cleanup,
// whose slow part runs on a queue of its own) and feeds their outcomes back; runs health checks. Remembers, between passes, when each container was sent
// SIGTERM and which tasks' secrets resolved. Agent thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "agent/health_checker.hpp"
#include "common/arn.hpp"
#include "common/bounded_worker_pool.hpp"
#include "agent/image_policy.hpp"
#include "agent/task_secrets.hpp"
#include "agent/task_state_machine.hpp"
#include "common/clock.hpp"
#include "model/task.hpp"
#include "runtime/linux/gpus.hpp"
#include "runtime/runtime.hpp"

namespace berth::agent {

// Returns the token of the task metadata URI of a container: (task id, container ARN) → token.
using MetadataTokenMaker = std::function<std::string(const std::string&, const std::string&)>;

struct DriverSettings {
  std::string data_dir;               // volumes/ and bundles/<task>-etc live under it
  TaskDefaults defaults;
  std::optional<long long> task_pids_limit;
  std::string host_name;
  std::string host_resolv_conf;
  std::uint64_t capability_bounding_set = ~std::uint64_t{0};
  // BERTH_RESTART_ATTEMPT_PERIOD_SECONDS: replaces every restartPolicy's restartAttemptPeriod.
  std::optional<int> restart_attempt_period_s;
  ArnScope arns;                      // for the task ARN containers are labelled with
  runtime::HostGpus gpus;             // what the GPU ids placement assigns stand for
  // The task metadata endpoint as host and bridge containers reach it ("" = none; see SpecContext)
  // and how a container's token is made.
  std::string metadata_host_url;
  std::string metadata_bridge_url;
  MetadataTokenMaker metadata_token;
  std::string journald_socket;        // the journald log driver's socket (AgentConfig)
};

class TaskDriver {
 public:
  // `resolver`: how secrets and registry logins resolve (read at each use; may be empty).
  // `removals`: where a stopped task's containers, cgroup and files are removed (see cleanup()).
  TaskDriver(runtime::Runtime& runtime, ImagePolicy& images, HealthChecker& health, const Clock& clock,
             DriverSettings settings, const SecretResolver& resolver, JobQueue& removals);

  // One pass over `task` (definition `td`): its record changes in place; the caller saves it.
  void drive(model::Task& task, const model::Json& td);
  // One contained, best-effort attempt to kill and remove the task's containers and release its
  // cgroup and network; failures (and exceptions) are logged, never raised.
  void release(const model::Task& task);
  // Forgets what it keeps of tasks not in `active` (they stopped).
  void retain_only(const std::set<std::string>& active);

 private:
  // What drive() saw of the task's containers not yet stopped.
  Observations observe_runtime(const model::Task& task);
  void start(model::Task& task, const model::Json& td, const Observations& observed);
  void check_health(model::Task& task, const model::Json& td);
  void stop(model::Task& task, const model::Json& td, const Observations& observed);
  // check_secrets: before a task's first container starts (and before any pull), resolves every
  // secret, registry login and environment file it names, so a missing one fails the task as ECS
  // does; values are dropped again. The error is ECS's ResourceInitializationError text.
  Result<void> check_secrets(const model::Task& task, const model::Json& td);
  // start_container: reads its environment files, builds the spec, adds its secrets and starts it.
  void start_container(model::Task& task, const model::Json& td, const std::string& name, const runtime::Image& image);
  // Restarts an exited container in place, as observe() decided.
  void restart_container(model::Task& task, const Restart& restart);
  // A task whose containers all exited: releases at once what another task may be given (its
  // network and host ports, shared namespaces, storage limit), so that STOPPED means those are
  // free; its containers' removal (runc delete, their roots), its cgroup and its files go to the
  // removal queue (done here when the queue is full), so the task is recorded STOPPED, and a
  // service's replacement placed, without waiting for them.
  void cleanup(const model::Task& task);

  runtime::Runtime& m_runtime;
  ImagePolicy& m_images;
  HealthChecker& m_health;
  const Clock& m_clock;
  DriverSettings m_settings;
  const SecretResolver& m_resolve_secret;
  JobQueue& m_removals;
  std::map<std::string, EpochMs> m_term_sent;  // runtime id → when SIGTERM went out
  std::set<std::string> m_secrets_checked;     // tasks whose secrets resolved
};

}  // namespace berth::agent
