// RuncRuntime::container_stats: a running container's cgroup (the path its monitor was started
// with, under the runtime's cgroupfs root: v1's hierarchies or v2's unified one) and, for a
// container in a network namespace of its own (bridge tasks), that namespace's eth0 through the
// container's pid.
#include <unistd.h>

#include <climits>

#include "common/log.hpp"
#include "runtime/linux/cgroup_stats.hpp"
#include "runtime/runc/runc_runtime.hpp"

namespace berth::runtime {
namespace {

// The network namespace of a process, as its /proc link names it ("net:[4026531992]").
std::string network_namespace_link(const std::string& pid) {
  char target[PATH_MAX];
  const std::string link = "/proc/" + pid + "/ns/net";
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : std::string();
}

// True when `pid` is in a network namespace other than berth's: host-mode containers share
// berth's, whose interfaces are the host's and not theirs to report.
bool own_network_namespace(int pid) {
  const std::string theirs = network_namespace_link(std::to_string(pid));
  return !theirs.empty() && theirs != network_namespace_link("self");
}

}  // namespace

Result<model::ContainerStats> RuncRuntime::container_stats(const std::string& id) {
  const ContainerStatus st = status(id);
  if (st.state != ContainerStatus::State::running || st.pid <= 0) {
    return fail(Code::client, "container " + id + " is not running");
  }
  BERTH_ASSIGN(const ShimOptions options, saved_shim_options(id));
  if (options.cgroup.empty()) return fail(Code::server, "container " + id + " was started without a cgroup");
  auto stats = read_cgroup_stats(options.cgroup, m_paths.cgroup_root);
  if (!stats) return std::unexpected(stats.error().wrap("container " + id));
  if (own_network_namespace(st.pid)) {
    // networkMode none has a namespace of its own with only a loopback: nothing to report.
    if (auto network = read_network_counters(st.pid, "eth0")) {
      stats->network = *network;
    } else {
      log_debug("container " + id + ": no network counters: " + network.error().message);
    }
  }
  return stats;
}

}  // namespace berth::runtime
