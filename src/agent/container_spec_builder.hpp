// Turns a task's container definition (plus overrides and the image's config) into the
// ContainerSpec the runtime runs, with DESIGN.md §6's ECS → OCI mapping. Pure apart from
// reading the image's /etc/passwd and /etc/group for user names and looking up mapped host
// devices; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.hpp"
#include "model/schema.hpp"
#include "model/task.hpp"
#include "runtime/image/image_store.hpp"
#include "runtime/linux/apparmor.hpp"
#include "runtime/linux/gpus.hpp"
#include "runtime/oci_spec.hpp"

namespace berth::agent {

struct SpecContext {
  std::string volumes_root;    // <data>/volumes
  std::string etc_dir;         // per-task generated /etc files (<data>/bundles/<task>-etc)
  bool cgroup_v2 = false;
  std::string host_name;
  std::string network_namespace;  // bridge: the task's namespace, shared by its containers
  std::string host_resolv_conf;   // the host's /etc/resolv.conf, as text
  std::uint64_t capability_bounding_set = ~std::uint64_t{0};  // the host's CapBnd: caps beyond it are dropped
  // Finds a linuxParameters.devices hostPath or a GPU's node on this host (a fake in tests).
  std::function<Result<runtime::DeviceNode>(const std::string&)> device_lookup = runtime::host_device;
  std::string task_arn{};         // for the com.amazonaws.ecs.task-arn label
  runtime::HostGpus gpus{};       // the device nodes of the GPU ids placement assigned
  // The container's environmentFiles, resolved (agent/environment_files): below its environment.
  std::vector<std::pair<std::string, std::string>> environment_file_variables{};
  // The task metadata endpoint: its base URL as host-network and as bridge containers reach it
  // ("http://127.0.0.1:51679", "http://<bridge gateway>:51679"; "" = none) and this container's
  // token; a container with no network (none, disableNetworking) gets no endpoint, as in ECS.
  std::string metadata_host_url{};
  std::string metadata_bridge_url{};
  std::string metadata_token{};
  // Whether the host enforces AppArmor, which an apparmor security option needs (a fake in tests).
  std::function<bool()> apparmor_enabled = [] { return runtime::apparmor_enabled(); };
  std::string cgroup_parent = "/berth";  // BERTH_CGROUP_PARENT: the task's cgroup goes under it
  std::string journald_socket = "/run/systemd/journal/socket";  // for the journald log driver
};

// The resolv.conf a bridge container gets: its dnsServers and dnsSearchDomains if set, else the
// host's lines without loopback nameservers (a stub resolver on 127.0.0.53 is unreachable from
// the task's namespace).
std::string container_resolv_conf(const model::Json& container_definition, const std::string& host_resolv_conf);

// Builds the spec of container `container_name` of `task`, whose task definition is `td`. Its
// environment carries ECS_CONTAINER_METADATA_URI_V4 and ECS_CONTAINER_METADATA_URI (v3) when the
// context has an endpoint for its network mode; they win over variables of those names.
// Returns ClientException for a setting that cannot be honoured (unknown or invalid user, an
// image config field of the wrong type, bad volume, a device missing on this host, a GPU id
// placement assigned that is not one of `context.gpus`, a shared volume with autoprovision false
// whose directory does not exist, an AppArmor profile where AppArmor is not enabled).
[[nodiscard]] Result<runtime::ContainerSpec> build_container_spec(const model::Task& task, const model::Json& td,
                                                                  const std::string& container_name,
                                                                  const runtime::Image& image,
                                                                  const SpecContext& context);

// The task's containerOverrides entry for container `name`, if any.
const model::Json* container_override_of(const model::Task& task, const std::string& name);

// Adds the container's resolved secrets to its environment (over a variable of the same name).
void add_secret_environment(runtime::ContainerSpec& spec,
                            const std::vector<std::pair<std::string, std::string>>& secrets);

// The runc container id of a task's container: "<task id>-<container name>".
std::string runtime_id_of(const std::string& task_id, const std::string& container_name);

// The task's parent cgroup, under `parent` (BERTH_CGROUP_PARENT): "/berth/<task id>".
std::string task_cgroup_of(const std::string& parent, const std::string& task_id);

// The largest cpu units of the task's containers, overrides applied: what each container's
// shares are scaled against (container_cpu_shares.hpp).
long long largest_container_cpu(const model::Task& task, const model::Json& td);

// The task definition's pidMode or ipcMode (`field`) as a namespace mode: its own per container
// when unset.
runtime::NamespaceMode namespace_mode_of(const model::Json& td, const char* field);

// The size of the /dev/shm an ipcMode task shares: the largest sharedMemorySize of its containers,
// else Docker's 64 MiB.
long long task_shm_bytes(const model::Json& td);

}  // namespace berth::agent
