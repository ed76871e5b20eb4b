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

namespace runc_exec_test {

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

TEST_CASE("runc exec: the command line", "[runtime][exec]") {
  RuncPaths paths;
  paths.runc = "/usr/sbin/runc";
  paths.runc_root = "/run/berth/runc";
  CHECK(runc_exec_argv(paths, "c1", {"sh", "-c", "id"}, false) ==
        std::vector<std::string>{"/usr/sbin/runc", "--root", "/run/berth/runc", "exec", "c1", "sh", "-c", "id"});
  CHECK(runc_exec_argv(paths, "c1", {"sh"}, true) ==
        std::vector<std::string>{"/usr/sbin/runc", "--root", "/run/berth/runc", "exec", "--tty", "c1", "sh"});
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

TEST_CASE("runc exec: kill_exec_command kills runc's children and nothing else", "[runtime][exec]") {
  const berth::testing::TempDir dir;
  // Two stand-ins for runc, each with its child as runc has the command it runs.
  const auto start = [&](const std::string& name) {
    const std::string recorded = dir.path + "/" + name;
    const auto runc = spawn_process({"/bin/sh", "-c", "sleep 986 & echo $! > " + recorded + "; wait"}, {});
    REQUIRE(runc.has_value());
    const pid_t command = wait_for_pid(recorded);
    REQUIRE(command > 0);
    return std::pair{*runc, command};
  };
  const auto [runc, command] = start("a");
  const auto [other_runc, other_command] = start("b");
  CHECK(kill_exec_command(0) == 0);
  CHECK(kill_exec_command(1) == 0);  // init's children: never
  CHECK(kill_exec_command(runc) == 1);
  CHECK(berth::testing::process_ended(command));
  CHECK(wait_exit_code(runc) == 0);  // the stand-in saw its child die; it was not signalled itself
  CHECK(::kill(other_command, 0) == 0);  // another runc's command is left alone
  CHECK(kill_exec_command(other_runc) == 1);
  CHECK(wait_exit_code(other_runc) == 0);
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

}  // namespace runc_exec_test
