#include "runtime/runc/runc_runtime.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "common/files.hpp"
#include "common/log.hpp"
#include "common/split.hpp"
#include "common/start_trace.hpp"
#include "runtime/log_attributes_file.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/project_quota.hpp"
#include "runtime/linux/unique_fd.hpp"
#include "runtime/runc/runc_exec.hpp"
#include "runtime/shim/shim.hpp"
#include "common/numbers.hpp"

namespace berth::runtime {
namespace {

namespace fs = std::filesystem;
using model::Json;

bool process_alive(int pid) { return pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM); }

// The shim's arguments as start() gave them (a JSON list of words), kept in the state directory.
constexpr const char* k_shim_args_file = "shim-args.json";
// The task whose namespaces the container joined (pidMode/ipcMode task), for a restart to check.
constexpr const char* k_task_namespaces_file = "task-namespaces";
// How often run_command looks for the exit of a command that has closed its output, where the
// kernel has no pidfd to wait on.
constexpr long long k_exit_poll_ms = 10;

}  // namespace

Result<ExecResult> run_command(const std::vector<std::string>& argv, int timeout_ms,
                               const std::function<void(pid_t)>& before_kill) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return sys_fail("pipe");
  auto spawned = spawn_process(argv, {.stdout_fd = out[1], .stderr_fd = out[1]});
  ::close(out[1]);
  if (!spawned) {
    ::close(out[0]);
    return std::unexpected(spawned.error());
  }
  const pid_t pid = *spawned;
  ExecResult result;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  const auto time_left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  };
  const auto kill_at_deadline = [&] {
    result.timed_out = true;
    if (before_kill) before_kill(pid);
    ::kill(pid, SIGKILL);  // not yet reaped: the pid is still this child's
  };
  while (true) {
    const auto left = time_left();
    if (left <= 0) {
      kill_at_deadline();
      break;
    }
    pollfd p{out[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) break;
    const std::size_t room = k_max_exec_output - result.output.size();
    result.output.append(buffer, std::min(room, static_cast<std::size_t>(n)));
    result.output_truncated = result.output_truncated || static_cast<std::size_t>(n) > room;
  }
  ::close(out[0]);
  // A command may close its output and run on: the bound holds for its exit too. Its pidfd says
  // the moment it exits (a runc that just closed its output is still exiting); kernels before
  // 5.3 have none, and then its exit is looked for every k_exit_poll_ms.
  const UniqueFd exit_fd = open_pidfd(pid);
  while (!result.timed_out) {
    int status = 0;
    const pid_t reaped = ::waitpid(pid, &status, WNOHANG);
    if (reaped == pid) {
      result.exit_code = exit_status_of_wait(status);
      return result;
    }
    if (reaped < 0 && errno != EINTR) return sys_fail("waitpid " + argv.front());
    const auto left = time_left();
    if (left <= 0) {
      kill_at_deadline();
      break;
    }
    if (exit_fd.valid()) {
      pollfd p{exit_fd.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long long>(left, k_exit_poll_ms)));
    }
  }
  result.exit_code = wait_exit_code(pid);
  return result;
}

Result<std::string> RuncRuntime::prepare_rootfs(const ContainerSpec& spec, const std::string& bundle) {
  const std::string merged = bundle + "/rootfs";
  // The task's storage limit: the bundle, and so the writable layer made inside it, inherits
  // the task's project id (given by prepare_task, found again after a berth restart). A spare
  // root was made without one, so such a task makes its own.
  const auto project = spec.task_id.empty() ? std::nullopt : m_project_ids.find(spec.task_id);
  if (!project && m_spare_rootfs.take(spec.image_rootfs, bundle)) return merged;
  BERTH_TRY(make_dirs(bundle, 0700));
  if (project) BERTH_TRY(assign_project(bundle, *project));
  BERTH_ASSIGN(const int mount_error, mount_overlay_root(bundle, spec.image_rootfs, project.has_value()));
  if (mount_error == 0) return merged;
  // No overlayfs (some gateway kernels, or an overlay-backed data dir): a private copy.
  log_warn("overlay mount failed for " + spec.id + " (" + std::strerror(mount_error) + "); copying the image");
  std::error_code ec;
  fs::copy(spec.image_rootfs, merged,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks | fs::copy_options::overwrite_existing, ec);
  if (ec) return fail(Code::server, "cannot copy the image root for " + spec.id + ": " + ec.message());
  return merged;
}

