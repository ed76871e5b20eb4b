#include "agent/container_spec_builder.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "agent/container_cpu_shares.hpp"
#include "agent/container_links.hpp"
#include "agent/container_user.hpp"
#include "agent/security_options.hpp"
#include "common/files.hpp"
#include "runtime/image/image_manifest.hpp"
#include "runtime/linux/capability_bounds.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "model/ephemeral_storage.hpp"
#include "model/log_configuration.hpp"
#include "model/log_tag.hpp"
#include "model/sysctls.hpp"
#include "model/task_metadata.hpp"
#include "model/task_definition.hpp"
#include "model/volumes_from.hpp"

namespace berth::agent {
namespace {

using model::Json;

std::vector<std::string> strings(const Json& list) {
  std::vector<std::string> out;
  for (const auto& s : list) out.push_back(s.get<std::string>());
  return out;
}

Result<std::string> image_string(const Json& image_config, const char* key) {
  const auto it = image_config.find(key);
  if (it == image_config.end() || it->is_null()) return std::string();
  if (it->is_string()) return it->get<std::string>();
  return fail(Code::client, std::string("the image config: \"") + key + "\" is not a string");
}

void merge_env(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  const std::string prefix = name + "=";
  std::erase_if(env, [&](const std::string& e) { return e.starts_with(prefix); });
  env.push_back(prefix + value);
}

// Where the shim puts the output of container definition `c` (runtime id `id`): its
// logConfiguration's driver, checked at registration (one stored by an older berth that no longer
// parses keeps berth's file). The labels/env options read the container's `labels` and `env`
// (without its secrets, which are added later and never go into logs).
runtime::ContainerLogging container_logging(const Json& c, const std::string& id, const std::string& journald_socket,
                                            const std::string& image_id, const std::map<std::string, std::string>& labels,
                                            const std::vector<std::string>& env) {
  runtime::ContainerLogging out;
  if (!c.contains("logConfiguration")) return out;
  const auto log = model::parse_log_configuration(c["logConfiguration"]);
  if (!log) return out;
  out.blocking = log->blocking;
  out.max_buffer_bytes = log->max_buffer_bytes;
  const std::string name = c.value("name", "");
  const std::string image = c.value("image", "");
  out.tag = model::expand_log_tag(
      log->tag, {id, name, image, image_id, model::log_extra_attributes(log->attributes, labels, env, model::AttributeKeys::as_named)});
  switch (log->driver) {
    case model::LogDriver::json_file:
      out.sink = runtime::LogSink::file;
      // Docker's json-file: the picks as named, and the tag only when one was asked for.
      out.attributes = model::log_extra_attributes(log->attributes, labels, env, model::AttributeKeys::as_named);
      if (!log->tag.empty()) out.attributes["tag"] = out.tag;
      break;
    case model::LogDriver::awslogs:
      // The log ingester reads the file: blocking keeps what it has not read (the container waits);
      // non-blocking rotates it away anyway and counts those lines as dropped.
      out.sink = runtime::LogSink::file;
      out.wait_for_reader = log->blocking;
      out.count_unread = !log->blocking;
      break;
    case model::LogDriver::none: out.sink = runtime::LogSink::none; break;
    case model::LogDriver::syslog:
      out.sink = runtime::LogSink::syslog;
      out.syslog = log->syslog;
      break;
    case model::LogDriver::journald:
      out.sink = runtime::LogSink::journald;
      out.journal_socket = journald_socket;
      out.container_name = name;
      out.image_name = image;
      out.attributes = model::log_extra_attributes(log->attributes, labels, env, model::AttributeKeys::journald);
      break;
  }
  return out;
}

// The cgroup access of an ECS device mapping: its permissions read/write/mknod, all three if none.
std::string device_access(const Json& device) {
  const Json permissions = device.value("permissions", Json::array());
  if (permissions.empty()) return "rwm";
  std::string access;
  for (const auto& [permission, letter] : {std::pair{"read", 'r'}, std::pair{"write", 'w'}, std::pair{"mknod", 'm'}}) {
    if (std::find(permissions.begin(), permissions.end(), permission) != permissions.end()) access += letter;
  }
  return access;
}

// The GPUs placement assigned to container `name`, as the ECS agent gives them: each GPU's device
// node and the driver's shared nodes, and NVIDIA_VISIBLE_DEVICES listing their ids.
Result<void> add_gpus(runtime::ContainerSpec& spec, const model::Task& task, const std::string& name,
                      const SpecContext& context) {
  const auto container = std::find_if(task.containers.begin(), task.containers.end(),
                                      [&](const model::TaskContainer& tc) { return tc.name == name; });
  if (container == task.containers.end() || container->gpu_ids.empty()) return {};
  std::string visible;
  for (const auto& id : container->gpu_ids) {
    const runtime::Gpu* gpu = runtime::gpu_of(context.gpus, id);
    if (!gpu) return fail(Code::client, "GPU " + id + " assigned to this container is not a GPU of this instance");
    BERTH_ASSIGN(const runtime::DeviceNode node, context.device_lookup(gpu->device));
    spec.devices.push_back({gpu->device, node, "rwm"});
    visible += (visible.empty() ? "" : ",") + id;
  }
  for (const auto& path : context.gpus.support_devices) {
    BERTH_ASSIGN(const runtime::DeviceNode node, context.device_lookup(path));
    spec.devices.push_back({path, node, "rwm"});
  }
  merge_env(spec.env, "NVIDIA_VISIBLE_DEVICES", visible);
  return {};
}

// The container's systemControls as OCI linux.sysctl. Only parameters of its own namespaces: any
// other would change the gateway's kernel (runc refuses them too, less clearly).
Result<std::map<std::string, std::string>> sysctls_of(const Json& c, bool host_network, bool host_ipc) {
  std::map<std::string, std::string> out;
  for (const auto& control : c.value("systemControls", Json::array())) {
    const std::string name = control.value("namespace", "");
    if (!model::is_namespaced_sysctl(name, host_network, host_ipc)) {
      return fail(Code::client, "systemControls '" + name +
                                    "' is not a namespaced kernel parameter of this container: it would change the "
                                    "gateway's own kernel");
    }
    out[name] = control.value("value", "");
  }
  return out;
}

// The host directory behind volume `volume` of the task: its host.sourcePath, or a directory berth
// owns (per task, or shared across tasks), created unless a shared volume says autoprovision false.
Result<std::string> volume_source(const Json& volume, const model::Task& task, const SpecContext& context) {
  if (volume.contains("host") && volume["host"].contains("sourcePath")) return volume["host"]["sourcePath"].get<std::string>();
  const Json docker = volume.value("dockerVolumeConfiguration", Json::object());
  const bool shared = docker.value("scope", "task") == "shared";
  const std::string name = volume["name"];
  const std::string source = context.volumes_root + (shared ? "/shared/" : "/" + task.id + "/") + name;
  if (shared && !docker.value("autoprovision", true)) {
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      // The ECS agent's words for the same case.
      return fail(Code::client, "initialize volume: volume detection failed, volume '" + name +
                                    "' does not exist and autoprovision is set to false");
    }
    return source;
  }
  BERTH_TRY(make_dirs(source, 0755));
  return source;
}

// The container's bind mounts: its mountPoints, then what its volumesFrom give it (model/volumes_from).
Result<std::vector<runtime::Mount>> volume_mounts(const Json& c, const Json& td, const model::Task& task,
                                                  const SpecContext& context) {
  std::map<std::string, Json> volumes;
  for (const auto& v : td.value("volumes", Json::array())) volumes[v["name"]] = v;
  std::vector<runtime::Mount> mounts;
  const auto add = [&](const Json& mp, bool read_only) -> Result<void> {
    BERTH_ASSIGN(const std::string source, volume_source(volumes.at(mp["sourceVolume"]), task, context));
    mounts.push_back({mp["containerPath"], "bind", source, {"rbind", read_only ? "ro" : "rw"}});
    return {};
  };
  for (const auto& mp : c.value("mountPoints", Json::array())) BERTH_TRY(add(mp, mp.value("readOnly", false)));
  for (const auto& inherited : model::volumes_from_mounts(td["containerDefinitions"], c)) {
    BERTH_TRY(add(*inherited.mount_point, inherited.read_only));
  }
  return mounts;
}

}  // namespace

