#include "runtime/linux/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "common/split.hpp"

namespace berth::runtime {

std::string find_executable(const std::string& name, std::string_view dirs) {
  for (const auto dir : split(dirs, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = std::string(dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const SpawnOptions& options) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork " + argv.front());
  if (pid > 0) return pid;
  // Child: only async-signal-safe calls from here on.
  if (options.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);  // berth ignores it (serve, exec); its children must not inherit that
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (options.pass_fd >= 0) ::dup2(options.pass_fd, 3);  // dup2 leaves FD_CLOEXEC off the copy
  ::dup2(options.stdin_fd >= 0 ? options.stdin_fd : null_fd, 0);
  ::dup2(options.stdout_fd >= 0 ? options.stdout_fd : null_fd, 1);
  ::dup2(options.stderr_fd >= 0 ? options.stderr_fd : null_fd, 2);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

Result<CapturedRun> run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                 const std::string& input) {
  // Memory files, not pipes: the child can write any amount without the parent reading
  // concurrently, and neither side can deadlock on a full pipe.
  const int in = ::memfd_create("berth-input", MFD_CLOEXEC);
  const int out = ::memfd_create("berth-output", MFD_CLOEXEC);
  if (in < 0 || out < 0) {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    return sys_fail("memfd_create");
  }
  const auto close_both = [&] {
    ::close(in);
    ::close(out);
  };
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(in, input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      close_both();
      return sys_fail("write input of " + argv.front());
    }
    done += static_cast<std::size_t>(n);
  }
  ::lseek(in, 0, SEEK_SET);
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    close_both();
    return sys_fail("fork " + argv.front());
  }
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = ::open("/dev/null", O_RDWR);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(null_fd, 2);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  CapturedRun run;
  run.exit_code = wait_exit_code(pid);
  ::lseek(out, 0, SEEK_SET);
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(out, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
  close_both();
  if (run.exit_code == 127 && run.output.empty()) return fail(Code::server, "cannot execute " + argv.front());
  return run;
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 255;
  }
  return exit_status_of_wait(status);
}

int exit_status_of_wait(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 255;
}

UniqueFd open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return UniqueFd();
#endif
}

}  // namespace berth::runtime
