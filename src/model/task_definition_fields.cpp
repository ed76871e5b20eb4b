#include "model/task_definition_fields.hpp"

#include <array>

namespace berth::model {
namespace {

using enum Support;
using enum FieldScope;

// no-new-privileges is berth's default for every unprivileged container, and berth loads no
// AppArmor profile, so these options ask for nothing berth does not already do.
bool asks_for_more_than_today(const Json& options) {
  constexpr std::array<std::string_view, 5> k_today = {"no-new-privileges", "no-new-privileges:true",
                                                        "no-new-privileges=true", "apparmor:unconfined",
                                                        "apparmor=unconfined"};
  for (const auto& option : options) {
    bool known = false;
    for (const std::string_view today : k_today) known = known || option == today;
    if (!known) return true;
  }
  return false;
}

constexpr std::array k_rows = {
    // RegisterTaskDefinitionRequest.
    FieldRow{task, "family", honoured, "Name of the definition; revisions count up per family."},
    FieldRow{task, "taskRoleArn", refused,
             "berth has no IAM, so containers would get no role credentials; give them what they need as secrets"},
    FieldRow{task, "executionRoleArn", honoured,
             "Accepted and shown. Its purpose is honoured by berth itself: image pulls and secrets use berth's own "
             "registry credentials and secret store."},
    FieldRow{task, "networkMode", honoured, "bridge (default), host, none; awsvpc is refused by RunTask."},
    FieldRow{task, "containerDefinitions", honoured, "1 to 10 containers; see the containerDefinitions rows."},
    FieldRow{task, "volumes", honoured, "See the volumes rows."},
    FieldRow{task, "placementConstraints", honoured, "memberOf expressions, checked at placement."},
    FieldRow{task, "requiresCompatibilities", honoured,
             "EC2 and EXTERNAL are accepted; FARGATE and MANAGED_INSTANCES are refused."},
    FieldRow{task, "cpu", honoured, "Task-level cgroup limit and placement reservation."},
    FieldRow{task, "memory", honoured, "Task-level cgroup limit and placement reservation."},
    FieldRow{task, "tags", honoured, "Stored; ListTagsForResource and include TAGS show them."},
    FieldRow{task, "pidMode", pending, "Every container has its own PID namespace today."},
    FieldRow{task, "ipcMode", pending, "Every container has its own IPC namespace and 64 MiB /dev/shm today."},
    FieldRow{task, "proxyConfiguration", refused,
             "it configures the App Mesh Envoy proxy, which berth does not run"},
    FieldRow{task, "inferenceAccelerators", refused, "Elastic Inference accelerators do not exist on a gateway"},
    FieldRow{task, "ephemeralStorage", pending,
             "sizeInGiB must be 21 to 200; a per-task quota on the writable layers is not implemented yet."},
    FieldRow{task, "runtimePlatform", pending,
             "Windows families are refused; LINUX and cpuArchitecture wait for placement to check them."},
    FieldRow{task, "enableFaultInjection", refused, "berth serves no fault-injection endpoints"},
    // Volume.
    FieldRow{volume, "name", honoured, "Referenced by mountPoints.sourceVolume."},
    FieldRow{volume, "host", honoured,
             "host.sourcePath binds a host path (needs berth:RegisterPrivilegedTaskDefinition); without it, a "
             "directory of the task under berth's data dir."},
    FieldRow{volume, "dockerVolumeConfiguration", honoured,
             "scope task or shared (a directory under berth's data dir); driver must be local, driverOpts are "
             "refused; labels are stored; autoprovision false is pending (berth always creates the directory)."},
    FieldRow{volume, "efsVolumeConfiguration", refused,
             "Amazon EFS is not reachable from a berth gateway; use host.sourcePath or a local volume"},
    FieldRow{volume, "fsxWindowsFileServerVolumeConfiguration", refused,
             "FSx for Windows File Server volumes need Windows containers; berth runs Linux containers only"},
    FieldRow{volume, "s3filesVolumeConfiguration", refused,
             "S3 Files volumes are not reachable from a berth gateway; use host.sourcePath or a local volume"},
    FieldRow{volume, "configuredAtLaunch", refused,
             "it leaves the volume to an EBS volume given at RunTask, and berth attaches no EBS volumes"},
    // ContainerDefinition.
    FieldRow{container, "name", honoured, "Unique in the definition."},
    FieldRow{container, "image", honoured, "Pulled by the agent (registry credentials from berth)."},
    FieldRow{container, "repositoryCredentials", honoured, "A secret holding the registry credentials."},
    FieldRow{container, "cpu", honoured, "cgroup CPU shares and placement reservation."},
    FieldRow{container, "memory", honoured, "Hard memory limit."},
    FieldRow{container, "memoryReservation", honoured, "Soft limit and placement reservation."},
    FieldRow{container, "links", pending, "bridge only; the link targets must be containers of the definition."},
    FieldRow{container, "portMappings", honoured,
             "containerPort, hostPort, protocol, containerPortRange; name and appProtocol are stored as metadata "
             "(ECS uses them only for Service Connect)."},
    FieldRow{container, "essential", honoured, "An essential container that stops stops the task."},
    FieldRow{container, "restartPolicy", honoured,
             "Restarted in place by the agent as ECS does (ignoredExitCodes, restartAttemptPeriod); restartCount on DescribeTasks."},
    FieldRow{container, "entryPoint", honoured, "Replaces the image's entrypoint."},
    FieldRow{container, "command", honoured, "Replaces the image's command."},
    FieldRow{container, "environment", honoured, "Added to the image's environment."},
    FieldRow{container, "environmentFiles", pending,
             "S3 objects are refused for good (no S3 on a gateway); local .env files and secret ARNs are planned."},
    FieldRow{container, "mountPoints", honoured, "Binds a volume of the definition."},
    FieldRow{container, "volumesFrom", pending, "The source must be another container of the definition."},
    FieldRow{container, "linuxParameters", honoured, "See the linuxParameters rows."},
    FieldRow{container, "secrets", honoured, "Resolved from berth's secret store at start, never logged."},
    FieldRow{container, "dependsOn", honoured, "START, COMPLETE, SUCCESS, HEALTHY; cycles are refused."},
    FieldRow{container, "startTimeout", honoured, "Seconds to wait for a dependency's condition."},
    FieldRow{container, "stopTimeout", honoured, "Seconds between SIGTERM and SIGKILL."},
    FieldRow{container, "versionConsistency", pending,
             "disabled is today's behaviour and accepted (every start resolves the image tag afresh); enabled, "
             "a service's tasks pinned to the first digest, is not built yet.",
             [](const Json& value) { return value == "enabled"; }},
    FieldRow{container, "hostname", honoured, "Set in the container's own UTS namespace."},
    FieldRow{container, "user", honoured, "user, uid, user:group or uid:gid."},
    FieldRow{container, "workingDirectory", honoured, "Absolute path."},
    FieldRow{container, "disableNetworking", pending, "It cannot be combined with portMappings."},
    FieldRow{container, "privileged", honoured,
             "All capabilities and devices cgroup access; needs berth:RegisterPrivilegedTaskDefinition."},
    FieldRow{container, "readonlyRootFilesystem", honoured, "Read-only root filesystem."},
    FieldRow{container, "dnsServers", honoured,
             "bridge: written to the container's resolv.conf; refused with networkMode host and none."},
    FieldRow{container, "dnsSearchDomains", honoured,
             "bridge: written to the container's resolv.conf; refused with networkMode host and none."},
    FieldRow{container, "extraHosts", honoured, "Added to the container's /etc/hosts; refused with networkMode host."},
    FieldRow{container, "dockerSecurityOptions", pending,
             "no-new-privileges and apparmor=unconfined are today's behaviour and accepted; label:<x> other than "
             "label:disable, credentialspec:, seccomp=<profile> and unknown options are refused for good.",
             asks_for_more_than_today},
    FieldRow{container, "interactive", honoured,
             "stdin stays open (a pipe the container's monitor holds, or its terminal); berth attach sends it input."},
    FieldRow{container, "pseudoTerminal", honoured,
             "A terminal (pty) from runc, held by the container's monitor; its output is logged as stdout; berth attach."},
    FieldRow{container, "dockerLabels", honoured,
             "OCI annotations, with the ECS agent's com.amazonaws.ecs.* labels (which win over a label of the same name)."},
    FieldRow{container, "ulimits", honoured, "Set as the container's rlimits."},
    FieldRow{container, "logConfiguration", honoured,
             "json-file without options (berth's own rotated log, read with berth logs); other drivers, options "
             "and secretOptions are refused."},
    FieldRow{container, "healthCheck", honoured, "Run by the agent; HEALTHY/UNHEALTHY in DescribeTasks."},
    FieldRow{container, "systemControls", honoured,
             "Set in the container's namespaces (OCI linux.sysctl); only namespaced parameters (kernel.msg*, "
             "kernel.sem, kernel.shm*, fs.mqueue.*, net.*), never the host's."},
    FieldRow{container, "resourceRequirements", pending,
             "GPU waits for placement to count GPUs; InferenceAccelerator is refused for good."},
    FieldRow{container, "firelensConfiguration", refused,
             "berth runs no FireLens log router; use logConfiguration json-file"},
    FieldRow{container, "credentialSpecs", refused,
             "gMSA credential specs need Active Directory, which berth does not provide"},
    // LinuxParameters.
    FieldRow{linux_parameters, "capabilities", honoured, "add needs berth:RegisterPrivilegedTaskDefinition."},
    FieldRow{linux_parameters, "devices", honoured,
             "The host node (its major:minor, mode and owner) and a cgroup rule with the permissions; needs "
             "berth:RegisterPrivilegedTaskDefinition; a missing or non-device hostPath stops the task."},
    FieldRow{linux_parameters, "initProcessEnabled", pending, "false is today's behaviour and accepted."},
    FieldRow{linux_parameters, "sharedMemorySize", honoured, "The size of the container's /dev/shm (64 MiB when unset)."},
    FieldRow{linux_parameters, "tmpfs", honoured, "Mount options from ECS's documented list."},
    FieldRow{linux_parameters, "maxSwap", honoured, "Needs the container's memory: swap comes on top of it."},
    FieldRow{linux_parameters, "swappiness", pending,
             "Needs maxSwap. Applied on cgroup v1; pending until a cgroup v2 host, where runc ignores it, refuses it."},
};

bool asks_for_something(const Json& value) {
  if (value.is_null() || value == Json(false)) return false;
  if ((value.is_array() || value.is_object() || value.is_string()) && value.empty()) return false;
  return true;
}

std::string refusal(const FieldRow& row, std::string_view path) {
  if (row.support == pending) return std::string(path) + " is not supported by berth yet.";
  return std::string(path) + " is not supported: " + std::string(row.note) + ".";
}

// The refusal of `value` under `row`, written with `path`: empty when the row honours it or the
// value asks for nothing.
std::string refusal_of(const FieldRow& row, const Json& value, std::string_view path) {
  if (row.support == honoured) return "";
  const bool asks = row.asks_for_something ? row.asks_for_something(value) : asks_for_something(value);
  return asks ? refusal(row, path) : "";
}

// The first refused or pending row of `scope` that `object` asks for, as its refusal.
std::string first_refusal(const Json& object, FieldScope scope, std::string_view prefix) {
  if (!object.is_object()) return "";
  for (const FieldRow& row : k_rows) {
    if (row.scope != scope) continue;
    const auto it = object.find(std::string(row.name));
    if (it == object.end()) continue;
    if (auto why = refusal_of(row, *it, std::string(prefix) + std::string(row.name)); !why.empty()) return why;
  }
  return "";
}

const FieldRow& row_of(FieldScope scope, std::string_view name) {
  for (const FieldRow& row : k_rows) {
    if (row.scope == scope && row.name == name) return row;
  }
  BERTH_CHECK(false);  // every override below names a row of the table
  return k_rows[0];
}

}  // namespace

std::span<const FieldRow> task_definition_fields() { return k_rows; }

std::string field_path(const FieldRow& row) {
  switch (row.scope) {
    case task: return std::string(row.name);
    case container: return "containerDefinitions." + std::string(row.name);
    case linux_parameters: return "containerDefinitions.linuxParameters." + std::string(row.name);
    case volume: return "volumes." + std::string(row.name);
  }
  return std::string(row.name);
}

std::string_view to_string(Support support) {
  switch (support) {
    case honoured: return "honoured";
    case refused: return "refused";
    case pending: return "pending";
  }
  return "pending";
}

Result<void> check_field_support(const Json& request) {
  if (auto why = first_refusal(request, task, ""); !why.empty()) return fail(Code::client, why);
  for (const auto& v : request.value("volumes", Json::array())) {
    if (auto why = first_refusal(v, volume, ""); !why.empty()) {
      return fail(Code::client, "Volume '" + v.value("name", "") + "': " + why);
    }
  }
  for (const auto& c : request.value("containerDefinitions", Json::array())) {
    auto why = first_refusal(c, container, "");
    if (why.empty() && c.contains("linuxParameters")) {
      why = first_refusal(c["linuxParameters"], linux_parameters, "linuxParameters.");
    }
    if (!why.empty()) {
      return fail(Code::client, "Invalid setting for container '" + c.value("name", "") + "'. " + why);
    }
  }
  return {};
}

Result<void> check_override_support(const Json& overrides) {
  struct Override { const char* key; FieldScope scope; const char* row; };
  for (const Override o : {Override{"taskRoleArn", task, "taskRoleArn"}, Override{"ephemeralStorage", task, "ephemeralStorage"},
                           Override{"inferenceAcceleratorOverrides", task, "inferenceAccelerators"}}) {
    if (!overrides.contains(o.key)) continue;
    const auto why = refusal_of(row_of(o.scope, o.row), overrides[o.key], std::string("overrides.") + o.key);
    if (!why.empty()) return fail(Code::client, why);
  }
  for (const auto& c : overrides.value("containerOverrides", Json::array())) {
    for (const char* key : {"environmentFiles", "resourceRequirements"}) {
      if (!c.contains(key)) continue;
      const auto why = refusal_of(row_of(container, key), c[key], std::string("overrides.containerOverrides.") + key);
      if (!why.empty()) return fail(Code::client, why);
    }
  }
  return {};
}

}  // namespace berth::model
