#include "model/daemon_shapes.hpp"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "model/request_shapes.hpp"

namespace berth::model::daemon_shapes {
namespace {

const Shape k_string = string_shape();
const Shape k_bool = boolean_shape();
const Shape k_int = integer_shape();
const Shape k_number = number_shape();
const Shape k_timestamp = timestamp_shape();
const Shape k_strings = list_of(k_string);
const Shape k_max_results = integer_shape(1, 100);
const Shape k_tag = structure({{"key", &k_string}, {"value", &k_string}});
const Shape k_tags = list_of(k_tag);
const Shape k_propagate_tags = enum_shape({"DAEMON", "NONE"});
const Shape k_alarms = structure({{"alarmNames", &k_strings}, {"enable", &k_bool}});
const Shape k_deployment_configuration =
    structure({{"drainPercent", &k_number}, {"alarms", &k_alarms}, {"bakeTimeInMinutes", &k_int}});
const Shape k_host = structure({{"sourcePath", &k_string}});
const Shape k_volume = structure({{"name", &k_string}, {"host", &k_host}});
const Shape k_volumes = list_of(k_volume);
const Shape k_deployment_status = enum_shape(
    {"PENDING", "SUCCESSFUL", "STOPPED", "STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL",
     "ROLLBACK_FAILED"});
const Shape k_deployment_statuses = list_of(k_deployment_status);
const Shape k_created_at = structure({{"before", &k_timestamp}, {"after", &k_timestamp}});

// `shape` with only the members named, in its order.
Shape only(const Shape& shape, std::initializer_list<std::string_view> names) {
  Shape out = shape;
  std::erase_if(out.members, [&](const Member& m) { return std::find(names.begin(), names.end(), m.name) == names.end(); });
  return out;
}

const Shape& daemon_container_definitions() {
  static const Shape linux_parameters = [] {
    const auto& full = container_definition_shape().members;
    const auto it = std::find_if(full.begin(), full.end(), [](const Member& m) { return m.name == "linuxParameters"; });
    return only(*it->shape, {"capabilities", "devices", "initProcessEnabled", "tmpfs"});
  }();
  static const Shape container = [] {
    Shape s = only(container_definition_shape(),
                   {"name", "image", "memory", "memoryReservation", "repositoryCredentials", "healthCheck", "cpu",
                    "essential", "entryPoint", "command", "workingDirectory", "environmentFiles", "environment",
                    "secrets", "readonlyRootFilesystem", "mountPoints", "logConfiguration", "firelensConfiguration",
                    "privileged", "user", "ulimits", "linuxParameters", "dependsOn", "startTimeout", "stopTimeout",
                    "systemControls", "interactive", "pseudoTerminal", "restartPolicy"});
    for (auto& m : s.members) {
      if (m.name == "image") m.required = true;
      if (m.name == "linuxParameters") m.shape = &linux_parameters;
    }
    return s;
  }();
  static const Shape list = list_of(container);
  return list;
}

}  // namespace

const Shape& register_daemon_task_definition() {
  static const Shape s = structure({{"family", &k_string, true},
                                    {"taskRoleArn", &k_string},
                                    {"executionRoleArn", &k_string},
                                    {"containerDefinitions", &daemon_container_definitions(), true},
                                    {"cpu", &k_string},
                                    {"memory", &k_string},
                                    {"volumes", &k_volumes},
                                    {"tags", &k_tags}});
  return s;
}

const Shape& describe_daemon_task_definition() {
  static const Shape s = structure({{"daemonTaskDefinition", &k_string, true}});
  return s;
}

const Shape& list_daemon_task_definitions() {
  static const Shape revision = enum_shape({"LAST_REGISTERED"});
  static const Shape status = enum_shape({"ACTIVE", "DELETE_IN_PROGRESS", "ALL"});
  static const Shape sort = enum_shape({"ASC", "DESC"});
  static const Shape s = structure({{"familyPrefix", &k_string},
                                    {"family", &k_string},
                                    {"revision", &revision},
                                    {"status", &status},
                                    {"sort", &sort},
                                    {"nextToken", &k_string},
                                    {"maxResults", &k_max_results}});
  return s;
}

const Shape& create_daemon() {
  static const Shape s = structure({{"daemonName", &k_string, true},
                                    {"clusterArn", &k_string},
                                    {"daemonTaskDefinitionArn", &k_string, true},
                                    {"capacityProviderArns", &k_strings, true},
                                    {"deploymentConfiguration", &k_deployment_configuration},
                                    {"tags", &k_tags},
                                    {"propagateTags", &k_propagate_tags},
                                    {"enableECSManagedTags", &k_bool},
                                    {"enableExecuteCommand", &k_bool},
                                    {"clientToken", &k_string}});
  return s;
}

const Shape& update_daemon() {
  static const Shape s = structure({{"daemonArn", &k_string, true},
                                    {"daemonTaskDefinitionArn", &k_string, true},
                                    {"capacityProviderArns", &k_strings, true},
                                    {"deploymentConfiguration", &k_deployment_configuration},
                                    {"propagateTags", &k_propagate_tags},
                                    {"enableECSManagedTags", &k_bool},
                                    {"enableExecuteCommand", &k_bool}});
  return s;
}

const Shape& daemon_arn_only() {
  static const Shape s = structure({{"daemonArn", &k_string, true}});
  return s;
}

const Shape& list_daemons() {
  static const Shape s = structure({{"clusterArn", &k_string},
                                    {"capacityProviderArns", &k_strings},
                                    {"maxResults", &k_max_results},
                                    {"nextToken", &k_string}});
  return s;
}

const Shape& list_daemon_deployments() {
  static const Shape s = structure({{"daemonArn", &k_string, true},
                                    {"status", &k_deployment_statuses},
                                    {"createdAt", &k_created_at},
                                    {"maxResults", &k_max_results},
                                    {"nextToken", &k_string}});
  return s;
}

const Shape& describe_daemon_deployments() {
  static const Shape s = structure({{"daemonDeploymentArns", &k_strings, true}});
  return s;
}

const Shape& describe_daemon_revisions() {
  static const Shape s = structure({{"daemonRevisionArns", &k_strings, true}});
  return s;
}

}  // namespace berth::model::daemon_shapes
