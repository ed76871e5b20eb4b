#include "runtime/linux/init_process.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "runtime/linux/memory_shedding.hpp"
#include "runtime/linux/process.hpp"

namespace berth::runtime {
namespace {

// Every signal init takes through sigwaitinfo: all but those that cannot be caught and those the
// kernel raises for a fault of init itself (blocking these would hang it on a bug instead of
// crashing).
sigset_t waited_signals() {
  sigset_t set;
  ::sigfillset(&set);
  for (const int sync : {SIGKILL, SIGSTOP, SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT}) {
    ::sigdelset(&set, sync);
  }
  return set;
}

// Blocks the waited signals (they queue for sigwaitinfo, even for a PID 1 without handlers) and
// takes SIGCHLD back from an inherited SIG_IGN, under which children would vanish without a
// status. Returns the mask before.
sigset_t take_signals(const sigset_t& waited) {
  sigset_t before;
  ::sigprocmask(SIG_BLOCK, &waited, &before);
  ::signal(SIGCHLD, SIG_DFL);
  return before;
}

// Reaps every child that has ended; returns the wait status of `watched` if it was among them.
bool reap_all(pid_t watched, int& watched_status) {
  bool found = false;
  while (true) {
    int status = 0;
    const pid_t reaped = ::waitpid(-1, &status, WNOHANG);
    if (reaped <= 0) return found;
    if (reaped == watched) {
      watched_status = status;
      found = true;
    }
  }
}

}  // namespace

int run_init(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::fputs("berth init: no command to run\n", stderr);
    return 2;
  }
  // Not PID 1 (a container joining its task's or the host's PID namespace): orphans would go to
  // the namespace's init, so claim them.
  if (::getpid() != 1) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const sigset_t waited = waited_signals();
  const sigset_t before = take_signals(waited);
  const pid_t child = ::fork();
  if (child < 0) {
    std::perror("berth init: fork");
    return 1;
  }
  if (child == 0) {
    ::sigprocmask(SIG_SETMASK, &before, nullptr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    const int error = errno;
    std::fprintf(stderr, "berth init: cannot run %s: %s\n", args[0], std::strerror(error));
    ::_exit(error == ENOENT ? 127 : 126);
  }
  // Its memory counts against the container's limit.
  shed_startup_memory();
  while (true) {
    siginfo_t info;
    const int signal = ::sigwaitinfo(&waited, &info);
    if (signal < 0) continue;  // EINTR
    if (signal == SIGCHLD) {
      int status = 0;
      if (reap_all(child, status)) return exit_status_of_wait(status);
      continue;
    }
    ::kill(child, signal);
  }
}

int reap_until_terminated() {
  const sigset_t waited = waited_signals();
  take_signals(waited);
  shed_startup_memory();
  while (true) {
    siginfo_t info;
    const int signal = ::sigwaitinfo(&waited, &info);
    if (signal == SIGTERM || signal == SIGINT) return 0;
    if (signal == SIGCHLD) {
      int ignored = 0;
      reap_all(-1, ignored);
    }
  }
}

}  // namespace berth::runtime
