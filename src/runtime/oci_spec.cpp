#include "runtime/oci_spec.hpp"

#include <algorithm>
#include <cctype>

#include "runtime/linux/capability_bounds.hpp"

namespace berth::runtime {
namespace {

using model::Json;

std::string cap_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  return name.starts_with("CAP_") ? name : "CAP_" + name;
}

Json mount_json(const Mount& m) {
  Json out{{"destination", m.destination}, {"type", m.type}, {"source", m.source}};
  if (!m.options.empty()) out["options"] = m.options;
  return out;
}

const char* type_letter(DeviceType type) { return type == DeviceType::block ? "b" : "c"; }

Json device_json(const Device& d) {
  return {{"path", d.container_path}, {"type", type_letter(d.node.type)}, {"major", d.node.major},
          {"minor", d.node.minor},    {"fileMode", d.node.file_mode},    {"uid", d.node.uid},
          {"gid", d.node.gid}};
}

// The cgroup rule that lets the container use the node: after the deny-all, before runc's
// defaults.
Json device_rule_json(const Device& d) {
  return {{"allow", true}, {"type", type_letter(d.node.type)}, {"major", d.node.major}, {"minor", d.node.minor},
          {"access", d.access}};
}

// /dev/shm by ipcMode: a private tmpfs of the container's size, the task's tmpfs, the host's, or
// none at all (null).
Json shm_mount_json(const ContainerSpec& s) {
  switch (s.ipc_mode) {
    case NamespaceMode::none:
      return nullptr;
    case NamespaceMode::task:
      return {{"destination", "/dev/shm"}, {"type", "bind"}, {"source", s.shm_source},
              {"options", {"rbind", "rw", "nosuid", "noexec", "nodev"}}};
    case NamespaceMode::host:
      return {{"destination", "/dev/shm"}, {"type", "bind"}, {"source", "/dev/shm"},
              {"options", {"rbind", "rw", "nosuid", "noexec", "nodev"}}};
    case NamespaceMode::private_:
      break;
  }
  const long long shm_kib = s.shm_size_bytes ? *s.shm_size_bytes / 1024 : 65536;
  return {{"type", "tmpfs"}, {"destination", "/dev/shm"}, {"source", "shm"},
          {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(shm_kib) + "k"}}};
}

// A namespace of the container's own (private, none), joined by path (task), or none of its own
// (host: the runtime's, which is the host's).
void add_namespace(Json& namespaces, const char* type, NamespaceMode mode, const std::string& path) {
  if (mode == NamespaceMode::host) return;
  Json entry{{"type", type}};
  if (mode == NamespaceMode::task) entry["path"] = path;
  namespaces.push_back(entry);
}

// With init, berth's binary runs first and the container's command as its child.
std::vector<std::string> process_args(const ContainerSpec& s) {
  if (!s.init) return s.args;
  std::vector<std::string> args{k_init_path, "init", "--"};
  args.insert(args.end(), s.args.begin(), s.args.end());
  return args;
}

}  // namespace

