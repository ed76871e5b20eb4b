#include "agent/agent.hpp"

#include <unistd.h>

#include "agent/orphan_cleanup.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "runtime/linux/capability_bounds.hpp"
#include "runtime/network/bridge_gateway.hpp"

namespace berth::agent {
namespace {

using model::Json;

// The base URL of the task metadata endpoint at `address` ("" when there is none).
std::string metadata_url(const std::optional<std::string>& address, int port) {
  return address && port > 0 ? "http://" + *address + ":" + std::to_string(port) : "";
}

// What the driver needs of the host and the configuration.
DriverSettings driver_settings(const AgentConfig& config, const MetadataTokenMaker& metadata_token) {
  DriverSettings settings;
  settings.data_dir = config.data_dir;
  settings.defaults = {config.default_stop_timeout_s, config.default_start_timeout_s, config.cgroup_parent};
  settings.task_pids_limit = config.task_pids_limit;
  settings.restart_attempt_period_s = config.restart_attempt_period_s;
  settings.host_resolv_conf = config.host_resolv_conf;
  settings.arns = config.arns;
  settings.gpus = config.gpus;
  settings.journald_socket = config.journald_socket;
  if (metadata_token) {
    settings.metadata_host_url = metadata_url("127.0.0.1", config.metadata_port);
    settings.metadata_bridge_url = metadata_url(runtime::bridge_gateway_of(config.network.subnet), config.metadata_port);
    settings.metadata_token = metadata_token;
  }
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  settings.host_name = host;
  if (auto bounding = runtime::host_capability_bounding_set()) {
    settings.capability_bounding_set = *bounding;
  } else {
    log_warn("agent: " + bounding.error().message + "; capabilities are not limited to the host's bounding set");
  }
  return settings;
}

}  // namespace

Agent::Agent(store::Store& store, runtime::Runtime& runtime, runtime::ImageStore& images, const Clock& clock,
             AgentConfig config, AgentLinks links)
    : m_store(store), m_runtime(runtime), m_clock(clock), m_config(std::move(config)),
      m_puller(images, registry_options(m_config, images.blob_dir())), m_registrar(links.registrar),
      m_crash_guard(m_config.crash_marker_dir.empty() ? m_config.data_dir + "/task-work" : m_config.crash_marker_dir),
      m_on_task_changed(links.on_task_changed ? std::move(links.on_task_changed) : [] {}),
      m_resolve_secret(std::move(links.resolve_secret)),
      m_image_policy(images, m_puller, m_pulls, m_config.pull_behavior, m_config.image_cleanup),
      m_health(runtime, m_health_checks),
      m_driver(runtime, m_image_policy, m_health, clock, driver_settings(m_config, links.metadata_token), m_resolve_secret,
               m_removals) {}

Agent::~Agent() { stop(); }

void Agent::start() {
  for (const auto& id : m_crash_guard.load()) {
    log_error("task " + id + ": berth stopped unexpectedly twice while working on it; it is given up");
  }
  if (m_config.restart_attempt_period_s) {
    log_warn("BERTH_RESTART_ATTEMPT_PERIOD_SECONDS=" + std::to_string(*m_config.restart_attempt_period_s) +
             ": every container restartPolicy's restartAttemptPeriod is replaced by it (meant for tests and labs)");
  }
  if (auto tasks = active_tasks()) remove_orphans(m_runtime, *tasks, m_config.data_dir, m_config.cgroup_parent);
  m_worker.start("agent", std::chrono::milliseconds(m_config.tick_ms), [this] { pass(); });
}

void Agent::stop() {
  m_worker.stop();
  // After the last pass: a pull or check still queued ends at once, and nobody reads it; the
  // removals queued run to their end (the next start would otherwise find the containers).
  m_image_policy.close();
  m_health.close();
  m_removals.stop();
}

void Agent::wake() { m_worker.wake(); }

Result<std::vector<model::Task>> Agent::active_tasks(bool unsettled) {
  store::TaskQuery query;
  query.container_instance = m_instance_id;
  query.not_stopped = true;
  query.unsettled = unsettled;
  query.limit = 100000;
  return m_store.list_tasks(query);
}

void Agent::pass() {
  // The tasks starting or stopping first, read alone: a start does not wait for every running
  // task to be read and decoded (with 40 running, the agent's part of a start 1.0-1.6 ms before,
  // 0.24-0.33 after; README, Performance). The rest follow in the same pass, each task handled
  // once.
  std::set<std::string> handled;
  if (auto unsettled = active_tasks(/*unsettled=*/true)) {
    for (auto& task : *unsettled) {
      if (!needs_work(task)) continue;
      handled.insert(task.id);
      handle_contained(task);
    }
  }
  auto tasks = active_tasks();
  if (!tasks) {
    log_error("agent: cannot read tasks: " + tasks.error().message);
    return;
  }
  m_image_policy.collect(*tasks, m_clock.now_ms());
  order_for_pass(*tasks);
  std::set<std::string> active;
  for (auto& task : *tasks) {
    active.insert(task.id);
    if (!handled.contains(task.id)) handle_contained(task);
  }
  m_crash_guard.retain_only(active);
  m_driver.retain_only(active);
}

void Agent::handle_contained(model::Task& task) {
  try {
    handle(task);
  } catch (const std::exception& e) {
    log_error("agent: task " + task.id + ": " + e.what());
  }
}

const Json* Agent::task_definition_of(const model::Task& task) {
  const std::string key = task.family + ":" + std::to_string(task.revision);
  if (auto it = m_definitions.find(key); it != m_definitions.end()) return &it->second;
  auto td = m_store.find_task_definition(task.family, task.revision);
  if (!td || !*td) return nullptr;
  return &m_definitions.emplace(key, (*td)->body).first->second;
}

}  // namespace berth::agent
