#include "agent/agent.hpp"

#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "agent/container_spec_builder.hpp"
#include "common/files.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "common/numbers.hpp"
#include "common/platform.hpp"
#include "model/image_reference.hpp"
#include "runtime/linux/capability_bounds.hpp"
#include "runtime/linux/cgroups.hpp"

namespace berth::agent {
namespace {

using model::Json;

const Json* definition_of(const Json& td, const std::string& name) {
  for (const auto& c : td["containerDefinitions"]) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

long long memory_total_mib() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long long kib = 0;
  while (in >> key >> kib) {
    if (key == "MemTotal:") return kib / 1024;
    in.ignore(256, '\n');
  }
  return 0;
}

Json ports_resource(const char* name, const std::vector<int>& ports) {
  Json set = Json::array();
  for (int p : ports) set.push_back(std::to_string(p));
  return {{"name", name}, {"type", "STRINGSET"}, {"doubleValue", 0.0}, {"longValue", 0},
          {"integerValue", 0}, {"stringSetValue", set}};
}

Json integer_resource(const char* name, long long value) {
  return {{"name", name}, {"type", "INTEGER"}, {"doubleValue", 0.0}, {"longValue", 0}, {"integerValue", value}};
}

// Runs `work` (a pull, a health check) on a background thread, an exception becoming its error:
// it would otherwise be rethrown by future::get() on the agent's thread.
template <class Work>
auto contained(const std::string& what, Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const std::exception& e) {
    log_error("agent: " + what + ": internal error: " + e.what());
    return fail(Code::server, "internal error: " + std::string(e.what()));
  } catch (...) {
    log_error("agent: " + what + ": internal error");
    return fail(Code::server, "internal error");
  }
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

// The task's cgroup limits from its cpu (units, 1024 a core) and memory (MiB), checked: stored
// records are not trusted to hold what the API let in.
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

}  // namespace

Agent::Agent(store::Store& store, runtime::Runtime& runtime, runtime::ImageStore& images, const Clock& clock,
             AgentConfig config)
    : m_store(store), m_runtime(runtime), m_images(images), m_clock(clock), m_config(std::move(config)),
      m_network(m_config.network), m_puller(images, registry_options(m_config, images.blob_dir())),
      m_crash_guard(m_config.crash_marker_dir.empty() ? m_config.data_dir + "/task-work" : m_config.crash_marker_dir) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  m_host_name = host;
  m_cgroup_v2 = runtime::cgroup_v2();
  if (auto bounding = runtime::host_capability_bounding_set()) {
    m_capability_bounding_set = *bounding;
  } else {
    log_warn("agent: " + bounding.error().message + "; capabilities are not limited to the host's bounding set");
  }
}

Agent::~Agent() { stop(); }

Result<std::string> Agent::register_instance() {
  const std::string id_file = m_config.data_dir + "/instance-id";
  auto saved = read_file(id_file);
  m_instance_id = saved ? *saved : random_hex(16);
  while (!m_instance_id.empty() && std::isspace(static_cast<unsigned char>(m_instance_id.back()))) m_instance_id.pop_back();
  if (!saved) BERTH_TRY(write_file_atomic(id_file, m_instance_id + "\n", 0600));

  const long long cpu = m_config.cpu_units > 0 ? m_config.cpu_units : ::sysconf(_SC_NPROCESSORS_ONLN) * 1024;
  const long long memory = (m_config.memory_mib > 0 ? m_config.memory_mib : memory_total_mib()) - m_config.reserved_memory_mib;
  const EpochMs now = m_clock.now_ms();
  // One atomic change: an operator's PutAttributes or DRAINING cannot be lost to this write.
  const auto describe_node = [&](model::ContainerInstance& instance, store::InstanceOrigin origin) -> Result<void> {
    const bool registering = origin == store::InstanceOrigin::registering;
    if (registering) {
      instance.registered_at = now;
      instance.status = "ACTIVE";
    }
    Json& body = instance.body;
    body["ec2InstanceId"] = "mi-" + m_instance_id.substr(0, 17);
    body["versionInfo"] = {{"agentVersion", "berth"}, {"agentHash", ""}, {"dockerVersion", "runc"}};
    body["registeredResources"] = Json::array({integer_resource("CPU", cpu), integer_resource("MEMORY", memory),
                                               ports_resource("PORTS", m_config.reserved_ports),
                                               ports_resource("PORTS_UDP", m_config.reserved_udp_ports)});
    // Built-in attributes always reflect the node; custom ones come from the config at the first
    // registration only (as in ECS), later PutAttributes/DeleteAttributes own them.
    std::map<std::string, std::string> attributes;
    for (const auto& a : body.value("attributes", Json::array())) {
      attributes[a["name"]] = a.value("value", "");
    }
    if (registering) {
      for (const auto& [k, v] : m_config.custom_attributes) attributes[k] = v;
    }
    attributes["ecs.os-type"] = "linux";
    attributes["ecs.os-family"] = "LINUX";
    attributes["ecs.cpu-architecture"] = ecs_architecture();
    attributes["ecs.instance-type"] = m_config.instance_type;
    attributes["ecs.availability-zone"] = m_config.availability_zone;
    attributes["ecs.capability.external"] = "";
    Json list = Json::array();
    for (const auto& [k, v] : attributes) {
      Json a{{"name", k}};
      if (!v.empty()) a["value"] = v;
      list.push_back(a);
    }
    body["attributes"] = list;
    return {};
  };
  // The store writes only when something changed.
  BERTH_TRY(m_store.update_container_instance(m_config.cluster, m_instance_id, describe_node, store::IfMissing::create));
  return m_instance_id;
}

