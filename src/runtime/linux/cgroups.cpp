#include "runtime/linux/cgroups.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/files.hpp"

namespace berth::runtime {
namespace {

constexpr const char* k_v1_controllers[] = {"cpu", "cpuacct", "memory", "pids", "blkio", "devices",
                                            "freezer", "cpuset", "systemd"};

Result<void> write_control(const std::string& file, const std::string& value) {
  std::ofstream out(file);
  out << value;
  out.close();
  if (!out) return fail(Code::server, "cannot write " + value + " to " + file);
  return {};
}

// cpuset children start empty on v1: copy the parent's cpus and mems down.
void inherit_cpuset(const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    auto parent = read_file(std::filesystem::path(dir).parent_path().string() + "/" + file);
    auto mine = read_file(dir + "/" + file);
    if (parent && mine && (mine->empty() || *mine == "\n")) {
      auto ok = write_control(dir + "/" + file, *parent);
      (void)ok;
    }
  }
}

}  // namespace

bool cgroup_v2(const std::string& root) { return std::filesystem::exists(root + "/cgroup.controllers"); }

Result<void> prepare_task_cgroup(const std::string& path, const TaskLimits& limits, const std::string& root) {
  if (cgroup_v2(root)) {
    // Controllers must be enabled in every ancestor's subtree_control for the leaf to use them.
    std::string dir = root;
    std::string rest = path;
    BERTH_TRY(make_dirs(root + path));
    std::size_t pos = 1;
    while (true) {
      auto ok = write_control(dir + "/cgroup.subtree_control", "+cpu +memory +pids");
      (void)ok;  // some controllers may be unavailable; limits below report real failures
      const auto next = rest.find('/', pos);
      if (next == std::string::npos) break;
      dir = root + rest.substr(0, next);
      pos = next + 1;
    }
    const std::string leaf = root + path;
    BERTH_TRY(write_control(leaf + "/cgroup.subtree_control", "+cpu +memory +pids"));
    if (limits.cpu_quota_us) BERTH_TRY(write_control(leaf + "/cpu.max", std::to_string(*limits.cpu_quota_us) + " 100000"));
    if (limits.memory_bytes) BERTH_TRY(write_control(leaf + "/memory.max", std::to_string(*limits.memory_bytes)));
    if (limits.pids) BERTH_TRY(write_control(leaf + "/pids.max", std::to_string(*limits.pids)));
    return {};
  }
  for (const char* controller : k_v1_controllers) {
    const std::string base = root + "/" + controller;
    if (!std::filesystem::exists(base)) continue;
    std::string dir = base;
    std::size_t pos = 1;
    while (pos <= path.size()) {
      auto next = path.find('/', pos);
      if (next == std::string::npos) next = path.size();
      dir = base + path.substr(0, next);
      BERTH_TRY(make_dirs(dir));
      if (std::string(controller) == "cpuset") inherit_cpuset(dir);
      pos = next + 1;
    }
  }
  const std::string leaf = path;
  if (limits.cpu_quota_us) {
    BERTH_TRY(write_control(root + "/cpu" + leaf + "/cpu.cfs_period_us", "100000"));
    BERTH_TRY(write_control(root + "/cpu" + leaf + "/cpu.cfs_quota_us", std::to_string(*limits.cpu_quota_us)));
  }
  if (limits.memory_bytes) {
    BERTH_TRY(write_control(root + "/memory" + leaf + "/memory.limit_in_bytes", std::to_string(*limits.memory_bytes)));
  }
  if (limits.pids) BERTH_TRY(write_control(root + "/pids" + leaf + "/pids.max", std::to_string(*limits.pids)));
  return {};
}

Result<void> move_into_cgroup(const std::string& path, int pid, const std::string& root) {
  if (cgroup_v2(root)) {
    BERTH_TRY(make_dirs(root + path));
    return write_control(root + path + "/cgroup.procs", std::to_string(pid));
  }
  std::error_code ec;
  std::string failures;
  for (const auto& entry : std::filesystem::directory_iterator(root, ec)) {
    if (!entry.is_directory() || entry.is_symlink()) continue;
    const std::string dir = entry.path().string() + path;
    if (!make_dirs(dir)) continue;
    if (entry.path().filename() == "cpuset") inherit_cpuset(dir);
    if (!write_control(dir + "/cgroup.procs", std::to_string(pid))) failures += " " + dir;
  }
  if (!failures.empty()) return fail(Code::server, "cannot move process into" + failures);
  return {};
}

void remove_task_cgroup(const std::string& path, const std::string& root) {
  if (cgroup_v2(root)) {
    ::rmdir((root + path).c_str());
    return;
  }
  for (const char* controller : k_v1_controllers) {
    ::rmdir((root + "/" + controller + path).c_str());
  }
}

Result<std::string> read_cgroup_file(const std::string& controller, const std::string& path,
                                     const std::string& file, const std::string& root) {
  const std::string full = cgroup_v2(root) ? root + path + "/" + file
                                       : root + "/" + controller + path + "/" + file;
  return read_file(full);
}

}  // namespace berth::runtime