Result<int> RuncRuntime::start(const ContainerSpec& input) {
  const std::string bundle = m_paths.bundle_root + "/" + input.id;
  const std::string state = m_paths.state_root + "/" + input.id;
  BERTH_TRY(remove_all(state));
  BERTH_TRY(make_dirs(state, 0700));
  BERTH_TRY(make_dirs(m_paths.log_root, 0700));
  ContainerSpec spec = input;
  BERTH_TRY(join_task_namespaces(spec));
  if (spec.init) spec.init_binary = m_paths.self_exe;
  BERTH_ASSIGN(const std::string rootfs, prepare_rootfs(spec, bundle));
  std::error_code ec;
  spec.rootfs = fs::absolute(rootfs, ec).string();
  if (ec) return fail(Code::server, "cannot resolve the root of " + spec.id + ": " + ec.message());
  // config.json holds the environment, secrets included: it goes to the state directory (the run
  // dir, tmpfs), never to the data dir on flash. runc reads it from there as the bundle; the
  // root it names stays under the data dir.
  BERTH_TRY(write_file(state + "/config.json", oci_config_text(spec), 0600));
  if (!spec.pid_namespace_path.empty() || !spec.ipc_namespace_path.empty()) {
    BERTH_TRY(write_file(state + "/" + k_task_namespaces_file, spec.task_id, 0600));
  }

  ShimOptions options;
  options.id = spec.id;
  options.bundle = state;
  options.state_dir = state;
  options.runc = m_paths.runc;
  options.runc_root = m_paths.runc_root;
  options.log_path = log_path(spec.id);
  if (spec.logging.sink == LogSink::file) BERTH_TRY(write_log_attributes(options.log_path, spec.logging.attributes));
  options.log_max_bytes = m_paths.log_max_bytes;
  options.log_files = m_paths.log_files;
  options.cgroup = spec.cgroups_path;
  options.sync_fd = 3;
  options.terminal = spec.terminal;
  options.open_stdin = spec.open_stdin;
  options.logging = spec.logging;
  if (options.logging.wait_for_reader || options.logging.count_unread) options.logging.progress_path = state + "/" + k_log_progress_file;
  // What a restart in place needs to run the same monitor again, the spec being gone by then.
  BERTH_TRY(write_file(state + "/" + k_shim_args_file, Json(shim_args(options)).dump(), 0600));
  trace_start(spec.id, "bundle");
  return spawn_shim(options);
}

Result<int> RuncRuntime::restart(const std::string& id) {
  const std::string state = m_paths.state_root + "/" + id;
  if (status(id).state != ContainerStatus::State::exited) {
    return fail(Code::server, "container " + id + " has not exited; it is not restarted");
  }
  BERTH_ASSIGN(const ShimOptions options, saved_shim_options(id));
  // config.json joins the task's namespaces through the holder's pid: only while that is still
  // the holder (a reused pid would put the container in another process's namespaces).
  if (auto task = read_file(state + "/" + k_task_namespaces_file)) BERTH_TRY(m_namespaces.paths_of(*task));
  // runc keeps the stopped container's record until it is deleted; the new run takes the same id.
  // config.json and the mounted root with its writable layer stay; the exit record goes last, so
  // the container reads as exited until its new monitor runs.
  auto deleted = run_command({m_paths.runc, "--root", m_paths.runc_root, "delete", "--force", id}, 10000);
  (void)deleted;  // a run that never started left no record
  for (const char* file : {k_shim_pid_file, "container.pid", "runc.log", k_exit_file}) {
    BERTH_TRY(remove_all(state + "/" + file));
  }
  return spawn_shim(options);
}

Result<ShimOptions> RuncRuntime::saved_shim_options(const std::string& id) const {
  auto saved = read_file(m_paths.state_root + "/" + id + "/" + k_shim_args_file);
  if (!saved) return fail(Code::server, "container " + id + " has no saved monitor settings (started by an older berth?)");
  const Json words = Json::parse(*saved, nullptr, false);
  std::vector<std::string> args;
  if (words.is_array()) {
    for (const auto& w : words) {
      if (w.is_string()) args.push_back(w.get<std::string>());
    }
  }
  if (args.empty() || args.front() != "shim") return fail(Code::server, "container " + id + ": corrupt " + k_shim_args_file);
  return parse_shim_args({args.begin() + 1, args.end()});
}

