#include "model/task_definition.hpp"

#include <functional>
#include <map>
#include <set>

#include "model/container_definition.hpp"
#include "model/ephemeral_storage.hpp"
#include "model/fargate_rules.hpp"
#include "model/names.hpp"
#include "model/required_attributes.hpp"
#include "model/task_definition_fields.hpp"
#include "model/units.hpp"
#include "model/volumes_from.hpp"
#include "common/numbers.hpp"

namespace berth::model {
namespace {

Result<void> check_volumes(const Json& volumes) {
  std::set<std::string> names;
  for (const auto& v : volumes) {
    const std::string name = v.value("name", "");
    if (auto ok = check_name("Volume name", name); !ok) return ok;
    if (!names.insert(name).second) {
      return fail(Code::client, "Volume name '" + name + "' is used more than once.");
    }
    if (v.contains("host") && v["host"].contains("sourcePath") &&
        !is_clean_absolute_path(v["host"]["sourcePath"].get<std::string>())) {
      return fail(Code::client, "Volume '" + name +
                                    "': host.sourcePath must be an absolute path without '..'.");
    }
  }
  return {};
}

// A link is "container[:alias]": Docker's legacy links, which name another container of the task.
Result<void> check_link(const std::string& link, const std::string& name,
                        const std::map<std::string, const Json*>& by_name) {
  const auto colon = link.find(':');
  const std::string target = link.substr(0, colon);
  if (target == name || !by_name.contains(target)) {
    return fail(Code::client, "Invalid setting for container '" + name + "'. links '" + link +
                                  "': '" + target + "' is not another container of this task definition.");
  }
  // The link is reached over the task's network namespace, which such a target does not join.
  if (by_name.at(target)->value("disableNetworking", false)) {
    return fail(Code::client, "Invalid setting for container '" + name + "'. links '" + link + "': '" + target +
                                  "' has disableNetworking, so no link can reach it.");
  }
  if (colon == std::string::npos) return {};
  const std::string alias = link.substr(colon + 1);
  if (!is_valid_name(alias)) {
    return fail(Code::client, "Invalid setting for container '" + name + "'. links '" + link +
                                  "': the alias must be 1 to 255 letters, digits, '_' and '-'.");
  }
  return {};
}

Result<void> check_references(const Json& containers, const Json& volumes) {
  std::set<std::string> volume_names;
  for (const auto& v : volumes) volume_names.insert(v["name"].get<std::string>());
  std::map<std::string, const Json*> by_name;
  for (const auto& c : containers) by_name[c["name"].get<std::string>()] = &c;

  for (const auto& c : containers) {
    const std::string name = c["name"];
    for (const auto& mp : c["mountPoints"]) {
      if (!volume_names.contains(mp["sourceVolume"].get<std::string>())) {
        return fail(Code::client, "Invalid setting for container '" + name + "'. sourceVolume '" +
                                      mp["sourceVolume"].get<std::string>() +
                                      "' is not a volume of this task definition.");
      }
    }
    for (const auto& vf : c["volumesFrom"]) {
      const std::string source = vf.value("sourceContainer", "");
      if (source == name || !by_name.contains(source)) {
        return fail(Code::client, "Invalid setting for container '" + name + "'. volumesFrom '" +
                                      source + "' is not another container of this task definition.");
      }
    }
    // Two mounts at one path: which one the container would see depends on mount order.
    std::map<std::string, std::string> mounted;  // containerPath → "" (its own) or the volumesFrom source
    for (const auto& ours : c["mountPoints"]) mounted.emplace(ours["containerPath"].get<std::string>(), "");
    for (const auto& inherited : volumes_from_mounts(containers, c)) {
      const std::string path = (*inherited.mount_point)["containerPath"];
      const auto [it, fresh] = mounted.emplace(path, inherited.via);
      if (fresh) continue;
      return fail(Code::client, "Invalid setting for container '" + name + "'. volumesFrom '" + inherited.via +
                                    "' mounts " + path + ", which this container also " +
                                    (it->second.empty() ? "mounts." : "gets through volumesFrom '" + it->second + "'."));
    }
    for (const auto& link : c.value("links", Json::array())) {
      if (auto ok = check_link(link.get<std::string>(), name, by_name); !ok) return ok;
    }
    for (const auto& dep : c.value("dependsOn", Json::array())) {
      const std::string target = dep["containerName"];
      const std::string condition = dep["condition"];
      const auto it = by_name.find(target);
      if (target == name || it == by_name.end()) {
        return fail(Code::client, "Invalid setting for container '" + name + "'. dependsOn '" +
                                      target + "' is not another container of this task definition.");
      }
      const Json& other = *it->second;
      if ((condition == "COMPLETE" || condition == "SUCCESS") && other["essential"].get<bool>()) {
        return fail(Code::client, "Invalid setting for container '" + name + "'. dependsOn '" +
                                      target + "' with condition " + condition +
                                      " requires '" + target + "' to be non-essential.");
      }
      if (condition == "HEALTHY" && !other.contains("healthCheck")) {
        return fail(Code::client, "Invalid setting for container '" + name + "'. dependsOn '" +
                                      target + "' with condition HEALTHY requires '" + target +
                                      "' to have a healthCheck.");
      }
    }
  }
  return {};
}

// Depth-first search over dependsOn edges; any back edge is a cycle.
Result<void> check_dependency_cycles(const Json& containers) {
  std::map<std::string, std::vector<std::string>> edges;
  for (const auto& c : containers) {
    auto& out = edges[c["name"].get<std::string>()];
    for (const auto& dep : c.value("dependsOn", Json::array())) out.push_back(dep["containerName"]);
  }
  enum class Mark { none, active, done };
  std::map<std::string, Mark> marks;
  std::function<bool(const std::string&)> has_cycle = [&](const std::string& node) {
    marks[node] = Mark::active;
    for (const auto& next : edges[node]) {
      if (marks[next] == Mark::active) return true;
      if (marks[next] == Mark::none && has_cycle(next)) return true;
    }
    marks[node] = Mark::done;
    return false;
  };
  for (const auto& [node, _] : edges) {
    if (marks[node] == Mark::none && has_cycle(node)) {
      return fail(Code::client, "dependsOn forms a cycle through container '" + node + "'.");
    }
  }
  return {};
}

// Runs after normalisation: the task's cpu and memory, when set, are decimal strings.
Result<void> check_task_totals(const Json& body) {
  const auto task_cpu = task_units_of(body.value("cpu", ""));
  const auto task_memory = task_units_of(body.value("memory", ""));
  long long cpu_sum = 0, reserved_sum = 0;
  for (const auto& c : body["containerDefinitions"]) {
    cpu_sum += c["cpu"].get<long long>();
    reserved_sum += c.value("memoryReservation", c.value("memory", 0LL));
    if (task_memory && c.contains("memory") && c["memory"].get<long long>() > *task_memory) {
      return fail(Code::client, "Invalid 'memory' setting for container '" +
                                    c["name"].get<std::string>() +
                                    "': it is larger than the task's memory.");
    }
  }
  if (task_cpu && cpu_sum > *task_cpu) {
    return fail(Code::client, "Invalid 'cpu' setting for task: the containers' cpu adds up to " +
                                  std::to_string(cpu_sum) + ", more than the task's " +
                                  std::to_string(*task_cpu) + ".");
  }
  if (task_memory && reserved_sum > *task_memory) {
    return fail(Code::client, "Invalid 'memory' setting for task: the containers reserve " +
                                  std::to_string(reserved_sum) + " MiB, more than the task's " +
                                  std::to_string(*task_memory) + ".");
  }
  return {};
}

Result<void> check_constraints(const Json& constraints) {
  if (constraints.size() > 10) {
    return fail(Code::client, "A task definition can have at most 10 placement constraints.");
  }
  for (const auto& pc : constraints) {
    const std::string expression = pc.value("expression", "");
    if (pc.value("type", "memberOf") != "memberOf" || expression.empty()) {
      return fail(Code::client, "Placement constraints of a task definition must be memberOf with an expression.");
    }
    if (expression.size() > 2000) {
      return fail(Code::client, "A placement constraint expression is limited to 2000 characters.");
    }
  }
  return {};
}


// Task-level settings refused for good in some of their values; the field table refuses the
// fields berth does not apply at all.
Result<void> check_task_settings(const Json& body) {
  for (const auto& compatibility : body.value("requiresCompatibilities", Json::array())) {
    // FARGATE is registered as ECS registers it, when Fargate could run it (never run here).
    if (compatibility == "FARGATE") {
      BERTH_TRY(check_fargate_rules(body));
    } else if (compatibility != "EC2" && compatibility != "EXTERNAL") {
      return fail(Code::client, "requiresCompatibilities " + compatibility.get<std::string>() +
                                    " is not supported: berth runs tasks on its own container instances (EC2, "
                                    "EXTERNAL).");
    }
  }
  if (body.contains("runtimePlatform")) {
    const std::string family = body["runtimePlatform"].value("operatingSystemFamily", "LINUX");
    if (family != "LINUX") {
      return fail(Code::client, "runtimePlatform.operatingSystemFamily " + family +
                                    " is not supported: berth runs Linux containers only.");
    }
  }
  if (body.contains("ephemeralStorage")) BERTH_TRY(check_ephemeral_storage(body["ephemeralStorage"], "ephemeralStorage"));
  for (const auto& v : body["volumes"]) {
    if (!v.contains("dockerVolumeConfiguration")) continue;
    const auto& docker = v["dockerVolumeConfiguration"];
    const std::string name = v.value("name", "");
    if (docker.value("driver", "local") != "local") {
      return fail(Code::client, "Volume '" + name + "': dockerVolumeConfiguration.driver '" +
                                    docker["driver"].get<std::string>() +
                                    "' is not supported: berth's volumes are local directories under its data dir.");
    }
    // A task-scoped volume is made for each task, so only a shared one can be expected to exist.
    if (docker.value("autoprovision", true) == false && docker.value("scope", "task") != "shared") {
      return fail(Code::client, "Volume '" + name +
                                    "': dockerVolumeConfiguration.autoprovision false needs scope 'shared': a "
                                    "task-scoped volume is created for each task.");
    }
    if (!docker.value("driverOpts", Json::object()).empty()) {
      return fail(Code::client, "Volume '" + name +
                                    "': dockerVolumeConfiguration.driverOpts are not supported: berth's local "
                                    "volumes are directories under its data dir.");
    }
  }
  return {};
}

}  // namespace

Result<RegisterRequest> normalize_task_definition(Json request) {
  RegisterRequest out;
  if (request.contains("tags")) {
    auto tags = read_tags(request["tags"]);
    if (!tags) return std::unexpected(tags.error());
    out.tags = std::move(*tags);
    request.erase("tags");
  }
  Json& body = request;
  BERTH_TRY(check_family(body["family"].get<std::string>()));
  auto& containers = body["containerDefinitions"];
  if (containers.empty() || containers.size() > 10) {
    return fail(Code::client, "A task definition needs 1 to 10 container definitions.");
  }
  if (!body.contains("networkMode")) body["networkMode"] = std::string(to_wire(k_default_network_mode));
  for (const char* list : {"volumes", "placementConstraints"}) {
    if (!body.contains(list)) body[list] = Json::array();
  }
  if (body.contains("cpu")) {
    auto cpu = normalize_task_cpu(body["cpu"].get<std::string>());
    if (!cpu) return std::unexpected(cpu.error());
    body["cpu"] = *cpu;
  }
  if (body.contains("memory")) {
    auto memory = normalize_task_memory(body["memory"].get<std::string>());
    if (!memory) return std::unexpected(memory.error());
    body["memory"] = *memory;
  }

  const TaskContext context{body["networkMode"].get<std::string>(), body.value("ipcMode", ""),
                            body.contains("memory")};
  std::set<std::string> names;
  bool any_essential = false;
  for (auto& c : containers) {
    if (auto ok = normalize_container(c, context); !ok) return std::unexpected(ok.error());
    if (!names.insert(c["name"].get<std::string>()).second) {
      return fail(Code::client, "Container name '" + c["name"].get<std::string>() +
                                    "' is used more than once in the task definition.");
    }
    any_essential = any_essential || c["essential"].get<bool>();
  }
  if (!any_essential) {
    return fail(Code::client, "A task definition must have at least one essential container.");
  }
  if (auto ok = check_task_settings(body); !ok) return std::unexpected(ok.error());
  if (auto ok = check_volumes(body["volumes"]); !ok) return std::unexpected(ok.error());
  if (auto ok = check_references(containers, body["volumes"]); !ok) return std::unexpected(ok.error());
  if (auto ok = check_dependency_cycles(containers); !ok) return std::unexpected(ok.error());
  if (auto ok = check_task_totals(body); !ok) return std::unexpected(ok.error());
  if (auto ok = check_constraints(body["placementConstraints"]); !ok) {
    return std::unexpected(ok.error());
  }
  // Last: the checks above say what is wrong with a field before this says it is not applied.
  if (auto ok = check_field_support(body); !ok) return std::unexpected(ok.error());
  for (const char* role : {"taskRoleArn", "executionRoleArn"}) {
    if (body.contains(role) && body[role].get<std::string>().size() > 2048) {
      return fail(Code::client, std::string("'") + role + "' is too long.");
    }
  }
  if (body.dump().size() > k_max_task_definition_bytes) {
    return fail(Code::client, "The task definition is larger than the 64 KiB ECS allows.");
  }
  out.body = std::move(body);
  return out;
}

Json task_definition_to_json(const TaskDefinition& td, const ArnScope& arns) {
  Json out = td.body;
  out["taskDefinitionArn"] = arns.task_definition(td.family, td.revision);
  out["family"] = td.family;
  out["revision"] = td.revision;
  out["status"] = std::string(to_wire(td.status));
  out["registeredAt"] = epoch_seconds(td.registered_at);
  out["registeredBy"] = "arn:aws:iam::" + arns.account + ":root";
  out["compatibilities"] = Json::array({"EC2", "EXTERNAL"});
  if (requires_fargate(td.body)) out["compatibilities"].push_back("FARGATE");
  out["requiresAttributes"] = required_attributes_to_json(required_attributes(td.body));
  if (td.deregistered_at) out["deregisteredAt"] = epoch_seconds(*td.deregistered_at);
  return out;
}

Result<void> check_family(std::string_view family) {
  if (family.size() > 255) return fail(Code::client, "Family is longer than 255 characters.");
  if (!is_valid_name(family)) return fail(Code::client, "Family contains invalid characters.");
  return {};
}

Result<TaskDefinitionRef> parse_task_definition_ref(std::string_view text) {
  std::string_view family_revision = text;
  if (is_arn(text)) {
    const auto arn = parse_ecs_arn(text);
    if (!arn || arn->resource_type != "task-definition") {
      return fail(Code::client, "'" + std::string(text) + "' is not a task definition ARN.");
    }
    if (arn->resource.find(':') == std::string::npos) {
      return fail(Code::client, "A task definition ARN must include the revision.");
    }
    family_revision = text.substr(text.size() - arn->resource.size());
  }
  TaskDefinitionRef ref;
  const auto colon = family_revision.find(':');
  ref.family = family_revision.substr(0, colon);
  BERTH_TRY(check_family(ref.family));
  if (colon != std::string_view::npos) {
    // ECS revisions are 32-bit; ECS names the text it could not read as one.
    const std::string_view rev = family_revision.substr(colon + 1);
    const auto n = parse_integer_in<std::int32_t>(rev, 1, INT32_MAX);
    if (!n) {
      return fail(Code::invalid_parameter, "Invalid revision number. Number: " + std::string(rev));
    }
    ref.revision = *n;
  }
  return ref;
}

NetworkMode network_mode_of(const Json& body) {
  const auto it = body.find("networkMode");
  if (it == body.end() || !it->is_string()) return k_default_network_mode;
  return from_wire<NetworkMode>(it->get<std::string>()).value_or(k_default_network_mode);
}

}  // namespace berth::model
