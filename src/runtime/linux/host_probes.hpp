// What `berth doctor` reads from this host: root, kernel, cgroups, namespaces, overlayfs, runc,
// the CNI plugins, iptables, seccomp, the state directories and free memory, each judged by
// host_checks.hpp. Reads the host only; starts nothing but `runc --version`. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "runtime/linux/host_checks.hpp"

namespace berth::runtime {

struct HostProbeSettings {
  std::string cni_plugin_dir;  // where the bridge network runs its CNI plugins from
  std::string data_dir;        // must be writable and should survive a reboot
  std::string run_dir;         // must be writable
};

// Returns one check per probe, in the order the report prints them.
[[nodiscard]] std::vector<HostCheck> probe_host(const HostProbeSettings& settings);

}  // namespace berth::runtime
