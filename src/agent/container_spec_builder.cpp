#include "agent/container_spec_builder.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

#include "agent/container_user.hpp"
#include "common/files.hpp"
#include "runtime/image/image_manifest.hpp"
#include "runtime/linux/capability_bounds.hpp"
#include "runtime/linux/seccomp_profile.hpp"
#include "model/sysctls.hpp"
#include "model/task_definition.hpp"

namespace berth::agent {
namespace {

using model::Json;

const Json* find_override(const model::Task& task, const std::string& name) {
  if (!task.overrides.contains("containerOverrides")) return nullptr;
  for (const auto& o : task.overrides["containerOverrides"]) {
    if (o.value("name", "") == name) return &o;
  }
  return nullptr;
}

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

// The container's dockerLabels plus the labels the ECS agent gives every container (which win).
std::map<std::string, std::string> annotations_of(const Json& c, const model::Task& task, const std::string& name,
                                                  const std::string& task_arn) {
  std::map<std::string, std::string> out;
  const Json labels = c.value("dockerLabels", Json::object());
  for (const auto& [key, value] : labels.items()) out[key] = value.get<std::string>();
  out["com.amazonaws.ecs.cluster"] = task.cluster;
  out["com.amazonaws.ecs.container-name"] = name;
  out["com.amazonaws.ecs.task-arn"] = task_arn;
  out["com.amazonaws.ecs.task-definition-family"] = task.family;
  out["com.amazonaws.ecs.task-definition-version"] = std::to_string(task.revision);
  return out;
}

}  // namespace

void add_secret_environment(runtime::ContainerSpec& spec,
                            const std::vector<std::pair<std::string, std::string>>& secrets) {
  for (const auto& [name, value] : secrets) merge_env(spec.env, name, value);
}

std::string runtime_id_of(const std::string& task_id, const std::string& container_name) {
  return task_id + "-" + container_name;
}

std::string task_cgroup_of(const std::string& task_id) { return "/berth/" + task_id; }

Result<runtime::ContainerSpec> build_container_spec(const model::Task& task, const Json& td,
                                                    const std::string& name, const runtime::Image& image,
                                                    const SpecContext& context) {
  const Json* def = nullptr;
  for (const auto& c : td["containerDefinitions"]) {
    if (c["name"] == name) def = &c;
  }
  if (!def) return fail(Code::server, "container " + name + " is not in the task definition");
  const Json& c = *def;
  const Json* override_ = find_override(task, name);
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

  BERTH_ASSIGN(spec.env, runtime::image_config_strings(image_config, "Env"));
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
  spec.network = network_mode == model::NetworkMode::host ? runtime::NetworkNamespace::host : runtime::NetworkNamespace::private_;
  if (network_mode == model::NetworkMode::bridge) spec.network_namespace_path = context.network_namespace;
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
    spec.seccomp = runtime::default_seccomp_profile(spec.capabilities);
  }
  for (const auto& d : linux_parameters.value("devices", Json::array())) {
    const std::string host_path = d["hostPath"];
    BERTH_ASSIGN(const runtime::DeviceNode node, context.device_lookup(host_path));
    spec.devices.push_back({d.value("containerPath", host_path), node, device_access(d)});
  }
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
  spec.cpu_shares = std::clamp(cpu < 2 ? 2LL : cpu, 2LL, 262144LL);
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
  spec.annotations = annotations_of(c, task, name, context.task_arn);
  spec.cgroups_path = task_cgroup_of(task.id) + "/" + name;
  spec.cgroup_v2 = context.cgroup_v2;

  // Volumes: host paths bind-mounted; everything else a directory berth owns (task or shared).
  std::map<std::string, Json> volumes;
  for (const auto& v : td.value("volumes", Json::array())) volumes[v["name"]] = v;
  for (const auto& mp : c.value("mountPoints", Json::array())) {
    const Json& volume = volumes.at(mp["sourceVolume"]);
    std::string source;
    if (volume.contains("host") && volume["host"].contains("sourcePath")) {
      source = volume["host"]["sourcePath"];
    } else {
      const bool shared = volume.value("dockerVolumeConfiguration", Json::object()).value("scope", "task") == "shared";
      source = context.volumes_root + (shared ? "/shared/" : "/" + task.id + "/") + volume["name"].get<std::string>();
    }
    BERTH_TRY(make_dirs(source, 0755));
    spec.mounts.push_back({mp["containerPath"], "bind", source,
                           {"rbind", mp.value("readOnly", false) ? "ro" : "rw"}});
  }
  for (const auto& t : linux_parameters.value("tmpfs", Json::array())) {
    std::vector<std::string> options = {"nosuid", "nodev", "size=" + std::to_string(t["size"].get<long long>()) + "m"};
    for (const auto& o : t.value("mountOptions", Json::array())) options.push_back(o);
    spec.mounts.push_back({t["containerPath"], "tmpfs", "tmpfs", options});
  }
  // Name resolution: the host's files in host mode; generated ones otherwise.
  if (network_mode == model::NetworkMode::host) {
    for (const char* file : {"/etc/resolv.conf", "/etc/hosts"}) spec.mounts.push_back({file, "bind", file, {"rbind", "ro"}});
  } else {
    BERTH_TRY(make_dirs(context.etc_dir, 0755));
    std::string hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n127.0.1.1\t" + spec.hostname + "\n";
    for (const auto& h : c.value("extraHosts", Json::array())) {
      hosts += h["ipAddress"].get<std::string>() + "\t" + h["hostname"].get<std::string>() + "\n";
    }
    const std::string hosts_path = context.etc_dir + "/" + name + ".hosts";
    BERTH_TRY(write_file(hosts_path, hosts));
    spec.mounts.push_back({"/etc/hosts", "bind", hosts_path, {"rbind", "ro"}});
    if (network_mode == model::NetworkMode::bridge) {
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
