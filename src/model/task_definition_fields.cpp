#include "model/task_definition_fields.hpp"

#include <array>

#include "model/environment_file_sources.hpp"

namespace berth::model {
namespace {

using enum Support;
using enum FieldScope;

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
             "EC2 and EXTERNAL are accepted; FARGATE is registered when Fargate's rules hold (awsvpc, a Fargate cpu "
             "and memory size, ...) but never runs on a gateway; MANAGED_INSTANCES is refused."},
    FieldRow{task, "cpu", honoured, "Task-level cgroup limit and placement reservation."},
    FieldRow{task, "memory", honoured, "Task-level cgroup limit and placement reservation."},
    FieldRow{task, "tags", honoured, "Stored; ListTagsForResource and include TAGS show them."},
    FieldRow{task, "pidMode", honoured,
             "task: one PID namespace for the task's containers, whose PID 1 is a berth holder process, so any "
             "container may exit; host: the host's (needs berth:RegisterPrivilegedTaskDefinition)."},
    FieldRow{task, "ipcMode", honoured,
             "task: one IPC namespace and one /dev/shm (the largest sharedMemorySize, else 64 MiB) for the task's "
             "containers; host: the host's and its /dev/shm (needs berth:RegisterPrivilegedTaskDefinition); none: a "
             "private namespace without /dev/shm."},
    FieldRow{task, "proxyConfiguration", refused,
             "it configures the App Mesh Envoy proxy, which berth does not run"},
    FieldRow{task, "inferenceAccelerators", refused, "Elastic Inference accelerators do not exist on a gateway"},
    FieldRow{task, "ephemeralStorage", honoured,
             "sizeInGiB 21 to 200: a project quota on the task's writable layers where berth's data dir has project "
             "quotas (ext4 with the project feature mounted prjquota, XFS mounted prjquota; such agents register "
             "berth.capability.ephemeral-storage, which the definition requires: elsewhere placement reports "
             "ATTRIBUTE, and a limit given only by an override stops the task with CannotStartContainerError, never "
             "unlimited)."},
    FieldRow{task, "runtimePlatform", honoured,
             "cpuArchitecture (X86_64, ARM64) and operatingSystemFamily LINUX become requiresAttributes "
             "ecs.cpu-architecture and ecs.os-family: placement rejects other instances with ATTRIBUTE. "
             "Windows families are refused."},
    FieldRow{task, "enableFaultInjection", refused, "berth serves no fault-injection endpoints"},
    // Volume.
    FieldRow{volume, "name", honoured, "Referenced by mountPoints.sourceVolume."},
    FieldRow{volume, "host", honoured,
             "host.sourcePath binds a host path (needs berth:RegisterPrivilegedTaskDefinition); without it, a "
             "directory of the task under berth's data dir."},
    FieldRow{volume, "dockerVolumeConfiguration", honoured,
             "scope task or shared (a directory under berth's data dir); driver must be local, driverOpts are "
             "refused; labels are stored; autoprovision false (scope shared only) fails a task whose directory does "
             "not exist instead of creating it."},
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
    FieldRow{container, "links", honoured,
             "bridge only: an /etc/hosts line for the alias and the name (127.0.0.1: a task's containers share one "
             "network namespace) and Docker's legacy link variables (<ALIAS>_NAME, <ALIAS>_PORT..., "
             "<ALIAS>_ENV_<name> from the target's environment, never its secrets)."},
    FieldRow{container, "portMappings", honoured,
             "containerPort, hostPort, protocol, containerPortRange; name and appProtocol are stored as metadata "
             "(ECS uses them only for Service Connect)."},
    FieldRow{container, "essential", honoured, "An essential container that stops stops the task."},
    FieldRow{container, "restartPolicy", honoured,
             "Restarted in place by the agent as ECS does (ignoredExitCodes, restartAttemptPeriod); restartCount on DescribeTasks."},
    FieldRow{container, "entryPoint", honoured, "Replaces the image's entrypoint."},
    FieldRow{container, "command", honoured, "Replaces the image's command."},
    FieldRow{container, "environment", honoured, "Added to the image's environment."},
    FieldRow{container, "environmentFiles", honoured,
             "A .env file on the instance (at most 64 KiB; needs berth:RegisterPrivilegedTaskDefinition) or a "
             "Secrets Manager or SSM parameter ARN holding one; at most 10, read at start before any pull; a RunTask "
             "or StartTask override may name neither (those calls check no access to them). environment wins over them, the first file wins a name in several; S3 is "
             "refused; type stays s3, the only value ECS's model allows."},
    FieldRow{container, "mountPoints", honoured, "Binds a volume of the definition."},
    FieldRow{container, "volumesFrom", honoured,
             "Mounts every mountPoint of the source container, and what it takes through its own volumesFrom, at "
             "the same path (read-only if readOnly on the way); a path mounted twice is refused."},
    FieldRow{container, "linuxParameters", honoured, "See the linuxParameters rows."},
    FieldRow{container, "secrets", honoured, "Resolved from berth's secret store at start, never logged."},
    FieldRow{container, "dependsOn", honoured, "START, COMPLETE, SUCCESS, HEALTHY; cycles are refused."},
    FieldRow{container, "startTimeout", honoured, "Seconds to wait for a dependency's condition."},
    FieldRow{container, "stopTimeout", honoured, "Seconds between SIGTERM and SIGKILL."},
    FieldRow{container, "versionConsistency", honoured,
             "enabled (ECS's default): the tasks of a service deployment run the image digest its first task "
             "reported (started as image@digest, so a moved tag changes nothing until a new deployment; tasks "
             "started before one reported resolve the tag themselves); disabled, and tasks RunTask starts, resolve "
             "the tag at every start."},
    FieldRow{container, "hostname", honoured, "Set in the container's own UTS namespace."},
    FieldRow{container, "user", honoured, "user, uid, user:group or uid:gid."},
    FieldRow{container, "workingDirectory", honoured, "Absolute path."},
    FieldRow{container, "disableNetworking", honoured,
             "Its own network namespace with only lo up: no task network and no resolv.conf; not with portMappings "
             "or links."},
    FieldRow{container, "privileged", honoured,
             "All capabilities and devices cgroup access; needs berth:RegisterPrivilegedTaskDefinition."},
    FieldRow{container, "readonlyRootFilesystem", honoured, "Read-only root filesystem."},
    FieldRow{container, "dnsServers", honoured,
             "bridge: written to the container's resolv.conf; refused with networkMode host and none."},
    FieldRow{container, "dnsSearchDomains", honoured,
             "bridge: written to the container's resolv.conf; refused with networkMode host and none."},
    FieldRow{container, "extraHosts", honoured, "Added to the container's /etc/hosts; refused with networkMode host."},
    FieldRow{container, "dockerSecurityOptions", honoured,
             "no-new-privileges (berth's default), seccomp=unconfined (no seccomp filter), systempaths=unconfined "
             "(no masked or read-only /proc paths), apparmor=<profile> (the start fails where AppArmor is not "
             "enabled), label:disable (berth has no SELinux); lifting confinement needs "
             "berth:RegisterPrivilegedTaskDefinition. Other label: options, credentialspec:, seccomp=<profile>, "
             "no-new-privileges:false and unknown options are refused."},
    FieldRow{container, "interactive", honoured,
             "stdin stays open (a pipe the container's monitor holds, or its terminal); berth attach sends it input."},
    FieldRow{container, "pseudoTerminal", honoured,
             "A terminal (pty) from runc, held by the container's monitor; its output is logged as stdout; berth attach."},
    FieldRow{container, "dockerLabels", honoured,
             "OCI annotations, with the ECS agent's com.amazonaws.ecs.* labels (which win over a label of the same name)."},
    FieldRow{container, "ulimits", honoured, "Set as the container's rlimits."},
    FieldRow{container, "logConfiguration", honoured,
             "awslogs (stored on the gateway, read with the CloudWatch Logs API and berth logs; group, region, "
             "stream prefix, create-group, mode, max-buffer-size, datetime-format, multiline-pattern), json-file "
             "without options (berth's own rotated log, read with berth logs), none (nothing kept), syslog "
             "(syslog-address, syslog-facility, syslog-format, tag) and journald (tag) sent by the container's "
             "monitor with Docker's mode and max-buffer-size; other drivers and secretOptions are refused."},
    FieldRow{container, "healthCheck", honoured, "Run by the agent; HEALTHY/UNHEALTHY in DescribeTasks."},
    FieldRow{container, "systemControls", honoured,
             "Set in the container's namespaces (OCI linux.sysctl); only namespaced parameters (kernel.msg*, "
             "kernel.sem, kernel.shm*, fs.mqueue.*, net.*), never the host's."},
    FieldRow{container, "resourceRequirements", honoured,
             "GPU: placement gives the container that many of its instance's free registered GPUs (else "
             "RESOURCE:GPU), with their device nodes and NVIDIA_VISIBLE_DEVICES; InferenceAccelerator is "
             "refused for good."},
    FieldRow{container, "firelensConfiguration", refused,
             "berth runs no FireLens log router; use logConfiguration json-file"},
    FieldRow{container, "credentialSpecs", refused,
             "gMSA credential specs need Active Directory, which berth does not provide"},
    // LinuxParameters.
    FieldRow{linux_parameters, "capabilities", honoured, "add needs berth:RegisterPrivilegedTaskDefinition."},
    FieldRow{linux_parameters, "devices", honoured,
             "The host node (its major:minor, mode and owner) and a cgroup rule with the permissions; needs "
             "berth:RegisterPrivilegedTaskDefinition; a missing or non-device hostPath stops the task."},
    FieldRow{linux_parameters, "initProcessEnabled", honoured,
             "berth's own binary, bound read-only at /.berth/init, runs the command as its child: it reaps zombies, "
             "forwards signals to the command and exits with its status."},
    FieldRow{linux_parameters, "sharedMemorySize", honoured, "The size of the container's /dev/shm (64 MiB when unset)."},
    FieldRow{linux_parameters, "tmpfs", honoured, "Mount options from ECS's documented list."},
    FieldRow{linux_parameters, "maxSwap", honoured, "Needs the container's memory: swap comes on top of it."},
    FieldRow{linux_parameters, "swappiness", honoured,
             "Needs maxSwap. Sets memory.swappiness; requires berth.capability.memory-swappiness, which only "
             "cgroup v1 instances register (runc ignores it on v2), else ATTRIBUTE."},
};

bool asks_for_something(const Json& value) {
  if (value.is_null() || value == Json(false)) return false;
  if ((value.is_array() || value.is_object() || value.is_string()) && value.empty()) return false;
  return true;
}

std::string refusal(const FieldRow& row, std::string_view path) {
  return std::string(path) + " is not supported: " + std::string(row.note) + ".";
}

// The refusal of `value` under `row`, written with `path`: empty when the row honours it or the
// value asks for nothing.
std::string refusal_of(const FieldRow& row, const Json& value, std::string_view path) {
  if (row.support == honoured) return "";
  const bool asks = asks_for_something(value);
  return asks ? refusal(row, path) : "";
}

// The first refused row of `scope` that `object` asks for, as its refusal.
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
  }
  return "refused";
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
    const Json files = c.value("environmentFiles", Json::array());
    if (files.size() > k_max_environment_files) {
      return fail(Code::client, "overrides.containerOverrides.environmentFiles: at most " +
                                    std::to_string(k_max_environment_files) + " are allowed.");
    }
    for (const auto& file : files) {
      const auto why = environment_file_refusal(file.value("value", ""), true);
      if (!why.empty()) return fail(Code::client, "overrides.containerOverrides." + why);
    }
  }
  return {};
}

}  // namespace berth::model