const Json* container_override_of(const model::Task& task, const std::string& name) {
  if (!task.overrides.contains("containerOverrides")) return nullptr;
  for (const auto& o : task.overrides["containerOverrides"]) {
    if (o.value("name", "") == name) return &o;
  }
  return nullptr;
}

void add_secret_environment(runtime::ContainerSpec& spec,
                            const std::vector<std::pair<std::string, std::string>>& secrets) {
  for (const auto& [name, value] : secrets) merge_env(spec.env, name, value);
}

std::string runtime_id_of(const std::string& task_id, const std::string& container_name) {
  return model::runtime_id_of(task_id, container_name);
}

std::string task_cgroup_of(const std::string& parent, const std::string& task_id) { return parent + "/" + task_id; }

long long largest_container_cpu(const model::Task& task, const Json& td) {
  long long largest = 0;
  for (const auto& c : td.value("containerDefinitions", Json::array())) {
    long long cpu = c.value("cpu", 0LL);
    if (const Json* o = container_override_of(task, c.value("name", ""))) cpu = o->value("cpu", cpu);
    largest = std::max(largest, cpu);
  }
  return largest;
}

runtime::NamespaceMode namespace_mode_of(const Json& td, const char* field) {
  const std::string mode = td.value(field, "");
  if (mode == "task") return runtime::NamespaceMode::task;
  if (mode == "host") return runtime::NamespaceMode::host;
  if (mode == "none") return runtime::NamespaceMode::none;
  return runtime::NamespaceMode::private_;
}