void Agent::start() {
  for (const auto& id : m_crash_guard.load()) {
    log_error("task " + id + ": berth stopped unexpectedly twice while working on it; it is given up");
  }
  remove_orphans();
  m_worker.start("agent", std::chrono::milliseconds(m_config.tick_ms), [this] { pass(); });
}

void Agent::stop() { m_worker.stop(); }

void Agent::wake() { m_worker.wake(); }

Result<std::vector<model::Task>> Agent::active_tasks() {
  store::TaskQuery query;
  query.container_instance = m_instance_id;
  query.not_stopped = true;
  query.limit = 100000;
  return m_store.list_tasks(query);
}

void Agent::remove_orphans() {
  auto tasks = active_tasks();
  if (!tasks) return;
  std::set<std::string> live;
  for (const auto& t : *tasks) {
    for (const auto& c : t.containers) live.insert(runtime_id_of(t.id, c.name));
  }
  for (const auto& id : m_runtime.known_containers()) {
    if (!live.contains(id)) {
      log_info("removing leftover container " + id);
      auto ignored = m_runtime.remove(id);
      (void)ignored;
    }
  }
  // Bridge tasks that outlived a restart keep the bridge routing to loopback: guard it now.
  if (!m_network.attached_tasks().empty()) {
    if (auto ok = m_network.guard_host_loopback(); !ok) log_warn("bridge network: " + ok.error().message);
  }
  // Networks of tasks that stopped while berth was down, or whose teardown failed earlier.
  std::set<std::string> active;
  for (const auto& t : *tasks) active.insert(t.id);
  for (const auto& id : m_network.attached_tasks()) {
    if (active.contains(id)) continue;
    log_info("releasing the network of stopped task " + id);
    if (auto ok = m_network.detach(id); !ok) log_warn("task " + id + ": network cleanup: " + ok.error().message);
  }
}

void Agent::collect_images(const std::vector<model::Task>& tasks) {
  const EpochMs now = m_clock.now_ms();
  if (m_next_image_cleanup == 0) m_next_image_cleanup = now + m_config.image_cleanup.interval_ms;  // first: one interval in
  if (now < m_next_image_cleanup) return;
  m_next_image_cleanup = now + m_config.image_cleanup.interval_ms;
  if (!m_pulls.empty()) return;  // a pull under way may be about to use any image: next cycle
  const auto images = m_images.list();
  const auto in_use = images_in_use(m_images, tasks);
  for (const auto& id : runtime::images_to_collect(images, in_use, m_image_last_used, now, m_config.image_cleanup)) {
    auto removed = m_images.remove(id, [&](const runtime::Image& image) { return in_use.contains(image.id); });
    if (removed) {
      log_info("image cleanup: removed " + id + (removed->names.empty() ? "" : " (" + removed->names.front() + ")"));
      m_image_last_used.erase(id);
    } else {
      log_warn("image cleanup: " + removed.error().message);
    }
  }
}

