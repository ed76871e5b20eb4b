// The node agent: registers this gateway as a container instance, then, every tick or when
// woken, reads the tasks placed on it and has the TaskDriver move each from desired to actual
// state (the task state machine decides, the Runtime acts), writing each change back to the
// store. Re-attaches to running containers after a restart. A task whose handling throws is
// failed, and one that crashed berth twice is given up (TaskCrashGuard): no task can take the
// agent down for good. Pulls, health checks and stopped tasks' removals run on bounded worker
// pools. One thread; wake() and stop() are thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "agent/health_checker.hpp"
#include "agent/image_policy.hpp"
#include "agent/instance_registrar.hpp"
#include "agent/task_crash_guard.hpp"
#include "agent/task_driver.hpp"
#include "agent/task_secrets.hpp"
#include "common/bounded_worker_pool.hpp"
#include "common/clock.hpp"
#include "common/config.hpp"
#include "common/periodic_worker.hpp"
#include "model/task.hpp"
#include "runtime/image/image_gc.hpp"
#include "runtime/image/image_puller.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/image/registry_client.hpp"
#include "runtime/linux/gpus.hpp"
#include "runtime/network/bridge_network.hpp"
#include "runtime/runtime.hpp"
#include "store/store.hpp"

namespace berth::agent {

struct AgentConfig {
  std::string cluster;
  ArnScope arns;                      // BERTH_REGION, BERTH_ACCOUNT_ID
  std::string data_dir;
  long long cpu_units = 0;            // 0 = cores × 1024
  long long memory_mib = 0;           // 0 = MemTotal
  long long reserved_memory_mib = 0;  // ECS_RESERVED_MEMORY
  std::vector<int> reserved_ports = {22, 2375, 2376, 51678, 51679};
  std::vector<int> reserved_udp_ports;
  std::map<std::string, std::string> custom_attributes;  // ECS_INSTANCE_ATTRIBUTES
  std::string instance_type = "gateway";
  std::string availability_zone = "local";
  // Where other gateways reach this one (berth.instance-address); "" = not registered.
  std::string instance_address;  // BERTH_INSTANCE_ADDRESS, else found by a joined gateway
  int default_stop_timeout_s = 30;    // ECS_CONTAINER_STOP_TIMEOUT
  int default_start_timeout_s = 180;  // ECS_CONTAINER_START_TIMEOUT
  std::optional<long long> task_pids_limit;  // ECS_TASK_PIDS_LIMIT
  std::string cgroup_parent = "/berth";      // BERTH_CGROUP_PARENT
  std::optional<int> restart_attempt_period_s;  // BERTH_RESTART_ATTEMPT_PERIOD_SECONDS
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
  // The GPUs it registers and maps into containers: BERTH_GPU_DEVICES, else /dev/nvidia<N>.
  // Found by `berth serve` (runtime::find_host_gpus), not by from(), which `berth image` and
  // `berth doctor` also call and which must not scan /dev.
  runtime::HostGpus gpus;
  // The task metadata endpoint's port (BERTH_METADATA_PORT; 0 = none): containers are told to
  // reach it on 127.0.0.1 (host network) or the bridge's gateway address (bridge).
  int metadata_port = 0;
  // The journal's native socket, where containers with the journald log driver write.
  std::string journald_socket = "/run/systemd/journal/socket";

