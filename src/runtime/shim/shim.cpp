#include "runtime/shim/shim.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include "common/clock.hpp"
#include "common/files.hpp"
#include "model/schema.hpp"
#include "runtime/linux/cgroups.hpp"
#include "runtime/linux/memory_shedding.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/shim/log_writer.hpp"
#include "common/numbers.hpp"

namespace berth::runtime {
namespace {

using model::Json;

void report(int fd, const std::string& text) {
  if (fd < 0) return;
  const std::string line = text + "\n";
  ssize_t ignored = ::write(fd, line.data(), line.size());
  (void)ignored;
  ::close(fd);
}

// Runs a child with stdout/stderr set (-1 = /dev/null) and returns its exit code.
int run_and_wait(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  auto pid = spawn_process(argv, {.stdout_fd = out_fd, .stderr_fd = err_fd, .die_with_parent = true});
  return pid ? wait_exit_code(*pid) : 127;
}

// runc writes JSON lines to its --log file; the last "error" message says why it failed.
std::string runc_error(const std::string& log_path) {
  auto text = read_file(log_path);
  if (!text) return "runc failed without a log";
  std::string message = "runc failed";
  std::size_t start = 0;
  while (start < text->size()) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    const Json line = Json::parse(text->substr(start, end - start), nullptr, false);
    if (line.is_object() && line.value("level", "") == "error") message = line.value("msg", message);
    start = end + 1;
  }
  return message;
}

bool oom_killed(const std::string& cgroup) {
  if (cgroup.empty()) return false;
  for (const std::string& path : {"/sys/fs/cgroup" + cgroup + "/memory.events",
                                 "/sys/fs/cgroup/memory" + cgroup + "/memory.oom_control"}) {
    auto text = read_file(path);
    if (!text) continue;
    const auto at = text->find("oom_kill ");
    if (at == std::string::npos) continue;
    const auto count = parse_leading_integer<long long>(std::string_view(*text).substr(at + 9));
    if (count && count->value > 0) return true;
  }
  return false;
}

}  // namespace

Result<ShimOptions> parse_shim_args(const std::vector<std::string>& words) {
  ShimOptions o;
  const auto whole = [](const std::string& key, const std::string& text) -> Result<long long> {
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return fail(Code::invalid_parameter, "shim: " + key + " needs a number");
    return v;
  };
  for (std::size_t i = 0; i + 1 < words.size(); i += 2) {
    const std::string& key = words[i];
    const std::string& value = words[i + 1];
    if (key == "--id") o.id = value;
    else if (key == "--bundle") o.bundle = value;
    else if (key == "--state") o.state_dir = value;
    else if (key == "--runc") o.runc = value;
    else if (key == "--runc-root") o.runc_root = value;
    else if (key == "--log") o.log_path = value;
    else if (key == "--log-max") { BERTH_ASSIGN(o.log_max_bytes, whole(key, value)); }
    else if (key == "--log-files") { BERTH_ASSIGN(o.log_files, whole(key, value)); }
    else if (key == "--cgroup") o.cgroup = value;
    else if (key == "--sync-fd") { BERTH_ASSIGN(o.sync_fd, whole(key, value)); }
    else return fail(Code::invalid_parameter, "shim: unknown argument " + key);
  }
  if (o.id.empty() || o.bundle.empty() || o.state_dir.empty() || o.runc_root.empty() || o.log_path.empty()) {
    return fail(Code::invalid_parameter, "shim: --id, --bundle, --state, --runc-root and --log are required");
  }
  return o;
}

std::vector<std::string> shim_args(const ShimOptions& o) {
  return {"shim", "--id", o.id, "--bundle", o.bundle, "--state", o.state_dir, "--runc", o.runc,
          "--runc-root", o.runc_root, "--log", o.log_path, "--log-max", std::to_string(o.log_max_bytes),
          "--log-files", std::to_string(o.log_files), "--cgroup", o.cgroup,
          "--sync-fd", std::to_string(o.sync_fd)};
}

