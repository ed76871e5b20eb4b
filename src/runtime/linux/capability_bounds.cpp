#include "runtime/linux/capability_bounds.hpp"

#include <algorithm>
#include <array>

#include "common/files.hpp"
#include "common/numbers.hpp"

namespace berth::runtime {
namespace {

// Index = capability number (linux/capability.h).
constexpr std::array<std::string_view, 41> k_capabilities = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",  "CAP_DAC_READ_SEARCH", "CAP_FOWNER",       "CAP_FSETID",
    "CAP_KILL",            "CAP_SETGID",        "CAP_SETUID",          "CAP_SETPCAP",      "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",      "CAP_NET_RAW",      "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",       "CAP_SYS_MODULE",    "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",   "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",     "CAP_SYS_BOOT",        "CAP_SYS_NICE",     "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",        "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",          "CAP_LEASE",        "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",       "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",      "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",      "CAP_PERFMON",      "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE"};

}  // namespace

std::set<std::string> known_capabilities() { return {k_capabilities.begin(), k_capabilities.end()}; }

Result<std::uint64_t> parse_capability_bounding_set(std::string_view proc_status) {
  constexpr std::string_view key = "CapBnd:";
  std::size_t at = 0;
  while (at < proc_status.size()) {
    const auto end = std::min(proc_status.find('\n', at), proc_status.size());
    std::string_view line = proc_status.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with(key)) continue;
    line.remove_prefix(key.size());
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    const auto mask = parse_integer<std::uint64_t>(line, 16);
    if (!mask) break;
    return *mask;
  }
  return fail(Code::server, "no readable CapBnd line in the process status");
}

Result<std::uint64_t> host_capability_bounding_set() {
  BERTH_ASSIGN(const auto status, read_file("/proc/self/status"));
  return parse_capability_bounding_set(status);
}

std::set<std::string> within_bounding_set(const std::set<std::string>& requested, std::uint64_t bounding_set) {
  std::set<std::string> out;
  for (const auto& name : requested) {
    const auto known = std::find(k_capabilities.begin(), k_capabilities.end(), name);
    const auto number = static_cast<unsigned>(known - k_capabilities.begin());
    if (known == k_capabilities.end() || (bounding_set >> number & 1) != 0) out.insert(name);
  }
  return out;
}

}  // namespace berth::runtime
