#include "runtime/linux/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace berth::runtime {

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
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (options.pass_fd >= 0) ::dup2(options.pass_fd, 3);  // dup2 leaves FD_CLOEXEC off the copy
  ::dup2(null_fd, 0);
  ::dup2(options.stdout_fd >= 0 ? options.stdout_fd : null_fd, 1);
  ::dup2(options.stderr_fd >= 0 ? options.stderr_fd : null_fd, 2);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

int wait_exit_code(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 255;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace berth::runtime
