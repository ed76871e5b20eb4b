// spawn_process's contract: what the child gets (descriptors, signal mask and dispositions, PATH
// search), whatever the parent's own state, and that concurrent spawns do not share a stack.
#include "runtime/linux/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/split.hpp"

namespace process_test {

using namespace berth;
using namespace berth::runtime;

namespace {

// Runs `argv` with stdout to a pipe (and `pass_fd` as fd 3 when set); returns (exit code,
// everything it wrote).
std::pair<int, std::string> run_captured_stdout(const std::vector<std::string>& argv, int pass_fd = -1) {
  int out[2];
  REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
  auto pid = spawn_process(argv, {.stdout_fd = out[1], .pass_fd = pass_fd});
  ::close(out[1]);
  REQUIRE(pid.has_value());
  std::string text;
  char buffer[512];
  ssize_t n;
  while ((n = ::read(out[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
  ::close(out[0]);
  return {wait_exit_code(*pid), text};
}

std::pair<int, std::string> run_sh(const std::string& script, int pass_fd = -1) {
  return run_captured_stdout({"sh", "-c", script}, pass_fd);
}

// The numbers of `listing` (one a line), in order.
std::set<int> listed_numbers(const std::string& listing) {
  std::set<int> out;
  for (const auto line : split(listing, '\n')) {
    if (auto n = parse_integer<int>(line)) out.insert(*n);
  }
  return out;
}

// What `ls /proc/self/fd` run with fd 3 passed should list: stdio, 3, ls's own directory handle
// (4), and whatever this process holds without close-on-exec (what the test runner inherited:
// spawn_process closes nothing that is not marked). `held` must not be among them.
std::set<int> expected_in_child(int held) {
  std::set<int> out{0, 1, 2, 3, 4};
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const auto fd = parse_integer<int>(entry.path().filename().string());
    if (!fd || *fd <= 4) continue;
    const int flags = ::fcntl(*fd, F_GETFD);
    if (flags >= 0 && !(flags & FD_CLOEXEC)) out.insert(*fd);
  }
  out.erase(held);
  return out;
}

// The named mask line of /proc/self/status as the child sees it, e.g. "SigBlk". grep itself, not
// a shell: dash clears its signal mask as it starts.
std::string child_mask(const std::string& field) {
  const auto [code, text] = run_captured_stdout({"grep", "^" + field + ":", "/proc/self/status"});
  REQUIRE(code == 0);
  return text.substr(text.find_first_not_of(" \t", field.size() + 1));
}

}  // namespace

TEST_CASE("a spawned child has stdio and fd 3 as asked, and none of the parent's close-on-exec descriptors", "[process]") {
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  REQUIRE(null_fd >= 0);
  const int held = ::fcntl(null_fd, F_DUPFD_CLOEXEC, 40);  // as berth opens every descriptor
  ::close(null_fd);
  REQUIRE(held >= 40);
  int pass[2];
  REQUIRE(::pipe2(pass, O_CLOEXEC) == 0);
  // ls itself, not a shell (which opens descriptors of its own): its only one is the listing's
  // directory, the lowest free number, 4.
  const auto [code, listed] = run_captured_stdout({"ls", "/proc/self/fd"}, pass[1]);
  const auto [stdin_code, stdin_target] = run_captured_stdout({"readlink", "/proc/self/fd/0"});
  ::close(pass[0]);
  ::close(pass[1]);
  ::close(held);
  CHECK(code == 0);
  CHECK(listed_numbers(listed) == expected_in_child(held));
  CHECK(stdin_code == 0);
  CHECK(stdin_target == "/dev/null\n");  // stdin when none is given
}

TEST_CASE("a spawned child starts with no signal blocked and SIGPIPE at its default", "[process]") {
  sigset_t blocked, before;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGUSR1);
  sigaddset(&blocked, SIGCHLD);
  ::pthread_sigmask(SIG_BLOCK, &blocked, &before);
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  const std::string mask = child_mask("SigBlk");
  const std::string ignored = child_mask("SigIgn");
  ::sigaction(SIGPIPE, &previous, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
  CHECK(mask == "0000000000000000\n");
  // SigIgn is hexadecimal with bit (signal - 1): SIGPIPE (13) is 0x1000.
  const auto ignored_bits = parse_integer<unsigned long long>(trim(ignored), 16);
  REQUIRE(ignored_bits.has_value());
  CHECK((*ignored_bits & (1ULL << (SIGPIPE - 1))) == 0);
  // And the parent's own state is as it was.
  sigset_t now;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &now);
  CHECK(sigismember(&now, SIGUSR1) == sigismember(&before, SIGUSR1));
}

TEST_CASE("spawn_process searches PATH for a bare name and reports 127 for what cannot be executed", "[process]") {
  CHECK(run_sh("exit 7").first == 7);
  // A name on no PATH directory is not run from the working directory, as execvp would not.
  char pattern[] = "/tmp/berth-spawn-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string probe = dir + "/berth-cwd-probe";
  REQUIRE(write_file(probe, "#!/bin/sh\nexit 0\n"));
  REQUIRE(::chmod(probe.c_str(), 0755) == 0);
  char cwd[4096];
  REQUIRE(::getcwd(cwd, sizeof cwd) != nullptr);
  REQUIRE(::chdir(dir.c_str()) == 0);
  auto from_cwd = spawn_process({"berth-cwd-probe"}, {});
  REQUIRE(::chdir(cwd) == 0);
  REQUIRE(from_cwd.has_value());
  CHECK(wait_exit_code(*from_cwd) == 127);
  CHECK(wait_exit_code(*spawn_process({probe}, {})) == 0);  // by its path it runs
  ::unlink(probe.c_str());
  ::rmdir(dir.c_str());
  auto missing = spawn_process({"berth-no-such-program"}, {});
  REQUIRE(missing.has_value());
  CHECK(wait_exit_code(*missing) == 127);
  auto not_executable = spawn_process({"/dev/null"}, {});
  REQUIRE(not_executable.has_value());
  CHECK(wait_exit_code(*not_executable) == 127);
}

TEST_CASE("spawns from several threads at once each run their own command", "[process]") {
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 25; ++i) {
        const int expected = (t * 25 + i) % 200;
        auto pid = spawn_process({"/bin/sh", "-c", "exit " + std::to_string(expected)}, {});
        if (!pid || wait_exit_code(*pid) != expected) ++wrong[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(wrong == std::vector<int>(4, 0));
}

TEST_CASE("run_captured gives the program exactly its environment and input, and returns its output", "[process]") {
  auto run = run_captured({"/bin/sh", "-c", "env | sort; cat"}, {"B=2", "A=1"}, "from stdin\n");
  REQUIRE(run.has_value());
  CHECK(run->exit_code == 0);
  // dash adds PWD to what it was given, nothing else.
  CHECK(run->output == "A=1\nB=2\nPWD=" + std::filesystem::current_path().string() + "\nfrom stdin\n");
  auto missing = run_captured({"/nonexistent/berth-plugin"}, {}, "");
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().message == "cannot execute /nonexistent/berth-plugin");
}

}  // namespace process_test
