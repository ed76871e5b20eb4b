#include "model/task_metadata.hpp"

#include <cstdio>

#include "common/civil_time.hpp"
#include "model/network_mode.hpp"
#include "model/task_definition.hpp"
#include "model/units.hpp"

namespace berth::model {
namespace {

// The definition of container `name` in `td`, which the result points into.
const Json* definition_of(const Json& td, const std::string& name) {
  const auto definitions = td.find("containerDefinitions");
  if (definitions == td.end() || !definitions->is_array()) return nullptr;
  for (const auto& c : *definitions) {
    if (c.is_object() && c.value("name", "") == name) return &c;
  }
  return nullptr;
}

// The container's definition value `key`, as its containerOverrides entry changes it.
long long effective_number(const Task& task, const Json& definition, const std::string& name, const char* key) {
  long long value = definition.value(key, 0LL);
  for (const auto& o : task.overrides.value("containerOverrides", Json::array())) {
    if (o.value("name", "") == name && o.contains(key) && o[key].is_number_integer()) value = o[key].get<long long>();
  }
  return value;
}

void put_time(Json& out, const char* key, const std::optional<EpochMs>& at) {
  if (at) out[key] = rfc3339_utc(*at);
}

// Docker's port list from ECS's networkBindings.
Json ports_of(const TaskContainer& container) {
  Json ports = Json::array();
  for (const auto& b : container.network_bindings) {
    ports.push_back({{"ContainerPort", b.value("containerPort", 0)},
                     {"Protocol", b.value("protocol", "tcp")},
                     {"HostPort", b.value("hostPort", 0)},
                     {"HostIp", b.value("bindIP", "0.0.0.0")}});
  }
  return ports;
}

// The ECS agent leaves IPv4Addresses out where a container has none of its own (host, none).
Json networks_of(const Json& td, const TaskContainer& container) {
  Json network{{"NetworkMode", std::string(to_wire(network_mode_of(td)))}};
  Json addresses = Json::array();
  for (const auto& i : container.network_interfaces) {
    if (const std::string address = i.value("privateIpv4Address", ""); !address.empty()) addresses.push_back(address);
  }
  if (!addresses.empty()) network["IPv4Addresses"] = addresses;
  return Json::array({network});
}

}  // namespace

std::string container_arn_of(const ArnScope& arns, const Task& task, const TaskContainer& container) {
  return arns.prefix() + "container/" + task.cluster + "/" + task.id + "/" + container.id;
}

std::map<std::string, std::string> container_labels(const Json& container_definition, const Task& task,
                                                     const std::string& task_arn) {
  std::map<std::string, std::string> out;
  const Json docker_labels = container_definition.value("dockerLabels", Json::object());
  for (const auto& [key, value] : docker_labels.items()) {
    if (value.is_string()) out[key] = value.get<std::string>();
  }
  out["com.amazonaws.ecs.cluster"] = task.cluster;
  out["com.amazonaws.ecs.container-name"] = container_definition.value("name", "");
  out["com.amazonaws.ecs.task-arn"] = task_arn;
  out["com.amazonaws.ecs.task-definition-family"] = task.family;
  out["com.amazonaws.ecs.task-definition-version"] = std::to_string(task.revision);
  return out;
}

std::string rfc3339_utc(EpochMs at) {
  const std::int64_t seconds = floor_div(at, 1000);
  const auto millis = static_cast<int>(at - seconds * 1000);
  const std::int64_t days = floor_div(seconds, 86'400);
  const auto in_day = static_cast<int>(seconds - days * 86'400);
  const CivilDate date = civil_from_days(days);
  char text[80];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month, date.day,
                in_day / 3600, in_day / 60 % 60, in_day % 60, millis);
  return text;
}

Json container_metadata_json(const TaskMetadataSource& source, const TaskContainer& container) {
  const Task& task = source.task;
  const std::string task_arn = source.arns.task(task.cluster, task.id);
  const Json* found = definition_of(source.definition, container.name);
  const Json definition = found ? *found : Json{{"name", container.name}};
  // A container asking at once, before its start is recorded, is told its id all the same.
  const std::string runtime_id = container.runtime_id.empty() ? runtime_id_of(task.id, container.name) : container.runtime_id;
  Json out{{"DockerId", runtime_id},
           {"Name", container.name},
           {"DockerName", runtime_id},
           {"Image", container.image},
           {"Labels", container_labels(definition, task, task_arn)},
           {"DesiredStatus", std::string(to_wire(task.desired_status))},
           {"KnownStatus", std::string(to_wire(container.last_status))},
           {"Limits",
            {{"CPU", static_cast<double>(effective_number(task, definition, container.name, "cpu"))},
             {"Memory", effective_number(task, definition, container.name, "memory")}}},
           {"Type", "NORMAL"},
           {"ContainerARN", container_arn_of(source.arns, task, container)},
           {"Networks", networks_of(source.definition, container)}};
  if (!container.image_digest.empty()) out["ImageID"] = container.image_digest;
  if (Json ports = ports_of(container); !ports.empty()) out["Ports"] = std::move(ports);
  if (container.exit_code) out["ExitCode"] = *container.exit_code;
  // berth records when a container started, not when its runc container was created (moments
  // apart): both times are the start.
  put_time(out, "CreatedAt", container.started_at);
  put_time(out, "StartedAt", container.started_at);
  put_time(out, "FinishedAt", container.finished_at);
  if (const Json log = definition.value("logConfiguration", Json::object()); log.contains("logDriver")) {
    out["LogDriver"] = log["logDriver"];
    out["LogOptions"] = log.value("options", Json::object());
  }
  if (definition.contains("healthCheck")) out["Health"] = {{"status", container.health_status}};
  if (container.restart_policy_enabled) out["RestartCount"] = container.restarts;
  return out;
}

Json task_metadata_json(const TaskMetadataSource& source) {
  const Task& task = source.task;
  Json out{{"Cluster", source.arns.cluster(task.cluster)},
           {"TaskARN", source.arns.task(task.cluster, task.id)},
           {"Family", task.family},
           {"Revision", std::to_string(task.revision)},
           {"DesiredStatus", std::string(to_wire(task.desired_status))},
           {"KnownStatus", std::string(to_wire(task.last_status))},
           {"AvailabilityZone", source.availability_zone},
           {"LaunchType", "EC2"},
           {"Containers", Json::array()}};
  if (task.group.starts_with("service:")) out["ServiceName"] = task.group.substr(8);
  // Task-level limits only, as ECS: CPU in vCPUs, memory in MiB; an unset one is left out.
  Json limits = Json::object();
  const auto task_level = [&](const char* key) {
    const Json& overridden = task.overrides.contains(key) ? task.overrides : source.definition;
    return task_units_of(overridden.value(key, ""));
  };
  if (const auto cpu = task_level("cpu")) limits["CPU"] = static_cast<double>(*cpu) / 1024.0;
  if (const auto memory = task_level("memory")) limits["Memory"] = *memory;
  if (!limits.empty()) out["Limits"] = limits;
  put_time(out, "PullStartedAt", task.pull_started_at);
  put_time(out, "PullStoppedAt", task.pull_stopped_at);
  put_time(out, "ExecutionStoppedAt", task.execution_stopped_at);
  for (const auto& c : task.containers) out["Containers"].push_back(container_metadata_json(source, c));
  return out;
}

}  // namespace berth::model
