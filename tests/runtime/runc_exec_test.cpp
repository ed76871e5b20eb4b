// `runc exec` command lines, killing the command runc runs (with /bin/sh standing in for runc:
// what is tested is which process gets the signal), and run_command's time bound.
#include "runtime/runc/runc_exec.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "fixtures/process_ended.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/linux/process.hpp"
#include "runtime/runc/runc_runtime.hpp"

using namespace berth;
using namespace berth::runtime;

namespace {

// The pid written to `path` once it is there (up to 5 s); 0 if it never is.
pid_t wait_for_pid(const std::string& path) {
  for (int i = 0; i < 250; ++i) {
    if (const auto text = read_file(path)) {
      if (const auto pid = parse_integer<pid_t>(trim(*text))) return *pid;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace

TEST_CASE("runc exec: the command line records the command's pid in the container's state directory", "[runtime][exec]") {
  RuncPaths paths;
  paths.runc = "/usr/sbin/runc";
  paths.runc_root = "/run/berth/runc";
  paths.state_root = "/run/berth/containers";
  const auto plain = runc_exec(paths, "c1", {"sh", "-c", "id"}, false);
  REQUIRE(plain.pid_file.starts_with("/run/berth/containers/c1/exec-"));
  CHECK(plain.pid_file.ends_with(".pid"));
  CHECK(plain.argv == std::vector<std::string>{"/usr/sbin/runc", "--root", "/run/berth/runc", "exec", "--pid-file",
                                               plain.pid_file, "c1", "sh", "-c", "id"});
  const auto tty = runc_exec(paths, "c1", {"sh"}, true);
  CHECK(tty.argv == std::vector<std::string>{"/usr/sbin/runc", "--root", "/run/berth/runc", "exec", "--tty",
                                             "--pid-file", tty.pid_file, "c1", "sh"});
  CHECK(tty.pid_file != plain.pid_file);  // execs in one container side by side
}

TEST_CASE("runc exec: a /proc stat line gives the parent and the process group", "[runtime][exec]") {
  const auto plain = parse_process_parentage("4242 (sleep) S 4200 4242 4242 0 -1 4194560 89 0 0 0\n");
  REQUIRE(plain.has_value());
  CHECK(plain->parent == 4200);
  CHECK(plain->group == 4242);
  // The command name may hold spaces and parentheses: the fields follow the last ')'.
  const auto odd = parse_process_parentage("17 (a) b (c) R 1 17 17 0");
  REQUIRE(odd.has_value());
  CHECK(odd->parent == 1);
  CHECK(odd->group == 17);
  for (const char* bad : {"", "17 sleep S 1 17", "17 (sleep) S", "17 (sleep) S x 17", "17 (sleep) S 1 -", "17 (sleep) S 1"}) {
    INFO(bad);
    CHECK_FALSE(parse_process_parentage(bad).has_value());
  }
}

TEST_CASE("runc exec: kill_exec_command kills runc's child by the recorded pid, and nothing else", "[runtime][exec]") {
  const berth::testing::TempDir dir;
  const std::string pid_file = dir.path + "/exec.pid";
  // No file (runc never ran the command), an empty or a malformed one: nothing is signalled.
  CHECK_FALSE(kill_exec_command(pid_file, ::getpid()));
  CHECK_FALSE(kill_exec_command("", ::getpid()));
  REQUIRE(write_file(pid_file, "\n").has_value());
  CHECK_FALSE(kill_exec_command(pid_file, ::getpid()));
  REQUIRE(write_file(pid_file, "12x\n").has_value());
  CHECK_FALSE(kill_exec_command(pid_file, ::getpid()));
  REQUIRE(write_file(pid_file, "1\n").has_value());  // init: never
  CHECK_FALSE(kill_exec_command(pid_file, 0));

  // The stand-in for runc records its child as runc records the command.
  const std::string recorded = dir.path + "/child.pid";
  const auto runc = spawn_process({"/bin/sh", "-c", "sleep 986 & echo $! > " + recorded + "; wait"}, {});
  REQUIRE(runc.has_value());
  const pid_t command = wait_for_pid(recorded);
  REQUIRE(command > 0);
  // A pid that is not the given runc's child (the command ended and its pid went elsewhere) is left alone.
  CHECK_FALSE(kill_exec_command(recorded, ::getpid()));
  CHECK(::kill(command, 0) == 0);  // still running
  CHECK(kill_exec_command(recorded, *runc));
  CHECK(berth::testing::process_ended(command));
  CHECK(wait_exit_code(*runc) == 0);  // the stand-in saw its child die; it was not signalled itself
}

TEST_CASE("run_command: the time bound holds while the command writes and after it closed its output", "[runtime][exec]") {
  for (const char* script : {"while :; do echo y; sleep 0.01; done", "exec >&- 2>&-; sleep 5"}) {
    INFO(script);
    pid_t seen = 0;
    const auto started = std::chrono::steady_clock::now();
    const auto result = run_command({"/bin/sh", "-c", script}, 300, [&](pid_t pid) { seen = pid; });
    REQUIRE(result.has_value());
    CHECK(result->timed_out);
    CHECK(result->exit_code == 128 + SIGKILL);
    CHECK(seen > 0);  // what SIGKILL to it would not end was offered first
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  }
  // Within the bound: the exit code, no kill.
  bool killed = false;
  const auto quick = run_command({"/bin/sh", "-c", "echo out; exec >&-; sleep 0.1; exit 3"}, 5000, [&](pid_t) { killed = true; });
  REQUIRE(quick.has_value());
  CHECK(quick->exit_code == 3);
  CHECK(quick->output == "out\n");
  CHECK_FALSE(quick->timed_out);
  CHECK_FALSE(killed);
}
