// berth's container init, run in a forked child of the test (it takes over the process's
// signals), on real commands.
#include "runtime/linux/init_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "common/numbers.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/linux/process.hpp"

namespace init_process_test {

using namespace berth::runtime;

namespace {

pid_t start_init(const std::vector<std::string>& argv) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(run_init(argv));
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));  // init itself always exits; it is never killed by what it forwards
  return WEXITSTATUS(status);
}

std::string text_of(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The pids of `pid`'s children, as /proc lists them.
std::vector<int> children_of(pid_t pid) {
  std::istringstream words(text_of("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children"));
  std::vector<int> out;
  for (std::string word; words >> word;) out.push_back(berth::parse_integer<int>(word).value_or(0));
  return out;
}

// Waits until init has started its command (so its signals are taken and forwarded).
void wait_for_child(pid_t init) {
  for (int i = 0; i < 500 && children_of(init).empty(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE_FALSE(children_of(init).empty());
}

char state_of(int pid) {
  const std::string stat = text_of("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

}  // namespace

TEST_CASE("init: a wait status becomes the exit status a shell reports", "[runtime][init]") {
  CHECK(exit_status_of_wait(0) == 0);
  CHECK(exit_status_of_wait(3 << 8) == 3);
  CHECK(exit_status_of_wait(SIGKILL) == 137);
  CHECK(exit_status_of_wait(SIGTERM) == 143);
  CHECK(exit_status_of_wait(0x137f) == 255);  // stopped by SIGSTOP: not an end
}

TEST_CASE("init: exits with its command's status, 128+signal, 127 or 126", "[runtime][init]") {
  CHECK(wait_for(start_init({"sh", "-c", "exit 3"})) == 3);
  CHECK(wait_for(start_init({"true"})) == 0);
  CHECK(wait_for(start_init({"sh", "-c", "kill -9 $$"})) == 137);
  CHECK(wait_for(start_init({"/nonexistent/command"})) == 127);
  CHECK(wait_for(start_init({"/etc"})) == 126);  // a directory cannot be executed
  CHECK(wait_for(start_init({})) == 2);
}

TEST_CASE("init: forwards a signal to its command and exits with its status", "[runtime][init]") {
  const pid_t init = start_init({"sleep", "60"});
  wait_for_child(init);
  REQUIRE(::kill(init, SIGTERM) == 0);
  CHECK(wait_for(init) == 143);  // sleep died of the forwarded SIGTERM; init exited, not killed

  // A command that handles the signal decides the status. The shell says when its trap is set
  // (a guessed delay was too short in an emulated VM, where the signal then killed it: 138).
  const berth::testing::TempDir dir;
  const std::string trap_set = dir.path + "/trap-set";
  const pid_t handled =
      start_init({"sh", "-c", "trap 'exit 7' USR1; : > " + trap_set + "; while :; do sleep 0.05; done"});
  for (int i = 0; i < 3000 && !std::filesystem::exists(trap_set); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  REQUIRE(std::filesystem::exists(trap_set));
  REQUIRE(::kill(handled, SIGUSR1) == 0);
  CHECK(wait_for(handled) == 7);
}

TEST_CASE("init: reaps the orphans it inherits as a subreaper", "[runtime][init]") {
  // The subshell's sleep is orphaned at once and ends after 0.2 s, while the command still runs.
  const pid_t init = start_init({"sh", "-c", "(sleep 0.2 &); exec sleep 1.5"});
  wait_for_child(init);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  const auto children = children_of(init);
  CHECK(children.size() == 1);  // only the command: the orphan was reaped, not left a zombie
  for (const int child : children) CHECK(state_of(child) != 'Z');
  CHECK(wait_for(init) == 0);
}

}  // namespace init_process_test
