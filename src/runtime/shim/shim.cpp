#include "runtime/shim/shim.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
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
#include "common/start_trace.hpp"
#include "model/schema.hpp"
#include "runtime/linux/cgroups.hpp"
#include "runtime/linux/memory_shedding.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/linux/unix_socket.hpp"
#include "runtime/shim/attach_server.hpp"
#include "runtime/shim/container_output.hpp"
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

// Where runc connects to hand over the pty master. sun_path is short, and runc (not this process)
// resolves the name, so a long state directory is named through this process's open descriptor
// of it; `directory` must stay open until runc has connected.
std::string console_socket_name(const std::string& path, const std::string& state_dir, UniqueFd& directory) {
  if (path.size() < sizeof(sockaddr_un::sun_path)) return path;
  directory = UniqueFd(::open(state_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  return "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(directory.get()) + "/console.sock";
}

// Takes the pty master runc sent to `listener` once `runc run --detach` has exited. Log records
// are lines, so the pty's "\n" to "\r\n" output translation is turned off.
Result<UniqueFd> receive_pty_master(int listener) {
  pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, 5000) <= 0) return fail(Code::server, "runc sent no terminal");
  UniqueFd connection(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!connection.valid()) return sys_fail("accept the console socket");
  BERTH_ASSIGN(UniqueFd master, receive_fd(connection.get()));
  termios settings{};
  if (::tcgetattr(master.get(), &settings) == 0) {
    settings.c_oflag &= ~ONLCR;
    ::tcsetattr(master.get(), TCSANOW, &settings);
  }
  ::fcntl(master.get(), F_SETFL, ::fcntl(master.get(), F_GETFL) | O_NONBLOCK);
  return master;
}

// Writes what it can of `pending` to the non-blocking `fd` and drops what was written; a
// container that closed its stdin discards the rest.
void write_pending_input(int fd, std::string& pending) {
  const ssize_t n = ::write(fd, pending.data(), pending.size());
  if (n > 0) pending.erase(0, static_cast<std::size_t>(n));
  else if (n < 0 && errno != EAGAIN && errno != EINTR) pending.clear();
}

// What the shim reads from its signalfd.
sigset_t handled_signals() {
  sigset_t handled;
  sigemptyset(&handled);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE}) sigaddset(&handled, sig);
  return handled;
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
    else if (key == "--terminal") { BERTH_ASSIGN(o.terminal, whole(key, value)); }
    else if (key == "--stdin") { BERTH_ASSIGN(o.open_stdin, whole(key, value)); }
    else {
      BERTH_ASSIGN(const bool logging, parse_container_logging_arg(o.logging, key, value));
      if (!logging) return fail(Code::invalid_parameter, "shim: unknown argument " + key);
    }
  }
  if (o.id.empty() || o.bundle.empty() || o.state_dir.empty() || o.runc_root.empty() || o.log_path.empty()) {
    return fail(Code::invalid_parameter, "shim: --id, --bundle, --state, --runc-root and --log are required");
  }
  return o;
}

std::vector<std::string> shim_args(const ShimOptions& o) {
  std::vector<std::string> words{"shim", "--id", o.id, "--bundle", o.bundle, "--state", o.state_dir, "--runc", o.runc,
          "--runc-root", o.runc_root, "--log", o.log_path, "--log-max", std::to_string(o.log_max_bytes),
          "--log-files", std::to_string(o.log_files), "--cgroup", o.cgroup,
          "--sync-fd", std::to_string(o.sync_fd), "--terminal", o.terminal ? "1" : "0",
          "--stdin", o.open_stdin ? "1" : "0"};
  for (auto& w : container_logging_args(o.logging)) words.push_back(std::move(w));
  return words;
}

int run_shim(const ShimOptions& o) {
  // Detach: the parent returns at once to berth (which reaps it); the child lives on its own.
  const pid_t first = ::fork();
  if (first < 0) {
    report(o.sync_fd, "error fork failed");
    return 1;
  }
  if (first > 0) return 0;
  return run_detached_shim(o, detach_shim());
}

DetachedShim detach_shim() {
  ::setsid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const sigset_t handled = handled_signals();
  return {::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK)};
}

