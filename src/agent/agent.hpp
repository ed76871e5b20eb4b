// The node agent: registers this gateway as a container instance, then drives every task
// placed on it from desired to actual state through the runtime (start in dependsOn order,
// health checks, essential-container semantics, stopTimeout, exit codes) and writes each
// change back to the store. Re-attaches to running containers after a restart. A task whose
// handling throws is failed, and one that crashed berth twice is given up (TaskCrashGuard): no
// task can take the agent down for good. One thread; wake() and stop() are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "agent/task_crash_guard.hpp"
#include "agent/task_secrets.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/periodic_worker.hpp"
#include "model/task.hpp"
#include "runtime/image/image_gc.hpp"
#include "runtime/image/image_puller.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/image/registry_client.hpp"
#include "runtime/network/bridge_network.hpp"
#include "runtime/runtime.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct AgentConfig {
  std::string cluster;
  std::string data_dir;
  long long cpu_units = 0;            // 0 = cores × 1024
  long long memory_mib = 0;           // 0 = MemTotal
  long long reserved_memory_mib = 0;  // ECS_RESERVED_MEMORY
  std::vector<int> reserved_ports = {22, 2375, 2376, 51678, 51679};
  std::vector<int> reserved_udp_ports;
  std::map<std::string, std::string> custom_attributes;  // ECS_INSTANCE_ATTRIBUTES
  std::string instance_type = "gateway";
  std::string availability_zone = "local";
  int default_stop_timeout_s = 30;    // ECS_CONTAINER_STOP_TIMEOUT
  int default_start_timeout_s = 180;  // ECS_CONTAINER_START_TIMEOUT
  std::optional<long long> task_pids_limit;  // ECS_TASK_PIDS_LIMIT
  runtime::BridgeNetworkConfig network;      // BERTH_BRIDGE_NAME, BERTH_BRIDGE_SUBNET, BERTH_CNI_PATH
  // hostPort 0 draws from here (inclusive): ECS_DYNAMIC_HOST_PORT_RANGE, else the kernel's
  // ip_local_port_range.
  std::pair<int, int> dynamic_host_ports{32768, 60999};
  std::string host_resolv_conf;              // read once at start
  // Registry pulls: ECS_ENGINE_AUTH_TYPE/DATA, BERTH_INSECURE_REGISTRIES, ECS_IMAGE_PULL_BEHAVIOR.
  std::map<std::string, runtime::RegistryCredentials> registry_credentials;
  std::vector<std::string> insecure_registries;
  std::string registry_ca_file;              // BERTH_REGISTRY_CA_FILE
  std::string pull_behavior = "default";     // default, always, once, prefer-cached
  runtime::ImageCleanupPolicy image_cleanup;  // ECS_IMAGE_CLEANUP_INTERVAL, ... (ECS's keys)
  int tick_ms = 200;
  // Markers of the tasks being started or stopped (see TaskCrashGuard): a directory that survives
  // a restart of berth, ideally on tmpfs (the run dir); empty = <data_dir>/task-work.
  std::string crash_marker_dir;

  // Reads the ECS agent keys of `config` (ECS_RESERVED_MEMORY, ECS_RESERVED_PORTS, ...).
  [[nodiscard]] static Result<AgentConfig> from(const Config& config);
};

// How pulls reach registries under `config`: its credentials and insecure registries, blobs
// kept in `blob_dir`.
runtime::RegistryOptions registry_options(const AgentConfig& config, const std::string& blob_dir);

// Ids of the images the containers of `tasks` name or run (`tasks`: those not yet stopped).
std::set<std::string> images_in_use(runtime::ImageStore& images, const std::vector<model::Task>& tasks);

class Agent {
 public:
  Agent(store::Store& store, runtime::Runtime& runtime, runtime::ImageStore& images, const Clock& clock,
        AgentConfig config);
  ~Agent();

  // Registers (or re-registers, keeping its id) this node; returns the instance id.
  [[nodiscard]] Result<std::string> register_instance();
  void start();
  void stop();
  // Asks for a pass soon (a task was placed or stopped).
  void wake();
  // Called (on the agent's thread) after the agent recorded a task state change, so the
  // service scheduler can react without waiting for its tick. Set before start().
  void on_task_changed(std::function<void()> callback) { m_on_task_changed = std::move(callback); }
  // How containers' `secrets` and `repositoryCredentials` are resolved (the composition root
  // wires the secrets store in). Without one, a task that has them fails to start. Set before start().
  void set_secret_resolver(SecretResolver resolver) { m_resolve_secret = std::move(resolver); }

  const std::string& instance_id() const { return m_instance_id; }