  // Reads the ECS agent keys of `config` (ECS_RESERVED_MEMORY, ECS_RESERVED_PORTS, ...).
  [[nodiscard]] static Result<AgentConfig> from(const Config& config);
};

// How pulls reach registries under `config`: its credentials and insecure registries, blobs
// kept in `blob_dir`.
runtime::RegistryOptions registry_options(const AgentConfig& config, const std::string& blob_dir);

// Bounds of the agent's background work. A pull or health check the full queue refuses is
// asked for again on the next pass.
inline constexpr std::size_t k_pull_threads = 4;
inline constexpr std::size_t k_pull_queue = 32;
inline constexpr std::size_t k_health_check_threads = 4;
inline constexpr std::size_t k_health_check_queue = 64;
// Stopped tasks' removals (runc delete, roots, cgroups) wait here for their one thread; past the
// bound the agent removes a task's containers itself.
inline constexpr std::size_t k_removal_queue = 64;

// What the agent reaches beyond its layer, given by the composition root at construction.
struct AgentLinks {
  // Records the node (through svc's use case). It must outlive the agent.
  InstanceRegistrar& registrar;
  // Called on the agent's thread after the agent recorded a task state change, so the service
  // scheduler can react without waiting for its tick.
  std::function<void()> on_task_changed = [] {};
  // How containers' `secrets` and `repositoryCredentials` are resolved (svc's secrets store).
  // Without one, a task that has them fails to start.
  SecretResolver resolve_secret = nullptr;
  // The token of a container's task metadata URI (api/metadata_token.hpp), from its task id and
  // container ARN. Without one, containers get no metadata endpoint.
  MetadataTokenMaker metadata_token = nullptr;
};

class Agent {
 public:
  Agent(store::Store& store, runtime::Runtime& runtime, runtime::ImageStore& images, const Clock& clock,
        AgentConfig config, AgentLinks links);
  ~Agent();

  // Registers (or re-registers, keeping its id) this node through the registrar; returns the
  // instance id.
  [[nodiscard]] Result<std::string> register_instance();
  void start();
  void stop();
  // Asks for a pass soon (a task was placed or stopped).
  void wake();
  // The agent's puller: the pulls under way, for the API's image listing (thread-safe).
  runtime::ImagePuller& puller() { return m_puller; }

  const std::string& instance_id() const { return m_instance_id; }

 private:
  // Tasks on this instance that have not stopped; with `unsettled`, only those whose last status
  // is not their desired one: starting or stopping (store::TaskQuery::unsettled).
  Result<std::vector<model::Task>> active_tasks(bool unsettled = false);
  void pass();
  // handle(), an exception logged rather than ending the pass.
  void handle_contained(model::Task& task);
  // The task's definition body, read once: a registered revision's body never changes.
  const model::Json* task_definition_of(const model::Task& task);
  // --- One task's handling (agent_task_handling.cpp) ---
  // Drives one task and saves what changed; an exception fails the task, not the agent.
  void handle(model::Task& task);
  // The driver's pass under the crash guard's marker and verdict, with exceptions turned into a
  // failed task.
  void drive_guarded(model::Task& task, const model::Json& td);
  // The task hit an error berth did not foresee (`what`): a starting task is stopped; a stopping
  // one gets one best-effort release of its runtime and is recorded stopped.
  void fail_unforeseen(model::Task& task, const std::string& what);
  // Records `task` and its containers stopped with `reason`, touching no runtime state (alone, as
  // for the crash limit, where runtime calls are what took berth down); what it leaves running is
  // removed at berth's next start (remove_orphans).
  void record_abandoned(model::Task& task, const std::string& reason);

  store::Store& m_store;
  runtime::Runtime& m_runtime;
  const Clock& m_clock;
  AgentConfig m_config;
  runtime::ImagePuller m_puller;
  std::string m_instance_id;
  InstanceRegistrar& m_registrar;
  TaskCrashGuard m_crash_guard;
  std::map<std::string, model::Json> m_definitions; // "family:revision" → body (agent thread only)
  const std::function<void()> m_on_task_changed;
  const SecretResolver m_resolve_secret;
  ImagePolicy m_image_policy;  // pulls on m_pulls
  HealthChecker m_health;       // checks on m_health_checks
  TaskDriver m_driver;
  // Declared after what their jobs use, so they are joined before it goes.
  BoundedWorkerPool m_pulls{k_pull_threads, k_pull_queue, "image pull worker"};
  BoundedWorkerPool m_health_checks{k_health_check_threads, k_health_check_queue, "agent health check worker"};
  BoundedWorkerPool m_removals{1, k_removal_queue, "container removal worker"};
  PeriodicWorker m_worker;
};

}  // namespace berth::agent
