#include "model/container_definition.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <utility>

#include "model/gpu_requirements.hpp"
#include "model/log_configuration.hpp"
#include "model/environment_file_sources.hpp"
#include "model/names.hpp"
#include "model/sysctls.hpp"

namespace berth::model {
namespace {

Result<void> invalid(const std::string& container, const std::string& what) {
  return fail(Code::client, "Invalid setting for container '" + container + "'. " + what);
}

long long int_or(const Json& object, const char* key, long long fallback) {
  const auto it = object.find(key);
  return it == object.end() ? fallback : it->get<long long>();
}

// Parses "start-end" with 1 <= start < end <= 65535.
bool parse_port_range(const std::string& text, int& start, int& end) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return false;
  auto parse = [](std::string_view s, int& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  return parse(std::string_view(text).substr(0, dash), start) &&
         parse(std::string_view(text).substr(dash + 1), end) && start >= 1 && start < end &&
         end <= 65535;
}

Result<void> check_memory(const Json& c, const std::string& name, const TaskContext& task) {
  const bool has_memory = c.contains("memory");
  const bool has_reservation = c.contains("memoryReservation");
  if (!has_memory && !has_reservation && !task.task_memory_set) {
    return invalid(name, "At least one of 'memory' or 'memoryReservation' must be specified.");
  }
  // Below 6 MiB the container runtime cannot start a container at all.
  if (has_memory && c["memory"].get<long long>() < 6) {
    return invalid(name, "'memory' must be at least 6 MiB.");
  }
  if (has_reservation && c["memoryReservation"].get<long long>() < 6) {
    return invalid(name, "'memoryReservation' must be at least 6 MiB.");
  }
  if (has_memory && has_reservation &&
      c["memory"].get<long long>() <= c["memoryReservation"].get<long long>()) {
    return invalid(name, "'memory' must be greater than 'memoryReservation'.");
  }
  if (c.contains("cpu") && (c["cpu"].get<long long>() < 0 || c["cpu"].get<long long>() > 262144)) {
    return invalid(name, "'cpu' must be between 0 and 262144 units.");
  }
  return {};
}

Result<void> check_ports(Json& c, const std::string& name, const TaskContext& task) {
  std::set<std::pair<long long, std::string>> host_ports;
  for (auto& pm : c["portMappings"]) {
    if (!pm.contains("protocol")) pm["protocol"] = "tcp";
    const std::string protocol = pm["protocol"];
    const bool has_container_port = pm.contains("containerPort");
    if (pm.contains("containerPortRange")) {
      int start = 0, end = 0;
      if (has_container_port || pm.contains("hostPort")) {
        return invalid(name, "'containerPortRange' cannot be combined with 'containerPort' or 'hostPort'.");
      }
      if (!parse_port_range(pm["containerPortRange"].get<std::string>(), start, end)) {
        return invalid(name, "'containerPortRange' must look like \"8000-8010\" within 1-65535.");
      }
      continue;
    }
    if (!has_container_port) return invalid(name, "A port mapping needs 'containerPort'.");
    const long long container_port = pm["containerPort"].get<long long>();
    if (container_port < 1 || container_port > 65535) {
      return invalid(name, "'containerPort' must be between 1 and 65535.");
    }
    const bool host_like = task.network_mode == "host" || task.network_mode == "awsvpc";
    if (task.network_mode == "none") {
      return invalid(name, "Port mappings are not allowed with networkMode 'none'.");
    }
    if (pm.contains("hostPort")) {
      const long long host_port = pm["hostPort"].get<long long>();
      if (host_port < 0 || host_port > 65535) {
        return invalid(name, "'hostPort' must be between 0 and 65535.");
      }
      if (host_like && host_port != container_port) {
        return invalid(name, "In networkMode '" + task.network_mode +
                                 "', 'hostPort' must be empty or equal to 'containerPort'.");
      }
    } else if (host_like) {
      pm["hostPort"] = container_port;
    }
    const long long host_port = int_or(pm, "hostPort", 0);
    if (host_port != 0 && !host_ports.insert({host_port, protocol}).second) {
      return invalid(name, "Host port " + std::to_string(host_port) + "/" + protocol +
                               " is mapped more than once.");
    }
  }
  return {};
}

Result<void> check_health_check(const Json& hc, const std::string& name) {
  const auto& command = hc["command"];
  if (command.empty() || (command[0] != "CMD" && command[0] != "CMD-SHELL" && command[0] != "NONE")) {
    return invalid(name, "healthCheck.command must start with \"CMD\" or \"CMD-SHELL\".");
  }
  if ((command[0] == "CMD" || command[0] == "CMD-SHELL") && command.size() < 2) {
    return invalid(name, "healthCheck.command needs the command after \"" +
                             command[0].get<std::string>() + "\".");
  }
  struct Range { const char* key; long long min; long long max; };
  for (const Range r : {Range{"interval", 5, 300}, Range{"timeout", 2, 60}, Range{"retries", 1, 10},
                        Range{"startPeriod", 0, 300}}) {
    const long long v = int_or(hc, r.key, r.min);
    if (v < r.min || v > r.max) {
      return invalid(name, std::string("healthCheck.") + r.key + " must be between " +
                               std::to_string(r.min) + " and " + std::to_string(r.max) + ".");
    }
  }
  return {};
}

Result<void> check_paths(const Json& c, const std::string& name) {
  for (const auto& mp : c["mountPoints"]) {
    if (!mp.contains("sourceVolume") || !mp.contains("containerPath")) {
      return invalid(name, "mountPoints need 'sourceVolume' and 'containerPath'.");
    }
    if (!is_clean_absolute_path(mp["containerPath"].get<std::string>())) {
      return invalid(name, "mountPoints containerPath must be an absolute path without '..'.");
    }
  }
  if (c.contains("linuxParameters")) {
    const auto& lp = c["linuxParameters"];
    for (const auto& t : lp.value("tmpfs", Json::array())) {
      if (!is_clean_absolute_path(t["containerPath"].get<std::string>()) || t["size"].get<long long>() <= 0) {
        return invalid(name, "tmpfs needs an absolute containerPath without '..' and a positive size.");
      }
    }
    for (const auto& d : lp.value("devices", Json::array())) {
      if (!is_clean_absolute_path(d["hostPath"].get<std::string>()) ||
          (d.contains("containerPath") && !is_clean_absolute_path(d["containerPath"].get<std::string>()))) {
        return invalid(name, "devices need absolute paths without '..'.");
      }
    }
    if (lp.contains("swappiness") && (lp["swappiness"] < 0 || lp["swappiness"] > 100)) {
      return invalid(name, "linuxParameters.swappiness must be between 0 and 100.");
    }
  }
  if (c.contains("workingDirectory") && !is_clean_absolute_path(c["workingDirectory"].get<std::string>())) {
    return invalid(name, "'workingDirectory' must be an absolute path without '..'.");
  }
  return {};
}

Result<void> check_limits(const Json& c, const std::string& name) {
  for (const auto& u : c.value("ulimits", Json::array())) {
    if (u["softLimit"].get<long long>() > u["hardLimit"].get<long long>()) {
      return invalid(name, "ulimit '" + u["name"].get<std::string>() + "' has softLimit above hardLimit.");
    }
  }
  if (c.contains("restartPolicy")) {
    const auto& rp = c["restartPolicy"];
    if (rp.value("ignoredExitCodes", Json::array()).size() > 50) {
      return invalid(name, "restartPolicy.ignoredExitCodes takes at most 50 codes.");
    }
    const long long period = int_or(rp, "restartAttemptPeriod", 300);
    if (period < 60 || period > 1800) {
      return invalid(name, "restartPolicy.restartAttemptPeriod must be between 60 and 1800 seconds.");
    }
  }
  for (const char* key : {"startTimeout", "stopTimeout"}) {
    if (c.contains(key) && c[key].get<long long>() < 0) {
      return invalid(name, std::string("'") + key + "' must not be negative.");
    }
  }
  for (const auto& env : c["environment"]) {
    if (env.value("name", "").empty()) return invalid(name, "Environment variables need a name.");
  }
  return {};
}


// The options ECS documents for linuxParameters.tmpfs mountOptions; the last six take "=value".
bool is_tmpfs_option(std::string_view option) {
  static const std::set<std::string_view> k_plain = {
      "defaults", "ro",      "rw",       "suid",       "nosuid",      "dev",         "nodev",    "exec",
      "noexec",   "sync",    "async",    "dirsync",    "remount",     "mand",        "nomand",   "atime",
      "noatime",  "diratime", "nodiratime", "bind",    "rbind",       "unbindable",  "runbindable",
      "private",  "rprivate", "shared",   "rshared",    "slave",       "rslave",      "relatime",
      "norelatime", "strictatime", "nostrictatime"};
  static const std::set<std::string_view> k_valued = {"mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};
  const auto equals = option.find('=');
  if (equals == std::string_view::npos) return k_plain.contains(option);
  return k_valued.contains(option.substr(0, equals)) && equals + 1 < option.size();
}

Result<void> check_linux_parameters(const Json& c, const std::string& name, const TaskContext& task) {
  if (!c.contains("linuxParameters")) return {};
  const auto& lp = c["linuxParameters"];
  for (const auto& t : lp.value("tmpfs", Json::array())) {
    for (const auto& option : t.value("mountOptions", Json::array())) {
      if (!is_tmpfs_option(option.get<std::string>())) {
        return invalid(name, "linuxParameters.tmpfs mountOptions '" + option.get<std::string>() +
                                 "' is not an option ECS allows.");
      }
    }
  }
  if (lp.contains("maxSwap") && !c.contains("memory")) {
    return invalid(name, "linuxParameters.maxSwap needs the container's 'memory': swap is granted on top of the "
                         "hard limit.");
  }
  if (lp.contains("swappiness") && !lp.contains("maxSwap")) {
    return invalid(name, "linuxParameters.swappiness needs linuxParameters.maxSwap.");
  }
  // Refused here, not first at every task start: the size is MiB on a tmpfs, and beyond 1 TiB
  // its byte count would not fit the OCI option.
  if (lp.contains("sharedMemorySize")) {
    const Json& size = lp["sharedMemorySize"];
    if (!size.is_number_integer() || size.get<long long>() < 1 || size.get<long long>() > (1LL << 20)) {
      return invalid(name, "linuxParameters.sharedMemorySize must be 1 to 1048576 MiB.");
    }
  }
  if (lp.contains("sharedMemorySize") && (task.ipc_mode == "host" || task.ipc_mode == "none")) {
    return invalid(name, "linuxParameters.sharedMemorySize cannot be set with ipcMode '" + task.ipc_mode +
                             "': the container " + (task.ipc_mode == "host" ? "uses the host's /dev/shm." : "has no /dev/shm."));
  }
  return {};
}

Result<void> check_network_settings(const Json& c, const std::string& name, const TaskContext& task) {
  if (c.value("disableNetworking", false) && !c["portMappings"].empty()) {
    return invalid(name, "'disableNetworking' cannot be combined with portMappings.");
  }
  // Links reach their targets over the task's network, which such a container does not join.
  if (c.value("disableNetworking", false) && !c.value("links", Json::array()).empty()) {
    return invalid(name, "'disableNetworking' cannot be combined with links.");
  }
  for (const char* key : {"dnsServers", "dnsSearchDomains", "extraHosts"}) {
    if (c.value(key, Json::array()).empty()) continue;
    if (task.network_mode == "host") {
      return invalid(name, std::string("'") + key + "' is not supported with networkMode 'host': the container uses the host's " +
                               (std::string_view(key) == "extraHosts" ? "/etc/hosts." : "/etc/resolv.conf."));
    }
    if (task.network_mode == "none" && std::string_view(key) != "extraHosts") {
      return invalid(name, std::string("'") + key + "' is not supported with networkMode 'none': it has no network.");
    }
  }
  return {};
}

// Docker's security options: the ones that can never mean anything on berth are refused for good;
// agent/security_options applies the rest.
Result<void> check_security_options(const Json& c, const std::string& name) {
  for (const auto& value : c.value("dockerSecurityOptions", Json::array())) {
    const std::string option = value.get<std::string>();
    const std::string_view kind = std::string_view(option).substr(0, option.find_first_of(":="));
    const std::string_view setting = std::string_view(option).substr(std::min(option.size(), kind.size() + 1));
    if (kind == "label" && setting != "disable") {
      return invalid(name, "dockerSecurityOptions '" + option + "': SELinux labels are not supported by berth.");
    }
    if (kind == "credentialspec") {
      return invalid(name, "dockerSecurityOptions '" + option +
                               "': credential specs need Active Directory, which berth does not provide.");
    }
    if (kind == "seccomp" && setting != "unconfined") {
      return invalid(name, "dockerSecurityOptions '" + option +
                               "': berth applies its own seccomp profile or, with seccomp=unconfined, none.");
    }
    // Unprivileged containers always run with no_new_privs: berth's floor, lifted only by privileged.
    if (kind == "no-new-privileges" && setting == "false") {
      return invalid(name, "dockerSecurityOptions '" + option +
                               "': berth always sets no-new-privileges for unprivileged containers.");
    }
    if (kind != "label" && kind != "seccomp" && kind != "apparmor" && kind != "systempaths" &&
        kind != "no-new-privileges") {
      return invalid(name, "dockerSecurityOptions '" + option + "' is not a Docker security option.");
    }
  }
  return {};
}

Result<void> check_other_settings(const Json& c, const std::string& name, const TaskContext& task) {
  if (c.contains("logConfiguration")) {
    if (auto log = parse_log_configuration(c["logConfiguration"]); !log) return invalid(name, log.error().message);
  }
  for (const auto& control : c.value("systemControls", Json::array())) {
    const std::string sysctl = control.value("namespace", "");
    if (!is_namespaced_sysctl(sysctl, task.network_mode == "host", task.ipc_mode == "host")) {
      return invalid(name, "systemControls '" + sysctl +
                               "' is not a namespaced kernel parameter: it would change the gateway's own kernel. "
                               "Allowed: kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.* (not with ipcMode host), "
                               "net.* (not with networkMode host).");
    }
  }
  if (auto gpus = gpu_count(c.value("resourceRequirements", Json::array())); !gpus) {
    return invalid(name, gpus.error().message);
  }
  const Json files = c.value("environmentFiles", Json::array());
  if (files.size() > k_max_environment_files) {
    return invalid(name, "environmentFiles lists " + std::to_string(files.size()) + " files; at most " +
                             std::to_string(k_max_environment_files) + " are allowed.");
  }
  for (const auto& file : files) {
    if (auto why = environment_file_refusal(file["value"].get<std::string>(), false); !why.empty()) {
      return invalid(name, why);
    }
  }
  return {};
}

}  // namespace

Result<void> normalize_container(Json& c, const TaskContext& task) {
  const std::string name = c.value("name", "");
  if (name.empty()) return fail(Code::client, "Container definitions need a 'name'.");
  if (auto ok = check_name("Container name", name); !ok) return ok;
  if (c.value("image", "").empty()) return invalid(name, "'image' is required.");
  if (c["image"].get<std::string>().size() > 4096) return invalid(name, "'image' is too long.");

  if (!c.contains("essential")) c["essential"] = true;
  if (!c.contains("cpu")) c["cpu"] = 0;
  for (const char* list : {"portMappings", "environment", "mountPoints", "volumesFrom"}) {
    if (!c.contains(list)) c[list] = Json::array();
  }
  if (c.contains("links") && task.network_mode != "bridge") {
    return invalid(name, "'links' are only supported in networkMode 'bridge'.");
  }
  if (auto ok = check_memory(c, name, task); !ok) return ok;
  if (auto ok = check_ports(c, name, task); !ok) return ok;
  if (c.contains("healthCheck")) {
    if (auto ok = check_health_check(c["healthCheck"], name); !ok) return ok;
  }
  if (auto ok = check_paths(c, name); !ok) return ok;
  if (auto ok = check_linux_parameters(c, name, task); !ok) return ok;
  if (auto ok = check_network_settings(c, name, task); !ok) return ok;
  if (auto ok = check_security_options(c, name); !ok) return ok;
  if (auto ok = check_other_settings(c, name, task); !ok) return ok;
  return check_limits(c, name);
}

}  // namespace berth::model
