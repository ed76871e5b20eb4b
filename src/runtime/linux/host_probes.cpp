#include "runtime/linux/host_probes.hpp"

#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"
#include "runtime/linux/cgroups.hpp"
#include "runtime/linux/host_checks.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/network/bridge_network.hpp"

namespace berth::runtime {
namespace {

constexpr const char* k_cni_plugins[] = {"bridge", "host-local", "portmap", "loopback"};

std::string text_of(const std::string& path) { return read_file(path).value_or(""); }

HostCheck check_root() {
  if (::geteuid() == 0) return {"root", CheckStatus::ok, "running as root", ""};
  return {"root", CheckStatus::fail, "running as uid " + std::to_string(::geteuid()),
          "run berth as root (runc, cgroups and the bridge network need it)"};
}

HostCheck check_cgroups() {
  if (cgroup_v2()) {
    return judge_cgroup_v2(text_of("/sys/fs/cgroup/cgroup.controllers"),
                                    text_of("/sys/fs/cgroup/cgroup.subtree_control"));
  }
  return judge_cgroup_v1(text_of("/proc/mounts"));
}

HostCheck check_namespaces() {
  std::string found, missing;
  for (const char* kind : {"pid", "net", "mnt", "ipc", "uts", "user"}) {
    std::error_code error;
    const bool present = std::filesystem::exists(std::string("/proc/self/ns/") + kind, error);
    std::string& list = present ? found : missing;
    list += (list.empty() ? "" : " ") + std::string(kind);
  }
  if (missing.empty()) return {"namespaces", CheckStatus::ok, found, ""};
  return {"namespaces", CheckStatus::fail, found + "; missing: " + missing,
          "a kernel with CONFIG_NAMESPACES and each CONFIG_*_NS"};
}

// Whether /lib/modules/RELEASE holds an overlay module (overlay.ko, .ko.xz, .ko.zst, ...).
bool overlay_module_present(const std::string& release) {
  std::error_code error;
  std::filesystem::recursive_directory_iterator it("/lib/modules/" + release, error), end;
  for (; !error && it != end; it.increment(error)) {
    if (it->path().filename().string().starts_with("overlay.ko")) return true;
  }
  return false;
}

HostCheck check_overlay(const std::string& release) {
  if (filesystem_listed(text_of("/proc/filesystems"), "overlay")) {
    return {"overlayfs", CheckStatus::ok, "in /proc/filesystems", ""};
  }
  if (overlay_module_present(release)) {
    return {"overlayfs", CheckStatus::warn, "module present, not loaded", "modprobe overlay (and add it to /etc/modules)"};
  }
  return {"overlayfs", CheckStatus::warn, "not in the kernel: images are copied for each container (slow, uses disk)",
          "a kernel with CONFIG_OVERLAY_FS"};
}

HostCheck check_runc() {
  const char* path_env = std::getenv("PATH");
  const std::string runc = find_executable("runc", path_env ? path_env : k_helper_path);
  if (runc.empty()) return {"runc", CheckStatus::fail, "not on PATH", "apt install runc"};
  auto run = run_captured({runc, "--version"}, {}, "");
  if (!run || run->exit_code != 0) {
    return {"runc", CheckStatus::fail, runc + ": `runc --version` failed", "reinstall runc (apt install --reinstall runc)"};
  }
  const auto first_line = split(run->output, '\n').front();
  return {"runc", CheckStatus::ok, runc + ": " + std::string(first_line), ""};
}

// `dir`: the plugin directory the agent's configuration names (BERTH_CNI_PATH or its default).
HostCheck check_cni(const std::string& dir) {
  std::string missing;
  for (const char* plugin : k_cni_plugins) {
    // One directory, as the bridge network runs DIR/PLUGIN (not a CNI_PATH-style list).
    if (::access((dir + "/" + plugin).c_str(), X_OK) != 0) missing += std::string(missing.empty() ? "" : " ") + plugin;
  }
  if (missing.empty()) return {"cni", CheckStatus::ok, "bridge host-local portmap loopback in " + dir, ""};
  return {"cni", CheckStatus::fail, "missing in " + dir + ": " + missing,
          "apt install containernetworking-plugins, or set BERTH_CNI_PATH to their directory"};
}

HostCheck check_iptables() {
  const std::string iptables = iptables_binary();
  if (!iptables.empty()) return {"iptables", CheckStatus::ok, iptables, ""};
  return {"iptables", CheckStatus::fail, std::string("not in ") + k_helper_path, "apt install iptables"};
}

HostCheck check_seccomp() {
  const std::string actions(trim(text_of("/proc/sys/kernel/seccomp/actions_avail")));
  if (!actions.empty()) return {"seccomp", CheckStatus::ok, "actions: " + actions, ""};
  if (text_of("/proc/self/status").find("\nSeccomp:") != std::string::npos) {
    return {"seccomp", CheckStatus::ok, "supported (Seccomp in /proc/self/status)", ""};
  }
  return {"seccomp", CheckStatus::fail, "not in the kernel", "a kernel with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER"};
}

std::string filesystem_name(long type) {
  switch (static_cast<unsigned long>(type)) {
    case 0x01021994: return "tmpfs";
    case 0x858458f6: return "ramfs";
    case 0xef53: return "ext2/3/4";
    case 0x794c7630: return "overlay";
    case 0x9123683e: return "btrfs";
    case 0x58465342: return "xfs";
    case 0xf2f52010: return "f2fs";
    case 0x24051905: return "ubifs";
    case 0x6969: return "nfs";
    default: {
      char hex[24];
      std::snprintf(hex, sizeof hex, "0x%lx", static_cast<unsigned long>(type));
      return std::string("fs type ") + hex;
    }
  }
}

// Whether a directory can be made in `dir` (removed again at once): what berth will do there.
// Unlike access(W_OK), this also catches root on a filesystem that takes no new entries (/proc).
bool can_create_in(const std::string& dir) {
  std::string probe = dir + "/.berth-doctor-XXXXXX";
  if (::mkdtemp(probe.data()) == nullptr) return false;
  ::rmdir(probe.c_str());
  return true;
}

// `dir` (or, before the first start creates it, its nearest existing parent): writable, and on
// which filesystem. The data dir must survive a reboot; the run dir need not.
HostCheck check_directory(const std::string& label, const std::string& dir, bool must_persist) {
  std::error_code error;
  std::filesystem::path existing = std::filesystem::absolute(dir, error);
  while (!std::filesystem::exists(existing, error) && existing.has_parent_path() && existing != existing.parent_path()) {
    existing = existing.parent_path();
  }
  struct statfs fs {};
  if (!can_create_in(existing.string()) || ::statfs(existing.c_str(), &fs) != 0) {
    return {label, CheckStatus::fail, dir + " is not writable (at " + existing.string() + ")",
            "create it writable for root, or point " + std::string(must_persist ? "--data-dir" : "--run-dir") + " elsewhere"};
  }
  const std::string fs_name = filesystem_name(fs.f_type);
  HostCheck check{label, CheckStatus::ok, dir + " writable, on " + fs_name, ""};
  if (must_persist && (fs_name == "tmpfs" || fs_name == "ramfs")) {
    check.status = CheckStatus::warn;
    check.fix = "state is lost at reboot: put ECS_DATADIR on persistent storage";
  } else if (must_persist && fs_name == "overlay") {
    check.status = CheckStatus::warn;
    check.fix = "overlayfs does not stack on overlay: images are copied; put ECS_DATADIR on a plain filesystem";
  }
  return check;
}

}  // namespace

std::vector<HostCheck> probe_host(const HostProbeSettings& settings) {
  struct utsname host {};
  ::uname(&host);
  return {
      check_root(),
      judge_kernel(host.release),
      check_cgroups(),
      check_namespaces(),
      check_overlay(host.release),
      check_runc(),
      check_cni(settings.cni_plugin_dir),
      check_iptables(),
      check_seccomp(),
      check_directory("data dir", settings.data_dir, true),
      check_directory("run dir", settings.run_dir, false),
      judge_memory(text_of("/proc/meminfo")),
  };
}

}  // namespace berth::runtime