int run_shim(const ShimOptions& o) {
  // Detach: the parent returns at once to berth (which reaps it); the child lives on its own.
  const pid_t first = ::fork();
  if (first < 0) {
    report(o.sync_fd, "error fork failed");
    return 1;
  }
  if (first > 0) return 0;
  ::setsid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&handled, sig);
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);
  const int sig_fd = ::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);

  LogWriter log(o.log_path, o.log_max_bytes, o.log_files);
  const std::string exit_path = o.state_dir + "/" + k_exit_file;
  const auto write_exit = [&](Json record) {
    record["finishedAt"] = SystemClock().now_ms();
    auto ok = write_file_atomic(exit_path, record.dump());
    (void)ok;
  };

  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    write_exit({{"startError", "cannot create pipes"}});
    report(o.sync_fd, "error cannot create pipes");
    return 1;
  }
  // The container inherits runc's stdio: our pipes' write ends. One `runc run -d` (create and
  // start in one process) is a Go runtime start cheaper than `create` then `start`; runc exits
  // once the container runs and its init is re-parented to us, the subreaper.
  const std::string runc_log = o.state_dir + "/runc.log";
  const std::string pid_file = o.state_dir + "/container.pid";
  const int exit_code = run_and_wait({o.runc, "--root", o.runc_root, "--log", runc_log, "--log-format", "json",
                                      "run", "--detach", "--bundle", o.bundle, "--pid-file", pid_file, o.id},
                                     out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (exit_code != 0) {
    const std::string message = runc_error(runc_log);
    run_and_wait({o.runc, "--root", o.runc_root, "delete", "--force", o.id}, -1, -1);
    write_exit({{"startError", message}});
    report(o.sync_fd, "error " + message);
    return 1;
  }
  auto pid_text = read_file(pid_file);
  const pid_t container_pid = pid_text ? parse_integer<pid_t>(trim(*pid_text)).value_or(0) : 0;
  auto shim_pid_ok = write_file_atomic(o.state_dir + "/" + k_shim_pid_file, std::to_string(::getpid()));
  (void)shim_pid_ok;
  report(o.sync_fd, "ok " + std::to_string(container_pid));
  // Out of berth's cgroups, so stopping berth's service never takes the monitors along. Done
  // after the report: moving through every v1 hierarchy is slow and nobody waits on it.
  if (auto moved = move_into_cgroup("/berth-shims", ::getpid()); !moved) {
    auto ok = write_file(o.state_dir + "/shim.log", moved.error().message + "\n");
    (void)ok;
  }
  shed_startup_memory();

  std::map<int, LogStream> streams{{out_pipe[0], LogStream::stdout_}, {err_pipe[0], LogStream::stderr_}};
  std::optional<int> exit_status;
  std::optional<std::chrono::steady_clock::time_point> drain_deadline;
  while (!streams.empty() || !exit_status) {
    std::vector<pollfd> fds{{sig_fd, POLLIN, 0}};
    for (const auto& [fd, _] : streams) fds.push_back({fd, POLLIN, 0});
    int timeout_ms = -1;
    if (drain_deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *drain_deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;  // a grandchild kept the pipes open: stop waiting for it
      timeout_ms = static_cast<int>(left);
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info;
      while (::read(sig_fd, &info, sizeof info) == sizeof info) {
      }
      int wstatus = 0;
      pid_t reaped;
      while ((reaped = ::waitpid(-1, &wstatus, WNOHANG)) > 0) {
        if (reaped == container_pid) {
          exit_status = wstatus;
          drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        }
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[16384];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        log.write(streams[fds[i].fd], std::string_view(buffer, static_cast<std::size_t>(n)));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        ::close(fds[i].fd);
        streams.erase(fds[i].fd);
      }
    }
  }
  log.flush();
  Json record;
  if (exit_status && WIFEXITED(*exit_status)) {
    record["exitCode"] = WEXITSTATUS(*exit_status);
  } else if (exit_status && WIFSIGNALED(*exit_status)) {
    record["exitCode"] = 128 + WTERMSIG(*exit_status);
    record["signal"] = WTERMSIG(*exit_status);
  } else {
    record["exitCode"] = 255;
  }
  record["oomKilled"] = oom_killed(o.cgroup);
  write_exit(record);
  return 0;
}

}  // namespace berth::runtime