int run_detached_shim(const ShimOptions& o, const DetachedShim& detached) {
  const sigset_t handled = handled_signals();
  ::sigprocmask(SIG_BLOCK, &handled, nullptr);
  const int sig_fd = detached.signal_fd;

  const std::string exit_path = o.state_dir + "/" + k_exit_file;
  const auto write_exit = [&](Json record) {
    record["finishedAt"] = SystemClock().now_ms();
    // No fsync: the record lives in the run dir, and the machine's end is every container's.
    auto ok = replace_file(exit_path, record.dump());
    (void)ok;
  };

  const auto fail_start = [&](const std::string& message) {
    write_exit({{"startError", message}});
    report(o.sync_fd, "error " + message);
    return 1;
  };
  // Before the container starts, as Docker opens the log driver: an unreachable syslog or a host
  // without journald fails the start, and that says why. A log file, which fails no start, is
  // opened while runc runs instead (0.3 ms of the start's own part, with the file's creation):
  // nothing reads the container's output before runc is done.
  const auto open_output = [&] {
    return ContainerOutput::open(o.logging, {o.log_path, o.log_max_bytes, o.log_files}, o.id);
  };
  const bool log_file = o.logging.sink == LogSink::file;
  Result<std::unique_ptr<ContainerOutput>> output =
      log_file ? Result<std::unique_ptr<ContainerOutput>>(nullptr) : open_output();
  if (!output) return fail_start(output.error().message);
  int out_pipe[2], err_pipe[2], in_pipe[2] = {-1, -1};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      (o.open_stdin && !o.terminal && ::pipe2(in_pipe, O_CLOEXEC) != 0)) {
    return fail_start("cannot create pipes");
  }
  // With a terminal, runc makes the pty and sends its master to this socket.
  const std::string console_path = o.state_dir + "/console.sock";
  UniqueFd console_listener, console_directory;
  std::vector<std::string> console_args;
  if (o.terminal) {
    auto listener = listen_unix(console_path, 0600);
    if (!listener) return fail_start("cannot listen for the terminal: " + listener.error().message);
    console_listener = std::move(*listener);
    console_args = {"--console-socket", console_socket_name(console_path, o.state_dir, console_directory)};
  }
  // The container inherits runc's stdio: our pipes' write ends (and an interactive container
  // the read end of its stdin pipe). One `runc run -d` (create and start in one process) is a
  // Go runtime start cheaper than `create` then `start`; runc exits once the container runs and
  // its init is re-parented to us, the subreaper.
  const std::string runc_log = o.state_dir + "/runc.log";
  const std::string pid_file = o.state_dir + "/container.pid";
  std::vector<std::string> run{o.runc, "--root", o.runc_root, "--log", runc_log, "--log-format", "json",
                               "run", "--detach", "--bundle", o.bundle, "--pid-file", pid_file};
  run.insert(run.end(), console_args.begin(), console_args.end());
  run.push_back(o.id);
  const std::int64_t runc_began_us = monotonic_us();
  auto runc = spawn_process(run, {.stdout_fd = out_pipe[1], .stderr_fd = err_pipe[1], .die_with_parent = true,
                                  .stdin_fd = in_pipe[0]});
  if (log_file) output = open_output();
  // While runc runs (tens of ms, mostly waiting on the kernel), not after it: the attach socket
  // must exist before berth sees the container running (`berth attach` works from then on), and
  // clients that connect early wait in its backlog until the loop below accepts them. A container
  // runs on without it if the socket cannot be made. Both go again if the start fails.
  const std::string attach_path = o.state_dir + "/" + k_attach_socket;
  const std::string shim_pid_path = o.state_dir + "/" + k_shim_pid_file;
  auto attach = AttachServer::listen(attach_path);
  auto shim_pid_ok = replace_file(shim_pid_path, std::to_string(::getpid()));
  (void)shim_pid_ok;
  int exit_code = runc ? wait_exit_code(*runc) : 127;
  const std::int64_t runc_ended_us = monotonic_us();
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (in_pipe[0] >= 0) ::close(in_pipe[0]);
  UniqueFd input_fd(in_pipe[1]);  // where attached input goes: the stdin pipe or the pty
  UniqueFd pty_master;
  std::string start_problem;
  if (exit_code == 0 && !output) {  // a failed runc's own error says more
    start_problem = output.error().message;
    exit_code = 1;
  }
  if (exit_code == 0 && o.terminal) {
    if (auto master = receive_pty_master(console_listener.get())) {
      pty_master = std::move(*master);
      if (o.open_stdin) input_fd = UniqueFd(::fcntl(pty_master.get(), F_DUPFD_CLOEXEC, 0));
    } else {
      start_problem = master.error().message;
      exit_code = 1;
    }
    console_listener.reset();
    console_directory.reset();
    ::unlink(console_path.c_str());
  }
  if (input_fd.valid()) ::fcntl(input_fd.get(), F_SETFL, ::fcntl(input_fd.get(), F_GETFL) | O_NONBLOCK);
  if (exit_code != 0) {
    const std::string message = start_problem.empty() ? runc_error(runc_log) : start_problem;
    run_and_wait({o.runc, "--root", o.runc_root, "delete", "--force", o.id}, -1, -1);
    ::unlink(attach_path.c_str());  // its listener closes as this returns
    ::unlink(shim_pid_path.c_str());
    return fail_start(message);
  }
  auto pid_text = read_file(pid_file);
  const pid_t container_pid = pid_text ? parse_integer<pid_t>(trim(*pid_text)).value_or(0) : 0;
  if (!attach) {
    auto ok = write_file(o.state_dir + "/shim.log", attach.error().message + "\n");
    (void)ok;
  }
  report(o.sync_fd, "ok " + std::to_string(container_pid) + " " + std::to_string(runc_began_us) + " " +
                        std::to_string(runc_ended_us));
  // Out of berth's cgroups, so stopping berth's service never takes the monitors along. Done
  // after the report: moving through every v1 hierarchy is slow and nobody waits on it.
  if (auto moved = move_into_cgroup("/berth-shims", ::getpid()); !moved) {
    auto ok = write_file(o.state_dir + "/shim.log", moved.error().message + "\n");
    (void)ok;
  }
  shed_startup_memory();
  ContainerOutput& log = **output;

  std::map<int, LogStream> streams{{out_pipe[0], LogStream::stdout_}, {err_pipe[0], LogStream::stderr_}};
  if (pty_master.valid()) streams[pty_master.release()] = LogStream::stdout_;  // one stream, as Docker's
  std::string pending_input;  // taken from attached clients, not yet read by the container
  std::optional<int> exit_status;
  std::optional<std::chrono::steady_clock::time_point> drain_deadline;
  while (!streams.empty() || !exit_status) {
    std::vector<pollfd> fds{{sig_fd, POLLIN, 0}};
    // A blocking log sink that lags: the container's output stays in its pipes, so it waits. Once
    // the container has exited nobody waits: what its pipes still hold (64 KiB each) is taken.
    if (log.taking() || exit_status) {
      for (const auto& [fd, _] : streams) fds.push_back({fd, POLLIN, 0});
    }
    const std::size_t stream_end = fds.size();
    if (attach) attach->add_poll_fds(fds, pending_input.empty() && !exit_status);
    if (!pending_input.empty()) fds.push_back({input_fd.get(), POLLOUT, 0});
    log.add_poll_fds(fds);
    int timeout_ms = log.timeout_ms();
    if (drain_deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          *drain_deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;  // a grandchild kept the pipes open: stop waiting for it
      timeout_ms = timeout_ms < 0 ? static_cast<int>(left) : std::min(timeout_ms, static_cast<int>(left));
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
    for (std::size_t i = 1; i < stream_end; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[16384];
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        const std::string_view data(buffer, static_cast<std::size_t>(n));
        const LogStream stream = streams[fds[i].fd];
        log.write(stream, data);
        if (attach) attach->broadcast(stream == LogStream::stdout_ ? FrameType::stdout_ : FrameType::stderr_, data);
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {  // a pty master reads EIO at the end
        ::close(fds[i].fd);
        streams.erase(fds[i].fd);
      }
    }
    if (attach) {
      std::string input;
      attach->on_ready(fds, input);
      // Input for a container without open stdin is dropped, as Docker does without -i.
      if (input_fd.valid()) pending_input += input;
    }
    if (!pending_input.empty()) write_pending_input(input_fd.get(), pending_input);
    log.on_ready();
  }
  log.finish(std::chrono::seconds(2));
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
  if (log.dropped() > 0) {
    record["logDropped"] = log.dropped();
    if (std::FILE* notes = std::fopen((o.state_dir + "/shim.log").c_str(), "ae")) {
      std::fprintf(notes, "the log sink dropped %llu lines\n", static_cast<unsigned long long>(log.dropped()));
      std::fclose(notes);
    }
  }
  if (attach) {
    attach->broadcast(FrameType::exit, std::to_string(record["exitCode"].get<int>()));
    ::unlink((o.state_dir + "/" + k_attach_socket).c_str());
  }
  write_exit(record);
  return 0;
}

}  // namespace berth::runtime
