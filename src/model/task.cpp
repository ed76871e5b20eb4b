#include "model/task.hpp"

#include "model/gpu_requirements.hpp"
#include "model/units.hpp"

namespace berth::model {

std::string runtime_id_of(std::string_view task_id, std::string_view container_name) {
  return std::string(task_id) + "-" + std::string(container_name);
}

namespace {

void put_time(Json& out, const char* key, const std::optional<EpochMs>& t) {
  if (t) out[key] = *t;
}

std::optional<EpochMs> get_time(const Json& in, const char* key) {
  if (!in.contains(key) || !in[key].is_number_integer()) return std::nullopt;
  return in[key].get<EpochMs>();
}

// A status in a stored record: `fallback` when absent, ServerException when unreadable (as for a
// record that is not an object) rather than a status the task never had.
Result<TaskStatus> status_of(const Json& record, const char* key, TaskStatus fallback) {
  const auto it = record.find(key);
  if (it == record.end()) return fallback;
  if (it->is_string()) {
    if (const auto status = from_wire<TaskStatus>(it->get_ref<const std::string&>())) return *status;
  }
  return fail(Code::server, std::string("corrupt task record: ") + key);
}

void put_wire_time(Json& out, const char* key, const std::optional<EpochMs>& t) {
  if (t) out[key] = epoch_seconds(*t);
}

// The task's optional timestamps: one list for the record (ms) and the wire (seconds) forms.
constexpr std::pair<const char*, std::optional<EpochMs> Task::*> k_task_times[] = {
    {"pullStartedAt", &Task::pull_started_at}, {"pullStoppedAt", &Task::pull_stopped_at},
    {"startedAt", &Task::started_at},          {"stoppingAt", &Task::stopping_at},
    {"executionStoppedAt", &Task::execution_stopped_at}, {"stoppedAt", &Task::stopped_at}};

// A container's restarts in the record; absent members when it never restarted and has no policy,
// so records of other containers stay as they were.
void put_restart_history(Json& out, const TaskContainer& c) {
  put_time(out, "lastRestartedAt", c.last_restarted_at);
  if (c.restart_policy_enabled) out["restartPolicyEnabled"] = true;
  if (c.restart_exits.empty()) return;
  Json exits = Json::array();
  for (const auto& e : c.restart_exits) exits.push_back({{"exitCode", e.exit_code}, {"finishedAt", e.finished_at}});
  out["restartExits"] = std::move(exits);
}

void get_restart_history(const Json& in, TaskContainer& c) {
  c.last_restarted_at = get_time(in, "lastRestartedAt");
  c.restart_policy_enabled = in.value("restartPolicyEnabled", false);
  for (const auto& e : in.value("restartExits", Json::array())) {
    if (!e.is_object() || !e.value("exitCode", Json()).is_number_integer()) continue;
    c.restart_exits.push_back({e["exitCode"].get<int>(), get_time(e, "finishedAt").value_or(0)});
  }
}

}  // namespace

TaskContainer* Task::container(const std::string& name) {
  for (auto& c : containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

Json task_to_record(const Task& t) {
  Json containers = Json::array();
  for (const auto& c : t.containers) {
    Json rc{{"name", c.name},           {"id", c.id},
            {"runtimeId", c.runtime_id}, {"image", c.image},
            {"imageDigest", c.image_digest}, {"lastStatus", to_wire(c.last_status)},
            {"reason", c.reason},       {"healthStatus", c.health_status},
            {"essential", c.essential}, {"networkBindings", c.network_bindings},
            {"networkInterfaces", c.network_interfaces},
            {"restarts", c.restarts}};
    if (c.exit_code) rc["exitCode"] = *c.exit_code;
    put_time(rc, "startedAt", c.started_at);
    put_time(rc, "finishedAt", c.finished_at);
    put_restart_history(rc, c);
    if (!c.gpu_ids.empty()) rc["gpuIds"] = c.gpu_ids;
    if (!c.pinned_digest.empty()) rc["pinnedDigest"] = c.pinned_digest;
    containers.push_back(std::move(rc));
  }
  Json out{{"id", t.id},
           {"cluster", t.cluster},
           {"family", t.family},
           {"revision", t.revision},
           {"containerInstanceId", t.container_instance_id},
           {"lastStatus", to_wire(t.last_status)},
           {"desiredStatus", to_wire(t.desired_status)},
           {"group", t.group},
           {"startedBy", t.started_by},
           {"overrides", t.overrides},
           {"enableExecuteCommand", t.enable_execute_command},
           {"cpu", t.cpu},
           {"memory", t.memory},
           {"containers", containers},
           {"healthStatus", t.health_status},
           {"stopCode", t.stop_code},
           {"stoppedReason", t.stopped_reason},
           {"createdAt", t.created_at},
           {"version", t.version}};
  for (const auto& [key, member] : k_task_times) put_time(out, key, t.*member);
  if (!t.capacity_provider.empty()) out["capacityProviderName"] = t.capacity_provider;
  return out;
}

Result<Task> task_from_record(const Json& r) {
  if (!r.is_object()) return fail(Code::server, "corrupt task record");
  Task t;
  t.id = r.value("id", "");
  t.cluster = r.value("cluster", "");
  t.family = r.value("family", "");
  t.revision = r.value("revision", 0LL);
  t.container_instance_id = r.value("containerInstanceId", "");
  BERTH_ASSIGN(t.last_status, status_of(r, "lastStatus", TaskStatus::pending));
  BERTH_ASSIGN(t.desired_status, status_of(r, "desiredStatus", TaskStatus::running));
  t.group = r.value("group", "");
  t.started_by = r.value("startedBy", "");
  t.overrides = r.value("overrides", Json::object());
  t.enable_execute_command = r.value("enableExecuteCommand", false);
  t.cpu = r.value("cpu", "");
  t.memory = r.value("memory", "");
  t.health_status = r.value("healthStatus", "UNKNOWN");
  t.stop_code = r.value("stopCode", "");
  t.stopped_reason = r.value("stoppedReason", "");
  t.capacity_provider = r.value("capacityProviderName", "");
  t.created_at = r.value("createdAt", 0LL);
  t.version = r.value("version", 1LL);
  for (const auto& [key, member] : k_task_times) t.*member = get_time(r, key);
  for (const auto& rc : r.value("containers", Json::array())) {
    TaskContainer c;
    c.name = rc.value("name", "");
    c.id = rc.value("id", "");
    c.runtime_id = rc.value("runtimeId", "");
    c.image = rc.value("image", "");
    c.image_digest = rc.value("imageDigest", "");
    c.pinned_digest = rc.value("pinnedDigest", "");
    BERTH_ASSIGN(c.last_status, status_of(rc, "lastStatus", TaskStatus::pending));
    c.reason = rc.value("reason", "");
    c.health_status = rc.value("healthStatus", "UNKNOWN");
    c.essential = rc.value("essential", true);
    c.network_bindings = rc.value("networkBindings", Json::array());
    c.network_interfaces = rc.value("networkInterfaces", Json::array());
    c.restarts = rc.value("restarts", 0);
    if (rc.contains("exitCode")) c.exit_code = rc["exitCode"].get<int>();
    c.started_at = get_time(rc, "startedAt");
    c.finished_at = get_time(rc, "finishedAt");
    get_restart_history(rc, c);
    for (const auto& id : rc.value("gpuIds", Json::array())) {
      if (!id.is_string()) return fail(Code::server, "corrupt task record: gpuIds");
      c.gpu_ids.push_back(id.get<std::string>());
    }
    t.containers.push_back(std::move(c));
  }
  return t;
}

Json task_to_json(const Task& t, const ArnScope& arns, const std::vector<Tag>* tags) {
  const std::string task_arn = arns.task(t.cluster, t.id);
  Json containers = Json::array();
  for (const auto& c : t.containers) {
    Json wc{{"containerArn", arns.prefix() + "container/" + t.cluster + "/" + t.id + "/" + c.id},
            {"taskArn", task_arn},
            {"name", c.name},
            {"image", c.image},
            {"lastStatus", to_wire(c.last_status)},
            {"networkBindings", c.network_bindings},
            {"healthStatus", c.health_status},
            {"networkInterfaces", c.network_interfaces}};
    if (!c.runtime_id.empty()) wc["runtimeId"] = c.runtime_id;
    if (!c.image_digest.empty()) wc["imageDigest"] = c.image_digest;
    if (c.exit_code) wc["exitCode"] = *c.exit_code;
    if (!c.reason.empty()) wc["reason"] = c.reason.substr(0, 1024);
    // berth members beyond ECS's Container shape (botocore drops them; raw JSON clients see them).
    if (c.restart_policy_enabled || c.restarts > 0) wc["restartCount"] = c.restarts;
    put_wire_time(wc, "lastRestartedAt", c.last_restarted_at);
    if (!c.gpu_ids.empty()) wc["gpuIds"] = c.gpu_ids;
    containers.push_back(std::move(wc));
  }
  Json out{{"taskArn", task_arn},
           {"clusterArn", arns.cluster(t.cluster)},
           {"taskDefinitionArn", arns.task_definition(t.family, t.revision)},
           {"containerInstanceArn", arns.container_instance(t.cluster, t.container_instance_id)},
           {"lastStatus", to_wire(t.last_status)},
           {"desiredStatus", to_wire(t.desired_status)},
           {"healthStatus", t.health_status},
           {"cpu", t.cpu},
           {"memory", t.memory},
           {"containers", containers},
           {"launchType", "EC2"},
           {"connectivity", "CONNECTED"},
           {"enableExecuteCommand", t.enable_execute_command},
           {"overrides", t.overrides.empty() ? Json{{"containerOverrides", Json::array()}, {"inferenceAcceleratorOverrides", Json::array()}} : t.overrides},
           {"createdAt", epoch_seconds(t.created_at)},
           {"version", t.version},
           {"attachments", Json::array()},
           {"attributes", Json::array()},
           {"tags", Json::array()}};
  if (!t.group.empty()) out["group"] = t.group;
  if (!t.started_by.empty()) out["startedBy"] = t.started_by;
  if (!t.stop_code.empty()) out["stopCode"] = t.stop_code;
  if (!t.stopped_reason.empty()) out["stoppedReason"] = t.stopped_reason;
  if (!t.capacity_provider.empty()) out["capacityProviderName"] = t.capacity_provider;
  for (const auto& [key, member] : k_task_times) put_wire_time(out, key, t.*member);
  if (t.last_status == TaskStatus::running) out["connectivityAt"] = epoch_seconds(t.started_at.value_or(t.created_at));
  if (tags) out["tags"] = tags_to_json(*tags);
  return out;
}

Reservation reservation_of(const Json& td, const Json& overrides) {
  Reservation r;
  long long cpu_sum = 0, memory_sum = 0;
  const auto container_overrides = overrides.value("containerOverrides", Json::array());
  for (const auto& c : td["containerDefinitions"]) {
    Json effective = c;
    for (const auto& o : container_overrides) {
      if (Json(o.value("name", "")) != c["name"]) continue;
      for (const char* key : {"cpu", "memory", "memoryReservation", "resourceRequirements"}) {
        if (o.contains(key)) effective[key] = o[key];
      }
    }
    cpu_sum += effective.value("cpu", 0LL);
    memory_sum += effective.value("memoryReservation", effective.value("memory", 0LL));
    // Registration and RunTask refuse a bad GPU value, so an error here cannot come from a request.
    const int gpus = gpu_count(effective.value("resourceRequirements", Json::array())).value_or(0);
    if (gpus > 0) r.container_gpus.emplace_back(c["name"], gpus);
    for (const auto& pm : c.value("portMappings", Json::array())) {
      const int host_port = pm.value("hostPort", 0);
      if (host_port > 0) r.host_ports.emplace_back(host_port, pm.value("protocol", "tcp"));
    }
  }
  // Task-level values were normalised on the way in; anything else counts the containers.
  r.cpu = task_units_of(overrides.value("cpu", td.value("cpu", ""))).value_or(cpu_sum);
  r.memory = task_units_of(overrides.value("memory", td.value("memory", ""))).value_or(memory_sum);
  return r;
}

std::string task_health(const Task& t) {
  bool any_unknown = false;
  for (const auto& c : t.containers) {
    if (!c.essential) continue;
    if (c.health_status == "UNHEALTHY") return "UNHEALTHY";
    if (c.health_status != "HEALTHY") any_unknown = true;
  }
  return any_unknown ? "UNKNOWN" : "HEALTHY";
}

}  // namespace berth::model
