#include "runtime/linux/task_namespaces.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "runtime/linux/cgroups.hpp"
#include "runtime/linux/init_process.hpp"
#include "runtime/linux/process.hpp"

namespace berth::runtime {
namespace {

namespace fs = std::filesystem;

constexpr const char* k_holder_file = "holder";
constexpr const char* k_shm_dir = "shm";

std::string proc_stat_of(int pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  return text ? *text : std::string();
}

// A mount point: on another device than the directory holding it.
bool mounted(const std::string& path) {
  struct stat own {}, parent {};
  return ::stat(path.c_str(), &own) == 0 && ::stat((path + "/..").c_str(), &parent) == 0 && own.st_dev != parent.st_dev;
}

// Gone or a zombie: it no longer holds its namespaces.
bool exited(int pid) {
  const std::string stat = proc_stat_of(pid);
  const auto close = stat.rfind(')');
  return close == std::string::npos || stat.size() < close + 3 || stat[close + 2] == 'Z';
}

}  // namespace

std::string holder_record(const NamespaceHolder& holder) {
  return std::to_string(holder.pid) + " " + std::to_string(holder.start_time) + "\n";
}

std::optional<NamespaceHolder> parse_holder_record(std::string_view text) {
  const std::string_view line = trim(text);
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto pid = parse_integer_in<int>(line.substr(0, space), 1, 1 << 30);
  const auto start = parse_integer<unsigned long long>(line.substr(space + 1));
  if (!pid || !start || *start == 0) return std::nullopt;
  return NamespaceHolder{*pid, *start};
}

std::optional<unsigned long long> start_time_of_stat(std::string_view stat) {
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  // After the command: field 3 (state) onwards, so starttime is the 20th word from here.
  std::string_view rest = stat.substr(close + 1);
  for (int field = 3; field <= 22; ++field) {
    const auto begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(begin);
    const auto end = std::min(rest.find(' '), rest.size());
    if (field == 22) return parse_integer<unsigned long long>(trim(rest.substr(0, end)));
    rest.remove_prefix(end);
  }
  return std::nullopt;
}

bool holder_running(const NamespaceHolder& holder) {
  if (exited(holder.pid)) return false;
  return start_time_of_stat(proc_stat_of(holder.pid)) == holder.start_time;
}

int run_namespace_holder(int report_fd) {
  if (::unshare(CLONE_NEWPID | CLONE_NEWIPC) != 0) {
    std::perror("berth init: unshare");
    return 1;
  }
  const pid_t holder = ::fork();  // the first child after unshare is PID 1 of the new namespace
  if (holder < 0) {
    std::perror("berth init: fork");
    return 1;
  }
  if (holder == 0) {
    ::close(report_fd);
    ::setsid();
    if (::chdir("/") != 0) std::perror("berth init: chdir /");
    return reap_until_terminated();
  }
  const std::string line = std::to_string(holder) + "\n";
  if (::write(report_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::perror("berth init: report");
    ::kill(holder, SIGKILL);
    return 1;
  }
  return 0;
}

TaskNamespaces::TaskNamespaces(std::string root, std::string self_exe, std::string cgroup_root)
    : m_root(std::move(root)), m_self_exe(std::move(self_exe)), m_cgroup_root(std::move(cgroup_root)) {}

Result<NamespaceHolder> TaskNamespaces::start_holder() const {
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) return sys_fail("pipe");
  auto spawned = spawn_process({m_self_exe, "init", "--hold-namespaces"}, {.pass_fd = report[1]});
  ::close(report[1]);
  if (!spawned) {
    ::close(report[0]);
    return std::unexpected(spawned.error());
  }
  // The report ends when the verb's process has exited and the holder closed its copy.
  std::string reply;
  char buffer[64];
  for (ssize_t n; (n = ::read(report[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(report[0]);
  const int code = wait_exit_code(*spawned);
  const auto pid = parse_integer_in<int>(trim(reply), 1, 1 << 30);
  if (code != 0 || !pid) {
    return fail(Code::server, "the namespace holder did not start (exit code " + std::to_string(code) + ")");
  }
  const auto start = start_time_of_stat(proc_stat_of(*pid));
  if (!start) return fail(Code::server, "the namespace holder (pid " + std::to_string(*pid) + ") exited at once");
  const NamespaceHolder holder{*pid, *start};
  // Out of berth's cgroup: stopping berth's service must not take the task's namespaces along.
  if (auto moved = move_into_cgroup("/berth-shims", *pid, m_cgroup_root); !moved) {
    ::kill(*pid, SIGKILL);
    return fail(moved.error().code, "the namespace holder: " + moved.error().message);
  }
  return holder;
}

Result<void> TaskNamespaces::prepare(const std::string& task_id, std::optional<long long> shm_bytes) {
  if (m_root.empty()) return fail(Code::server, "this runtime has no task directory");
  if (shm_bytes && *shm_bytes <= 0) return fail(Code::client, "the task's /dev/shm size must be positive");
  const std::string dir = task_dir(task_id);
  BERTH_TRY(make_dirs(dir, 0700));
  const std::string record_path = dir + "/" + k_holder_file;
  const auto recorded = read_file(record_path);
  const auto known = recorded ? parse_holder_record(*recorded) : std::nullopt;
  if (!known || !holder_running(*known)) {
    BERTH_ASSIGN(const NamespaceHolder holder, start_holder());
    // Unrecorded, the holder could never be found to release, and each retry would start another.
    if (auto written = write_file_atomic(record_path, holder_record(holder), 0600); !written) {
      ::kill(holder.pid, SIGKILL);
      return written;
    }
  }
  if (!shm_bytes) return {};
  const std::string shm = dir + "/" + k_shm_dir;
  BERTH_TRY(make_dirs(shm, 0755));
  // Already mounted by a berth that restarted meanwhile: the containers may use it.
  if (mounted(shm)) return {};
  const std::string options = "mode=1777,size=" + std::to_string(*shm_bytes / 1024) + "k";
  if (::mount("shm", shm.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options.c_str()) != 0) {
    return sys_fail("mount the task's /dev/shm at " + shm);
  }
  return {};
}

Result<TaskNamespacePaths> TaskNamespaces::paths_of(const std::string& task_id) const {
  if (m_root.empty()) return fail(Code::server, "this runtime has no task directory");
  const std::string dir = task_dir(task_id);
  const auto recorded = read_file(dir + "/" + k_holder_file);
  const auto holder = recorded ? parse_holder_record(*recorded) : std::nullopt;
  if (!holder || !holder_running(*holder)) {
    return fail(Code::server, "the namespaces of task " + task_id + " are gone (their holder is not running)");
  }
  const std::string proc = "/proc/" + std::to_string(holder->pid) + "/ns/";
  const std::string shm = dir + "/" + k_shm_dir;
  return TaskNamespacePaths{proc + "pid", proc + "ipc", mounted(shm) ? shm : ""};
}

Result<void> TaskNamespaces::release(const std::string& task_id) {
  const std::string dir = task_dir(task_id);
  std::error_code ec;
  if (m_root.empty() || !fs::exists(dir, ec)) return {};
  const auto recorded = read_file(dir + "/" + k_holder_file);
  if (const auto holder = recorded ? parse_holder_record(*recorded) : std::nullopt; holder && holder_running(*holder)) {
    ::kill(holder->pid, SIGKILL);
    // Not berth's child: its parent reaps it. Wait until it no longer holds the namespaces.
    for (int i = 0; i < 200 && !exited(holder->pid); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!exited(holder->pid)) return fail(Code::server, "the namespace holder of task " + task_id + " did not exit");
  }
  if (const std::string shm = dir + "/" + k_shm_dir; mounted(shm)) {
    if (::umount2(shm.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
      return sys_fail("unmount the task's /dev/shm at " + shm);
    }
  }
  return remove_all(dir);
}

std::vector<std::string> TaskNamespaces::tasks() const {
  std::vector<std::string> out;
  if (m_root.empty()) return out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_root, ec)) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  return out;
}

}  // namespace berth::runtime