Result<int> RuncRuntime::spawn_shim(const ShimOptions& options) {
  int sync[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return sys_fail("pipe");
  // The waiting spare if there is one; else (or if it died) the shim is executed for this start.
  const auto execute_shim = [&] {
    std::vector<std::string> argv{m_paths.self_exe};
    for (auto& w : shim_args(options)) argv.push_back(std::move(w));
    return spawn_process(argv, {.pass_fd = sync[1]});
  };
  auto spare = take_spare();
  bool handed = false;
  if (spare) {
    auto result = std::move(*spare).hand(options, sync[1]);
    if (!result) log_warn("the spare container monitor is gone (" + result.error().message + "): starting one for " + options.id);
    handed = result.has_value();
  }
  if (!handed) {
    auto spawned = execute_shim();
    if (!spawned) {
      ::close(sync[0]);
      ::close(sync[1]);
      return std::unexpected(spawned.error());
    }
    wait_exit_code(*spawned);  // the shim's first process returns at once; its child lives on
  }
  ::close(sync[1]);
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(m_paths.start_timeout_ms);
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) break;
    pollfd p{sync[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(sync[0], buffer, sizeof buffer);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(sync[0]);
  trace_start(options.id, "reported");
  // Made once the caller has recorded this start (prepare_next_starts), not while runc runs: on
  // two cores the spare's own start would slow runc's.
  m_spare_wanted = true;
  while (!reply.empty() && reply.back() == '\n') reply.pop_back();
  if (reply.starts_with("ok ")) {
    // "ok <pid> <runc began> <runc ended>": the times only feed the start trace.
    const auto words = split(std::string_view(reply).substr(3), ' ');
    const auto pid = parse_integer<int>(words.front());
    if (!pid) return fail(Code::server, "the container monitor for " + options.id + " reported no pid: " + reply);
    if (words.size() == 3) {
      const auto began = parse_integer<std::int64_t>(words[1]);
      const auto ended = parse_integer<std::int64_t>(words[2]);
      if (began && ended) {
        trace_start(options.id, "runc_began", *began);
        trace_start(options.id, "runc_ended", *ended);
      }
    }
    return *pid;
  }
  if (reply.starts_with("error ")) return fail(Code::client, reply.substr(6));
  return fail(Code::server, "the container monitor for " + options.id + " did not report a start");
}

void RuncRuntime::prepare_next_starts() {
  if (m_spare_wanted) m_spare_keeper.wake();
}

bool RuncRuntime::has_spare() {
  MutexLock lock(m_spare_mutex);
  return m_spare.has_value();
}

std::optional<SpareShim> RuncRuntime::take_spare() {
  MutexLock lock(m_spare_mutex);
  return std::exchange(m_spare, std::nullopt);
}

void RuncRuntime::refill_spare() {
  {
    MutexLock lock(m_spare_mutex);
    if (m_spare) return;
  }
  // Started unlocked, so that starts side by side do not queue behind an exec.
  auto started = SpareShim::start(m_paths.self_exe);
  if (!started) {
    log_warn("no spare container monitor (the next start execs one): " + started.error().message);
    return;
  }
  MutexLock lock(m_spare_mutex);
  if (!m_spare) m_spare = std::move(*started);  // else another start's spare won: ours goes
}

ContainerStatus RuncRuntime::status(const std::string& id) {
  ContainerStatus out;
  const std::string state = m_paths.state_root + "/" + id;
  if (auto text = read_file(state + "/" + k_exit_file)) {
    const Json exit = Json::parse(*text, nullptr, false);
    if (exit.is_object()) {
      out.state = ContainerStatus::State::exited;
      out.exit_code = exit.value("exitCode", 255);
      out.oom_killed = exit.value("oomKilled", false);
      out.start_error = exit.value("startError", "");
      const Json dropped = exit.value("logDropped", Json());
      if (dropped.is_number_unsigned()) out.log_dropped = dropped.get<std::uint64_t>();
      out.finished_at = exit.value("finishedAt", 0LL);
      return out;
    }
  }
  auto shim_pid = read_file(state + "/" + k_shim_pid_file);
  // Both files are written by berth and runc, but a power cut can leave one empty.
  if (shim_pid && process_alive(parse_integer<int>(trim(*shim_pid)).value_or(0))) {
    out.state = ContainerStatus::State::running;
    if (auto pid = read_file(state + "/container.pid")) out.pid = parse_integer<int>(trim(*pid)).value_or(0);
  }
  return out;
}

Result<void> RuncRuntime::kill(const std::string& id, int signal) {
  BERTH_ASSIGN(auto result, run_command({m_paths.runc, "--root", m_paths.runc_root, "kill", id,
                                         std::to_string(signal)}, 10000));
  if (result.exit_code != 0) {
    return fail(Code::server, "runc kill " + id + ": " + result.output);
  }
  return {};
}

Result<ExecResult> RuncRuntime::exec(const std::string& id, const std::vector<std::string>& argv, int timeout_ms) {
  return run_command(runc_exec_argv(m_paths, id, argv, false), timeout_ms, [](pid_t runc) { kill_exec_command(runc); });
}

Result<void> RuncRuntime::remove(const std::string& id) {
  auto deleted = run_command({m_paths.runc, "--root", m_paths.runc_root, "delete", "--force", id}, 10000);
  (void)deleted;  // already gone is fine
  BERTH_TRY(remove_bundle(m_paths.bundle_root + "/" + id));
  BERTH_TRY(remove_all(m_paths.state_root + "/" + id));
  return {};
}

std::vector<std::string> RuncRuntime::known_containers() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(m_paths.state_root, ec)) {
    if (entry.is_directory()) out.push_back(entry.path().filename().string());
  }
  return out;
}

}  // namespace berth::runtime