std::set<std::string> images_in_use(runtime::ImageStore& images, const std::vector<model::Task>& tasks) {
  std::set<std::string> ids;
  for (const auto& t : tasks) {
    for (const auto& c : t.containers) {
      if (const auto named = images.find(c.image)) ids.insert(named->id);
      if (!c.image_digest.empty()) ids.insert(c.image_digest);  // imported images: the image id
    }
  }
  return ids;
}

std::optional<runtime::Image> Agent::image_for(model::Task& task, model::TaskContainer& c, const Json& def) {
  const std::string key = runtime_id_of(task.id, c.name);
  const auto cached = m_images.find(c.image);
  auto pull = m_pulls.find(key);
  if (pull == m_pulls.end()) {
    const auto ref = model::parse_image_reference(c.image);
    const bool pinned = ref && !ref->digest.empty();
    const std::string& behavior = m_config.pull_behavior;
    // A digest names exactly one image: present means nothing to fetch, whatever the behavior.
    // An imported image came from no registry: `default` uses it as is, so an offline gateway
    // does not wait on a registry it cannot reach before every start (`always` still asks).
    const bool imported = cached && !cached->pulled;
    if (cached && (pinned || behavior == "once" || behavior == "prefer-cached" || (behavior == "default" && imported))) {
      task.pull_started_at = task.pull_started_at.value_or(m_clock.now_ms());
      task.pull_stopped_at = m_clock.now_ms();
      c.image_digest = cached->id;
      return cached;
    }
    auto credentials = resolve_repository_credentials(def, m_resolve_secret);
    if (!credentials) {
      stop_uninitialized(task, credentials.error().message);
      return std::nullopt;
    }
    task.pull_started_at = m_clock.now_ms();
    m_pulls.emplace(key, std::async(std::launch::async, [this, name = c.image, login = std::move(*credentials)] {
      return contained("pull of " + name, [&] { return m_puller.pull(name, {}, login); });
    }));
    return std::nullopt;
  }
  if (pull->second.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return std::nullopt;
  auto pulled = pull->second.get();
  m_pulls.erase(pull);
  task.pull_stopped_at = m_clock.now_ms();
  if (pulled) {
    c.image_digest = pulled->manifest_digest;
    return pulled->image;
  }
  // ECS's default behavior falls back to a cached copy when the registry cannot be reached.
  if (cached && m_config.pull_behavior == "default") {
    log_warn("task " + task.id + ": pull of " + c.image + " failed (" + pulled.error().message + "); using the cached image");
    c.image_digest = cached->id;
    return cached;
  }
  c.last_status = "STOPPED";
  c.reason = "CannotPullContainerError: " + c.image + ": " + pulled.error().message;
  request_stop(task, "TaskFailedToStart", c.reason);
  return std::nullopt;
}

bool Agent::attach_network(model::Task& task) {
  std::vector<runtime::PortMapping> ports;
  for (const auto& c : task.containers) {
    for (const auto& b : c.network_bindings) {
      ports.push_back({b["hostPort"].get<int>(), b["containerPort"].get<int>(), b.value("protocol", "tcp")});
    }
  }
  auto attached = m_network.attach(task.id, ports);
  if (!attached) {
    const std::string reason = "CannotStartContainerError: bridge network: " + attached.error().message;
    for (auto& c : task.containers) {
      if (c.last_status != "PENDING") continue;
      c.last_status = "STOPPED";
      c.reason = reason;
    }
    request_stop(task, "TaskFailedToStart", reason);
    return false;
  }
  for (auto& c : task.containers) {
    c.network_interfaces = Json::array({{{"attachmentId", task.id}, {"privateIpv4Address", attached->address}}});
  }
  return true;
}

void Agent::pass() {
  std::erase_if(m_abandoned_pulls, [](const auto& pull) {
    return pull.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  });
  auto tasks = active_tasks();
  if (!tasks) {
    log_error("agent: cannot read tasks: " + tasks.error().message);
    return;
  }
  collect_images(*tasks);
  std::set<std::string> active;
  for (auto& task : *tasks) {
    active.insert(task.id);
    try {
      handle(task);
    } catch (const std::exception& e) {
      log_error("agent: task " + task.id + ": " + e.what());
    }
  }
  m_crash_guard.retain_only(active);
  std::erase_if(m_secrets_checked, [&](const std::string& id) { return !active.contains(id); });
}

const Json* Agent::task_definition_of(const model::Task& task) {
  const std::string key = task.family + ":" + std::to_string(task.revision);
  if (auto it = m_definitions.find(key); it != m_definitions.end()) return &it->second;
  auto td = m_store.find_task_definition(task.family, task.revision);
  if (!td || !*td) return nullptr;
  return &m_definitions.emplace(key, (*td)->body).first->second;
}

void Agent::request_stop(model::Task& task, const std::string& code, const std::string& reason) {
  if (task.desired_status == "STOPPED") return;
  task.desired_status = "STOPPED";
  task.stop_code = code;
  task.stopped_reason = reason;
  task.stopping_at = m_clock.now_ms();
}

void Agent::drive(model::Task& task, const Json& td) {
  observe_containers(task);
  if (task.desired_status == "RUNNING") {
    start_ready_containers(task, td);
    run_health_checks(task, td);
    const bool any_pending = std::any_of(task.containers.begin(), task.containers.end(),
                                         [](const model::TaskContainer& c) { return c.last_status == "PENDING"; });
    if (task.last_status == "PENDING" && !any_pending) {
      task.last_status = "RUNNING";
      task.started_at = m_clock.now_ms();
    }
    task.health_status = model::task_health(task);
  }
  if (task.desired_status == "STOPPED") {
    stop_containers(task, td);
    finish_if_stopped(task);
  }
}

void Agent::observe_containers(model::Task& task) {
  for (auto& c : task.containers) {
    if (c.last_status != "RUNNING") continue;
    const std::string rid = runtime_id_of(task.id, c.name);
    const auto st = m_runtime.status(rid);
    if (st.state == runtime::ContainerStatus::State::running) continue;
    c.last_status = "STOPPED";
    c.finished_at = st.finished_at ? st.finished_at : m_clock.now_ms();
    if (st.state == runtime::ContainerStatus::State::exited) {
      c.exit_code = st.exit_code;
      if (st.oom_killed) c.reason = "OutOfMemoryError: Container killed due to memory usage";
    } else {
      c.reason = "The container's monitor vanished (host restart?); its exit code is unknown";
    }
    m_health.erase(rid);
    if (c.essential) request_stop(task, "EssentialContainerExited", "Essential container in task exited");
  }
}

void Agent::start_ready_containers(model::Task& task, const Json& td) {
  const EpochMs now = m_clock.now_ms();
  if (task.desired_status == "RUNNING" && !check_task_secrets(task, td)) return;
  for (auto& c : task.containers) {
    if (c.last_status != "PENDING" || task.desired_status != "RUNNING") continue;
    const Json* def = definition_of(td, c.name);
    if (!def) continue;
    bool ready = true;
    for (const auto& dep : def->value("dependsOn", Json::array())) {
      const model::TaskContainer* other = task.container(dep["containerName"]);
      const std::string condition = dep["condition"];
      if (!other) continue;
      const bool started = other->started_at.has_value();
      const bool stopped = other->last_status == "STOPPED";
      bool satisfied = false, impossible = false;
      if (condition == "START") { satisfied = started; impossible = stopped && !started; }
      else if (condition == "COMPLETE") { satisfied = stopped && started; impossible = stopped && !started; }
      else if (condition == "SUCCESS") { satisfied = stopped && other->exit_code == 0; impossible = stopped && other->exit_code != 0; }
      else if (condition == "HEALTHY") { satisfied = other->health_status == "HEALTHY"; impossible = stopped; }
      if (impossible) {
        c.last_status = "STOPPED";
        c.reason = "DependencyError: " + other->name + " did not reach " + condition;
        request_stop(task, "TaskFailedToStart", "Container " + c.name + " dependency " + other->name + " did not reach " + condition);
        return;
      }
      ready = ready && satisfied;
    }
    if (!ready) {
      const long long timeout_s = def->value("startTimeout", static_cast<long long>(m_config.default_start_timeout_s));
      if (now - task.created_at > timeout_s * 1000) {
        c.last_status = "STOPPED";
        c.reason = "DependencyTimeoutError: dependencies not met within " + std::to_string(timeout_s) + "s";
        request_stop(task, "TaskFailedToStart", "Container " + c.name + " dependencies were not met in time");
        return;
      }
      continue;
    }
    const std::string rid = runtime_id_of(task.id, c.name);
    // A crash between starting a container and recording it must not start it twice.
    if (m_runtime.status(rid).state == runtime::ContainerStatus::State::running) {
      c.last_status = "RUNNING";
      c.runtime_id = rid;
      c.started_at = c.started_at.value_or(now);
      continue;
    }
    const auto image = image_for(task, c, *def);
    if (!image) {
      if (task.desired_status == "STOPPED") return;
      continue;
    }
    const bool first = std::none_of(task.containers.begin(), task.containers.end(),
                                    [](const model::TaskContainer& o) { return o.started_at.has_value(); });
    if (first) {
      auto limits = task_limits(task, td);
      if (!limits) {
        stop_unstarted(task, limits.error().message);
        return;
      }
      limits->pids = m_config.task_pids_limit;
      if (auto ok = runtime::prepare_task_cgroup(task_cgroup_of(task.id), *limits); !ok) {
        log_warn("task " + task.id + ": " + ok.error().message);
      }
    }
    const bool bridge = td.value("networkMode", "bridge") == "bridge";
    if (first && bridge && !attach_network(task)) return;
    const SpecContext context{m_config.data_dir + "/volumes", m_config.data_dir + "/bundles/" + task.id + "-etc",
                              m_cgroup_v2, m_host_name, bridge ? m_network.netns_path(task.id) : "",
                              m_config.host_resolv_conf, m_capability_bounding_set};
    auto spec = build_container_spec(task, td, c.name, *image, context);
    // Secrets go into the environment here only: the task and its definition keep valueFrom.
    auto secret_env = resolve_container_secrets(*def, m_resolve_secret);
    if (!secret_env) {
      stop_uninitialized(task, secret_env.error().message);
      return;
    }
    if (spec) add_secret_environment(*spec, *secret_env);
    auto started = spec ? m_runtime.start(*spec) : Result<int>(std::unexpected(spec.error()));
    if (!started) {
      c.last_status = "STOPPED";
      c.reason = "CannotStartContainerError: " + started.error().message;
      request_stop(task, "TaskFailedToStart", c.reason);
      return;
    }
    c.runtime_id = rid;
    c.last_status = "RUNNING";
    c.started_at = m_clock.now_ms();
    m_image_last_used[image->id] = *c.started_at;
    if (td.value("networkMode", "bridge") == "host") {
      c.network_bindings = Json::array();
      for (const auto& pm : def->value("portMappings", Json::array())) {
        if (!pm.contains("containerPort")) continue;
        c.network_bindings.push_back({{"bindIP", "0.0.0.0"}, {"containerPort", pm["containerPort"]},
                                      {"hostPort", pm.value("hostPort", pm["containerPort"].get<int>())},
                                      {"protocol", pm.value("protocol", "tcp")}});
      }
    }
    if (def->contains("healthCheck")) c.health_status = "UNKNOWN";
  }
}

void Agent::run_health_checks(model::Task& task, const Json& td) {
  const EpochMs now = m_clock.now_ms();
  for (auto& c : task.containers) {
    if (c.last_status != "RUNNING") continue;
    const Json* def = definition_of(td, c.name);
    if (!def || !def->contains("healthCheck")) continue;
    const Json& hc = (*def)["healthCheck"];
    const std::string rid = runtime_id_of(task.id, c.name);
    HealthState& hs = m_health[rid];
    const long long interval_ms = hc.value("interval", 30LL) * 1000;
    if (hs.started_at == 0) {
      hs.started_at = c.started_at.value_or(now);
      hs.next_check = hs.started_at + interval_ms;
    }
    if (hs.running && hs.running->wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
      auto result = hs.running->get();
      hs.running.reset();
      const bool ok = result && !result->timed_out && result->exit_code == 0;
      const bool in_start_period = now < hs.started_at + hc.value("startPeriod", 0LL) * 1000;
      if (ok) {
        hs.failures = 0;
        c.health_status = "HEALTHY";
      } else if (!in_start_period && ++hs.failures >= hc.value("retries", 3)) {
        c.health_status = "UNHEALTHY";
      }
      hs.next_check = now + interval_ms;
    }
    if (!hs.running && now >= hs.next_check) {
      std::vector<std::string> argv;
      const auto& command = hc["command"];
      if (command[0] == "CMD-SHELL") argv = {"/bin/sh", "-c", command[1].get<std::string>()};
      else for (std::size_t i = 1; i < command.size(); ++i) argv.push_back(command[i]);
      if (command[0] == "NONE" || argv.empty()) continue;
      const int timeout_ms = static_cast<int>(hc.value("timeout", 5LL) * 1000);
      hs.running = std::async(std::launch::async, [this, rid, argv, timeout_ms] {
        return contained("health check of " + rid, [&] { return m_runtime.exec(rid, argv, timeout_ms); });
      });
    }
  }
}

void Agent::stop_containers(model::Task& task, const Json& td) {
  const EpochMs now = m_clock.now_ms();
  if (task.last_status != "STOPPED") task.last_status = "STOPPING";
  if (!task.stopping_at) task.stopping_at = now;
  for (auto& c : task.containers) {
    if (c.last_status == "PENDING") c.last_status = "STOPPED";
  }
  for (auto& c : task.containers) {
    if (c.last_status != "RUNNING") continue;
    // Dependents stop first: a container waits while a running one depends on it.
    const bool depended_on = std::any_of(task.containers.begin(), task.containers.end(), [&](const model::TaskContainer& o) {
      if (o.last_status != "RUNNING" || o.name == c.name) return false;
      const Json* def = definition_of(td, o.name);
      for (const auto& dep : def ? def->value("dependsOn", Json::array()) : Json::array()) {
        if (dep["containerName"] == c.name) return true;
      }
      return false;
    });
    if (depended_on) continue;
    const std::string rid = runtime_id_of(task.id, c.name);
    const Json* def = definition_of(td, c.name);
    const long long timeout_s = def ? def->value("stopTimeout", static_cast<long long>(m_config.default_stop_timeout_s))
                                    : m_config.default_stop_timeout_s;
    const auto sent = m_term_sent.find(rid);
    if (sent == m_term_sent.end()) {
      if (auto ok = m_runtime.kill(rid, SIGTERM); !ok) log_debug(ok.error().message);
      m_term_sent[rid] = now;
    } else if (now - sent->second >= timeout_s * 1000) {
      if (auto ok = m_runtime.kill(rid, SIGKILL); !ok) log_debug(ok.error().message);
    }
  }
}

void Agent::finish_if_stopped(model::Task& task) {
  const bool all_stopped = std::all_of(task.containers.begin(), task.containers.end(),
                                       [](const model::TaskContainer& c) { return c.last_status == "STOPPED"; });
  if (!all_stopped) return;
  for (const auto& c : task.containers) {
    const std::string rid = runtime_id_of(task.id, c.name);
    if (auto pull = m_pulls.find(rid); pull != m_pulls.end()) {
      m_abandoned_pulls.push_back(std::move(pull->second));
      m_pulls.erase(pull);
    }
    if (auto ok = m_runtime.remove(rid); !ok) log_warn("cannot remove container " + rid + ": " + ok.error().message);
    m_term_sent.erase(rid);
    m_health.erase(rid);
  }
  runtime::remove_task_cgroup(task_cgroup_of(task.id));
  // A failed teardown keeps its record; the next start of berth retries it.
  if (auto ok = m_network.detach(task.id); !ok) log_warn("task " + task.id + ": network teardown: " + ok.error().message);
  auto ignored = remove_all(m_config.data_dir + "/volumes/" + task.id);
  ignored = remove_all(m_config.data_dir + "/bundles/" + task.id + "-etc");
  (void)ignored;
  const EpochMs now = m_clock.now_ms();
  task.last_status = "STOPPED";
  task.execution_stopped_at = now;
  task.stopped_at = now;
}

}  // namespace berth::agent