long long task_shm_bytes(const Json& td) {
  long long largest_mib = 0;
  for (const auto& c : td.value("containerDefinitions", Json::array())) {
    const Json linux_parameters = c.value("linuxParameters", Json::object());
    largest_mib = std::max(largest_mib, linux_parameters.value("sharedMemorySize", 0LL));
  }
  return largest_mib > 0 ? largest_mib << 20 : 64LL << 20;
}

Result<runtime::ContainerSpec> build_container_spec(const model::Task& task, const Json& td,
                                                    const std::string& name, const runtime::Image& image,
                                                    const SpecContext& context) {
  const Json* def = nullptr;
  for (const auto& c : td["containerDefinitions"]) {
    if (c["name"] == name) def = &c;
  }
  if (!def) return fail(Code::server, "container " + name + " is not in the task definition");
  const Json& c = *def;
  const Json* override_ = container_override_of(task, name);
  const Json no_config = Json::object();
  const bool has_config = image.config.is_object() && image.config.contains("config") && image.config["config"].is_object();
  const Json& image_config = has_config ? image.config["config"] : no_config;

  runtime::ContainerSpec spec;
  spec.id = runtime_id_of(task.id, name);
  spec.image_rootfs = image.rootfs;

  // Entrypoint/command as Docker combines them: a task entryPoint resets the image's Cmd.
  std::vector<std::string> entrypoint;
  if (c.contains("entryPoint")) {
    entrypoint = strings(c["entryPoint"]);
  } else {
    BERTH_ASSIGN(entrypoint, runtime::image_config_strings(image_config, "Entrypoint"));
  }
  std::vector<std::string> command;
  if (override_ && override_->contains("command")) {
    command = strings((*override_)["command"]);
  } else if (c.contains("command")) {
    command = strings(c["command"]);
  } else if (!c.contains("entryPoint")) {
    BERTH_ASSIGN(command, runtime::image_config_strings(image_config, "Cmd"));
  }
  spec.args = entrypoint;
  spec.args.insert(spec.args.end(), command.begin(), command.end());
  if (spec.args.empty()) return fail(Code::client, "container " + name + " has no command and its image none");

  // Lowest first: the image's variables, then link variables it does not set, environmentFiles,
  // environment and overrides (secrets come last, in add_secret_environment).
  BERTH_ASSIGN(spec.env, runtime::image_config_strings(image_config, "Env"));
  for (const auto& [variable, value] : link_environment(td, c)) {
    const std::string prefix = variable + "=";
    if (std::none_of(spec.env.begin(), spec.env.end(), [&](const std::string& e) { return e.starts_with(prefix); })) {
      spec.env.push_back(prefix + value);
    }
  }
  for (const auto& [variable, value] : context.environment_file_variables) merge_env(spec.env, variable, value);
  for (const auto& e : c.value("environment", Json::array())) merge_env(spec.env, e["name"], e.value("value", ""));
  if (override_) {
    for (const auto& e : override_->value("environment", Json::array())) merge_env(spec.env, e["name"], e.value("value", ""));
  }
  if (std::none_of(spec.env.begin(), spec.env.end(), [](const std::string& e) { return e.starts_with("PATH="); })) {
    spec.env.push_back("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }
  BERTH_ASSIGN(const std::string image_cwd, image_string(image_config, "WorkingDir"));
  spec.cwd = c.value("workingDirectory", image_cwd);
  if (spec.cwd.empty()) spec.cwd = "/";
  BERTH_ASSIGN(const std::string image_user, image_string(image_config, "User"));
  if (const std::string user = c.value("user", image_user); !user.empty()) {
    BERTH_ASSIGN(const auto ids, resolve_container_user(user, image.rootfs));
    spec.uid = ids.uid;
    spec.gid = ids.gid;
  }

  const model::NetworkMode network_mode = model::network_mode_of(td);
  // disableNetworking: a namespace of its own, which runc gives only lo.
  const bool networking = !c.value("disableNetworking", false);
  spec.network = network_mode == model::NetworkMode::host && networking ? runtime::NetworkNamespace::host
                                                                        : runtime::NetworkNamespace::private_;
  if (network_mode == model::NetworkMode::bridge && networking) spec.network_namespace_path = context.network_namespace;
  const std::string& metadata_url = !networking                                  ? std::string()
                                    : network_mode == model::NetworkMode::host   ? context.metadata_host_url
                                    : network_mode == model::NetworkMode::bridge ? context.metadata_bridge_url
                                                                                 : std::string();
  if (!metadata_url.empty() && !context.metadata_token.empty()) {
    merge_env(spec.env, "ECS_CONTAINER_METADATA_URI_V4", metadata_url + "/v4/" + context.metadata_token);
    merge_env(spec.env, "ECS_CONTAINER_METADATA_URI", metadata_url + "/v3/" + context.metadata_token);
  }
  spec.hostname = c.value("hostname", network_mode == model::NetworkMode::host ? context.host_name : task.id.substr(0, 12));
  spec.readonly_rootfs = c.value("readonlyRootFilesystem", false);
  spec.privileged = c.value("privileged", false);
  spec.terminal = c.value("pseudoTerminal", false);
  spec.open_stdin = c.value("interactive", false);
  // Docker's default for a terminal, which an ECS container with pseudoTerminal gets.
  if (spec.terminal && std::none_of(spec.env.begin(), spec.env.end(), [](const std::string& e) { return e.starts_with("TERM="); })) {
    spec.env.push_back("TERM=xterm");
  }
  const Json linux_parameters = c.value("linuxParameters", Json::object());
  // Only what the host's bounding set holds: runc cannot grant more (Docker's rule too).
  if (spec.privileged) {
    spec.capabilities = runtime::within_bounding_set(runtime::all_capabilities(), context.capability_bounding_set);
  } else {
    const Json caps = linux_parameters.value("capabilities", Json::object());
    spec.capabilities = runtime::within_bounding_set(
        runtime::adjust_capabilities(runtime::default_capabilities(), caps.value("add", Json::array()),
                                     caps.value("drop", Json::array())),
        context.capability_bounding_set);
    spec.seccomp = runtime::shared_seccomp_profile(spec.capabilities);
    // The task's storage limit is a project quota, which the container must not step out of.
    if (model::ephemeral_storage_gib(td, task.overrides)) {
      spec.seccomp = std::make_shared<const runtime::SeccompProfile>(runtime::refuse_project_quota_changes(spec.seccomp->rules));
    }
  }
  const SecurityOptions security = security_options_of(c);
  if (security.seccomp_unconfined) spec.seccomp = nullptr;
  spec.unmasked_system_paths = security.system_paths_unconfined;
  if (!security.apparmor_profile.empty() && !context.apparmor_enabled()) {
    return fail(Code::client, "dockerSecurityOptions apparmor '" + security.apparmor_profile +
                                  "': AppArmor is not enabled on this instance");
  }
  spec.apparmor_profile = security.apparmor_profile;
  for (const auto& d : linux_parameters.value("devices", Json::array())) {
    const std::string host_path = d["hostPath"];
    BERTH_ASSIGN(const runtime::DeviceNode node, context.device_lookup(host_path));
    spec.devices.push_back({d.value("containerPath", host_path), node, device_access(d)});
  }
  BERTH_TRY(add_gpus(spec, task, name, context));
  for (const auto& u : c.value("ulimits", Json::array())) {
    std::string type = "RLIMIT_" + u["name"].get<std::string>();
    std::transform(type.begin(), type.end(), type.begin(), [](unsigned char ch) { return std::toupper(ch); });
    spec.rlimits.push_back({type, u["softLimit"].get<unsigned long long>(), u["hardLimit"].get<unsigned long long>()});
  }

  // Resources: container cpu → shares; memory → hard limit; memoryReservation → soft limit.
  long long cpu = c.value("cpu", 0LL);
  long long memory = c.value("memory", 0LL);
  long long reservation = c.value("memoryReservation", 0LL);
  if (override_) {
    cpu = override_->value("cpu", cpu);
    memory = override_->value("memory", memory);
    reservation = override_->value("memoryReservation", reservation);
  }
  spec.cpu_shares = container_cpu_shares(cpu, largest_container_cpu(task, td));
  if (memory > 0) spec.memory_limit_bytes = std::max(memory, 4LL) << 20;
  if (reservation > 0) spec.memory_reservation_bytes = reservation << 20;
  if (memory > 0 && linux_parameters.contains("maxSwap")) {
    spec.swap_limit_bytes = (memory + linux_parameters["maxSwap"].get<long long>()) << 20;
  }
  if (linux_parameters.contains("swappiness")) spec.swappiness = linux_parameters["swappiness"].get<long long>();
  if (linux_parameters.contains("sharedMemorySize")) {
    const long long shm_mib = linux_parameters["sharedMemorySize"].get<long long>();
    if (shm_mib <= 0) return fail(Code::client, "linuxParameters.sharedMemorySize must be a positive number of MiB");
    spec.shm_size_bytes = shm_mib << 20;
  }
  BERTH_ASSIGN(spec.sysctls, sysctls_of(c, network_mode == model::NetworkMode::host, td.value("ipcMode", "") == "host"));
  spec.annotations = model::container_labels(c, task, context.task_arn);
  spec.logging = container_logging(c, spec.id, context.journald_socket, image.id, spec.annotations, spec.env);
  spec.pid_mode = namespace_mode_of(td, "pidMode");
  spec.ipc_mode = namespace_mode_of(td, "ipcMode");
  spec.task_id = task.id;
  spec.init = linux_parameters.value("initProcessEnabled", false);
  spec.cgroups_path = task_cgroup_of(context.cgroup_parent, task.id) + "/" + name;
  spec.cgroup_v2 = context.cgroup_v2;

  // Volumes: host paths bind-mounted; everything else a directory berth owns (task or shared).
  BERTH_ASSIGN(spec.mounts, volume_mounts(c, td, task, context));
  for (const auto& t : linux_parameters.value("tmpfs", Json::array())) {
    std::vector<std::string> options = {"nosuid", "nodev", "size=" + std::to_string(t["size"].get<long long>()) + "m"};
    for (const auto& o : t.value("mountOptions", Json::array())) options.push_back(o);
    spec.mounts.push_back({t["containerPath"], "tmpfs", "tmpfs", options});
  }
  // Name resolution: the host's files in host mode; generated ones otherwise.
  if (network_mode == model::NetworkMode::host && networking) {
    for (const char* file : {"/etc/resolv.conf", "/etc/hosts"}) spec.mounts.push_back({file, "bind", file, {"rbind", "ro"}});
  } else {
    BERTH_TRY(make_dirs(context.etc_dir, 0755));
    std::string hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n127.0.1.1\t" + spec.hostname + "\n";
    for (const auto& h : c.value("extraHosts", Json::array())) {
      hosts += h["ipAddress"].get<std::string>() + "\t" + h["hostname"].get<std::string>() + "\n";
    }
    hosts += link_hosts_lines(c);
    const std::string hosts_path = context.etc_dir + "/" + name + ".hosts";
    BERTH_TRY(write_file(hosts_path, hosts));
    spec.mounts.push_back({"/etc/hosts", "bind", hosts_path, {"rbind", "ro"}});
    if (network_mode == model::NetworkMode::bridge && networking) {
      const std::string resolv_path = context.etc_dir + "/" + name + ".resolv.conf";
      BERTH_TRY(write_file(resolv_path, container_resolv_conf(c, context.host_resolv_conf)));
      spec.mounts.push_back({"/etc/resolv.conf", "bind", resolv_path, {"rbind", "ro"}});
    }
  }
  return spec;
}

std::string container_resolv_conf(const Json& c, const std::string& host_resolv_conf) {
  std::string out;
  if (c.contains("dnsServers") || c.contains("dnsSearchDomains")) {
    for (const auto& server : c.value("dnsServers", Json::array())) out += "nameserver " + server.get<std::string>() + "\n";
    std::string search;
    for (const auto& domain : c.value("dnsSearchDomains", Json::array())) search += " " + domain.get<std::string>();
    if (!search.empty()) out += "search" + search + "\n";
    return out;
  }
  std::istringstream lines(host_resolv_conf);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string key, value;
    words >> key >> value;
    if (key == "nameserver" && (value.starts_with("127.") || value == "::1")) continue;
    out += line + "\n";
  }
  return out;
}

}  // namespace berth::agent
