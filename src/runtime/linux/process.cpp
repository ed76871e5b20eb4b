#include "runtime/linux/process.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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
    struct stat info {};
    // A directory is searchable, not executable: look on, as execvp does.
    if (::access(candidate.c_str(), X_OK) == 0 && ::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      return candidate;
    }
  }
  return "";
}

namespace {

// What the child of spawn_process needs, prepared by the parent: the child runs in the parent's
// memory until it executes, so it allocates nothing and makes only async-signal-safe calls.
struct SpawnChild {
  const SpawnOptions* options;
  const char* path;
  char* const* argv;
  char* const* envp;
  int null_fd;  // /dev/null, close-on-exec, above the descriptors the child sets (opened by the parent:
                // an open in the child would be a cancellation point of the parent's thread)
};

int spawned_child(void* argument) {
  const auto& child = *static_cast<const SpawnChild*>(argument);
  const SpawnOptions& options = *child.options;
  if (options.die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Handlers are the parent's code: a signal that arrives before the exec must not run one here,
  // on the parent's memory. Every caught signal goes back to its default, SIGPIPE too (berth
  // ignores it (serve, exec); its children must not inherit that); then none is blocked. glibc
  // refuses its own two (SIGCANCEL and SIGSETXID, 32 and 33): their handlers act only on what
  // the process's own threads send, and nothing sends them to a child about to execute.
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction action {};
    if (::sigaction(sig, nullptr, &action) != 0) continue;
    if (action.sa_handler != SIG_DFL && (action.sa_handler != SIG_IGN || sig == SIGPIPE)) {
      action = {};
      action.sa_handler = SIG_DFL;
      ::sigaction(sig, &action, nullptr);
    }
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (options.pass_fd >= 0) ::dup2(options.pass_fd, 3);  // dup2 leaves FD_CLOEXEC off the copy
  ::dup2(options.stdin_fd >= 0 ? options.stdin_fd : child.null_fd, 0);
  ::dup2(options.stdout_fd >= 0 ? options.stdout_fd : child.null_fd, 1);
  ::dup2(options.stderr_fd >= 0 ? options.stderr_fd : child.null_fd, 2);
  ::execve(child.path, child.argv, child.envp);
  ::_exit(127);
}

}  // namespace

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const SpawnOptions& options) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  if (options.env) {
    for (const auto& e : *options.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  // As execvp would, but here: the child may not allocate. A name found nowhere is not tried in
  // the working directory (execvp never does): the exec fails and the child exits 127.
  std::string path = argv.front();
  if (path.find('/') == std::string::npos) {
    const char* search = ::getenv("PATH");
    path = find_executable(path, search ? search : "/usr/local/bin:/usr/bin:/bin");
  }
  // Above 3, so that none of the child's dup2 targets is it.
  UniqueFd opened(::open("/dev/null", O_RDWR | O_CLOEXEC));
  UniqueFd null_fd(opened.valid() ? ::fcntl(opened.get(), F_DUPFD_CLOEXEC, 10) : -1);
  if (!null_fd.valid()) return sys_fail("open /dev/null for " + argv.front());
  // The child shares this process's memory until it executes (as posix_spawn's does), instead
  // of a fork's copy of the page tables that the exec then tears down: for a shim starting runc
  // that copy and teardown were about 1 ms of the start on two cores (perf, 20 starts). It runs
  // on a stack of its own (a guard page below it) while this thread waits, with every signal
  // blocked until it has put the handlers it inherited back to their defaults.
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t stack_bytes = 64 * 1024 + page;
  void* stack = ::mmap(nullptr, stack_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return sys_fail("stack for " + argv.front());
  ::mprotect(stack, page, PROT_NONE);
  sigset_t all, before;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &before);
  SpawnChild child{&options, path.c_str(), args.data(), options.env ? envp.data() : environ, null_fd.get()};
  const pid_t pid = ::clone(spawned_child, static_cast<char*>(stack) + stack_bytes, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  const int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  ::munmap(stack, stack_bytes);
  if (pid < 0) {
    errno = clone_errno;
    return sys_fail("start " + argv.front());
  }
  return pid;
}

Result<CapturedRun> run_captured(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                                 const std::string& input) {
  // Memory files, not pipes: the child can write any amount without the parent reading
  // concurrently, and neither side can deadlock on a full pipe.
  UniqueFd in(::memfd_create("berth-input", MFD_CLOEXEC));
  UniqueFd out(::memfd_create("berth-output", MFD_CLOEXEC));
  if (!in.valid() || !out.valid()) return sys_fail("memfd_create");
  for (std::size_t done = 0; done < input.size();) {
    const ssize_t n = ::write(in.get(), input.data() + done, input.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return sys_fail("write input of " + argv.front());
    done += static_cast<std::size_t>(n);
  }
  ::lseek(in.get(), 0, SEEK_SET);
  BERTH_ASSIGN(const pid_t pid, spawn_process(argv, {.stdout_fd = out.get(), .stdin_fd = in.get(), .env = &env}));
  CapturedRun run;
  run.exit_code = wait_exit_code(pid);
  ::lseek(out.get(), 0, SEEK_SET);
  char buffer[8192];
  while (true) {
    const ssize_t n = ::read(out.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    run.output.append(buffer, static_cast<std::size_t>(n));
  }
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