 private:
  struct HealthState {
    EpochMs next_check = 0;
    EpochMs started_at = 0;
    int failures = 0;
    std::optional<std::future<Result<runtime::ExecResult>>> running;
  };

  // Tasks on this instance that have not stopped.
  Result<std::vector<model::Task>> active_tasks();
  void pass();
  // --- One task's handling (agent_task_handling.cpp) ---
  // Drives one task and saves what changed; an exception fails the task, not the agent.
  void handle(model::Task& task);
  // drive() under the crash guard's marker and verdict, with exceptions turned into a failed task.
  void drive_guarded(model::Task& task, const model::Json& td);
  // The task hit an error berth did not foresee (`what`): a starting task is stopped; a stopping
  // one gets one best-effort release_runtime() and is recorded stopped.
  void fail_unforeseen(model::Task& task, const std::string& what);
  // One contained, best-effort attempt to kill and remove the task's containers and detach its
  // network; failures (and exceptions) are logged, never raised.
  void release_runtime(const model::Task& task);
  // Records `task` and its containers stopped with `reason`, touching no runtime state (alone, as
  // for the crash limit, where runtime calls are what took berth down); what it leaves running is
  // removed at berth's next start (remove_orphans).
  void record_abandoned(model::Task& task, const std::string& reason);
  // Stops a task before (or while) its containers start: the pending ones are stopped with
  // "CannotStartContainerError: <reason>", as the task (TaskFailedToStart).
  void stop_unstarted(model::Task& task, const std::string& reason);
  // Stops a task whose secrets or registry login could not be fetched (`reason` is ECS's
  // ResourceInitializationError text): its pending containers stop with it (TaskFailedToStart).
  void stop_uninitialized(model::Task& task, const std::string& reason);
  // Before a task's first container starts (and before any pull), resolves every secret and
  // registry login it names, so a missing one fails the task as ECS does; values are dropped
  // again. False if the task was stopped.
  bool check_task_secrets(model::Task& task, const model::Json& td);
  // --- The task's containers (agent.cpp) ---
  // The task's definition body, read once: a registered revision's body never changes.
  const model::Json* task_definition_of(const model::Task& task);
  void drive(model::Task& task, const model::Json& td);
  void start_ready_containers(model::Task& task, const model::Json& td);
  void observe_containers(model::Task& task);
  void run_health_checks(model::Task& task, const model::Json& td);
  void stop_containers(model::Task& task, const model::Json& td);
  void finish_if_stopped(model::Task& task);
  // bridge: the task's namespace attached to the bridge with its host ports; false (and the
  // task stopping) if that failed.
  bool attach_network(model::Task& task);
  // The image container `c` runs, pulled as ECS_IMAGE_PULL_BEHAVIOR says. Nothing while a pull
  // runs (in the background; the agent keeps driving other tasks) or after it failed, in which
  // case the task is stopping with CannotPullContainerError.
  std::optional<runtime::Image> image_for(model::Task& task, model::TaskContainer& c, const model::Json& def);
  // Every cleanup interval: deletes unused images as the ECS agent does.
  void collect_images(const std::vector<model::Task>& tasks);
  void request_stop(model::Task& task, const std::string& code, const std::string& reason);
  void remove_orphans();

  store::Store& m_store;
  runtime::Runtime& m_runtime;
  runtime::ImageStore& m_images;
  const Clock& m_clock;
  AgentConfig m_config;
  runtime::BridgeNetwork m_network;
  runtime::ImagePuller m_puller;
  std::map<std::string, std::future<Result<runtime::PulledInfo>>> m_pulls;  // runtime id → pull
  // Pulls of tasks that stopped meanwhile: dropped once done (dropping sooner would wait).
  std::vector<std::future<Result<runtime::PulledInfo>>> m_abandoned_pulls;
  std::map<std::string, EpochMs> m_image_last_used;  // image id → last container start (memory only)
  EpochMs m_next_image_cleanup = 0;
  std::string m_instance_id;
  std::string m_host_name;
  bool m_cgroup_v2 = false;
  std::uint64_t m_capability_bounding_set = ~std::uint64_t{0};
  TaskCrashGuard m_crash_guard;

  std::map<std::string, EpochMs> m_term_sent;       // runtime id → when SIGTERM went out
  std::map<std::string, HealthState> m_health;      // runtime id → health-check state
  std::map<std::string, model::Json> m_definitions; // "family:revision" → body (agent thread only)
  std::function<void()> m_on_task_changed = [] {};
  SecretResolver m_resolve_secret;
  std::set<std::string> m_secrets_checked;           // tasks whose secrets resolved (agent thread only)
  PeriodicWorker m_worker;
};

}  // namespace berth::agent