std::set<std::string> default_capabilities() {
  return {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
          "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
}

std::set<std::string> all_capabilities() { return known_capabilities(); }

std::set<std::string> adjust_capabilities(std::set<std::string> base, const Json& add, const Json& drop) {
  for (const auto& d : drop) {
    const std::string name = cap_name(d.get<std::string>());
    if (name == "CAP_ALL") base.clear();
    else base.erase(name);
  }
  for (const auto& a : add) {
    const std::string name = cap_name(a.get<std::string>());
    if (name == "CAP_ALL") {
      const auto all = all_capabilities();
      base.insert(all.begin(), all.end());
    } else {
      base.insert(name);
    }
  }
  return base;
}

long long shares_to_weight(long long shares) {
  if (shares == 0) return 0;
  return 1 + ((shares - 2) * 9999) / 262142;
}

namespace {

// The config; its linux.seccomp only `with_seccomp`. The sections are moved in, not copied.
Json oci_config(const ContainerSpec& s, bool with_seccomp) {
  const std::vector<std::string> caps(s.capabilities.begin(), s.capabilities.end());
  Json process{{"terminal", s.terminal},
               {"user", {{"uid", s.uid}, {"gid", s.gid}}},
               {"args", process_args(s)},
               {"env", s.env},
               {"cwd", s.cwd.empty() ? "/" : s.cwd},
               {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
               {"noNewPrivileges", !s.privileged}};
  if (!s.additional_gids.empty()) process["user"]["additionalGids"] = s.additional_gids;
  if (!s.apparmor_profile.empty()) process["apparmorProfile"] = s.apparmor_profile;
  Json rlimits = Json::array();
  bool has_nofile = false;
  for (const auto& r : s.rlimits) {
    rlimits.push_back({{"type", r.type}, {"soft", r.soft}, {"hard", r.hard}});
    has_nofile = has_nofile || r.type == "RLIMIT_NOFILE";
  }
  if (!has_nofile) rlimits.push_back({{"type", "RLIMIT_NOFILE"}, {"soft", 1024}, {"hard", 4096}});
  process["rlimits"] = rlimits;

  Json mounts = Json::array({
      {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"}},
      {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
       {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
      {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
       {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
      {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
       {"options", {"nosuid", "noexec", "nodev"}}},
      {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
       {"options", {"nosuid", "noexec", "nodev", "ro"}}},
  });
  if (auto shm = shm_mount_json(s); !shm.is_null()) mounts.insert(mounts.begin() + 3, shm);
  if (s.cgroup_v2) {
    mounts.push_back({{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"}, {"source", "cgroup"},
                      {"options", {"nosuid", "noexec", "nodev", "relatime", "ro"}}});
  }
  for (const auto& m : s.mounts) mounts.push_back(mount_json(m));
  if (s.init) mounts.push_back({{"destination", k_init_path}, {"type", "bind"}, {"source", s.init_binary},
                                {"options", {"bind", "ro", "nosuid", "nodev"}}});

  Json namespaces = Json::array();
  add_namespace(namespaces, "pid", s.pid_mode, s.pid_namespace_path);
  add_namespace(namespaces, "ipc", s.ipc_mode, s.ipc_namespace_path);
  namespaces.push_back({{"type", "uts"}});
  namespaces.push_back({{"type", "mount"}});
  if (s.network == NetworkNamespace::private_) {
    Json network{{"type", "network"}};
    if (!s.network_namespace_path.empty()) network["path"] = s.network_namespace_path;
    namespaces.push_back(network);
  }
  if (s.cgroup_v2) namespaces.push_back({{"type", "cgroup"}});

  Json device_rules = Json::array({{{"allow", false}, {"access", "rwm"}}});
  for (const auto& d : s.devices) device_rules.push_back(device_rule_json(d));
  Json resources{{"devices", device_rules}, {"cpu", {{"shares", s.cpu_shares}}}};
  Json memory = Json::object();
  if (s.memory_limit_bytes) memory["limit"] = *s.memory_limit_bytes;
  if (s.memory_reservation_bytes) memory["reservation"] = *s.memory_reservation_bytes;
  if (s.swap_limit_bytes) memory["swap"] = *s.swap_limit_bytes;
  if (s.swappiness) memory["swappiness"] = *s.swappiness;
  if (!memory.empty()) resources["memory"] = memory;
  if (s.pids_limit) resources["pids"] = {{"limit", *s.pids_limit}};
  if (s.cgroup_v2) resources["unified"] = {{"cpu.weight", std::to_string(shares_to_weight(s.cpu_shares))}};
  if (s.privileged) resources["devices"] = Json::array({{{"allow", true}, {"access", "rwm"}}});

  Json linux_section{{"cgroupsPath", s.cgroups_path},
                     {"namespaces", namespaces},
                     {"resources", resources}};
  if (!s.devices.empty()) {
    Json devices = Json::array();
    for (const auto& d : s.devices) devices.push_back(device_json(d));
    linux_section["devices"] = devices;
  }
  if (!s.privileged && !s.unmasked_system_paths) {
    linux_section["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                                    "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
                                    "/sys/devices/virtual/powercap"};
    linux_section["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
  }
  if (with_seccomp && s.seccomp && !s.seccomp->rules.is_null()) linux_section["seccomp"] = s.seccomp->rules;
  if (!s.sysctls.empty()) linux_section["sysctl"] = s.sysctls;

  Json config{{"ociVersion", "1.0.2"}, {"root", {{"path", s.rootfs}, {"readonly", s.readonly_rootfs}}}};
  config["process"] = std::move(process);
  config["mounts"] = std::move(mounts);
  config["linux"] = std::move(linux_section);
  if (!s.hostname.empty()) config["hostname"] = s.hostname;
  if (!s.annotations.empty()) config["annotations"] = s.annotations;
  return config;
}

// `object_text` (a serialized JSON object) with `"key":value_text` added as its last member.
void append_member(std::string& object_text, bool was_empty, std::string_view key, std::string_view value_text) {
  std::string member = was_empty ? "\"" : ",\"";
  member += key;
  member += "\":";
  member += value_text;
  object_text.insert(object_text.size() - 1, member);
}

}  // namespace

Json make_oci_config(const ContainerSpec& s) { return oci_config(s, true); }

std::string oci_config_text(const ContainerSpec& s) {
  Json config = oci_config(s, false);
  if (!s.seccomp || s.seccomp->rules.is_null()) return config.dump();
  // The profile goes last in linux, and linux last in the document: JSON leaves members unordered.
  Json linux_section = std::move(config["linux"]);
  config.erase("linux");
  std::string linux_text = linux_section.dump();
  append_member(linux_text, linux_section.empty(), "seccomp", s.seccomp->text);
  std::string text = config.dump();
  append_member(text, config.empty(), "linux", linux_text);
  return text;
}

}  // namespace berth::runtime
