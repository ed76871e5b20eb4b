// A spare shim is the real berth binary (`berth shim --spare`): these need it built, as the
// [root] runtime tests do, but neither root nor runc.
#include "runtime/shim/spare_shim.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "runtime/linux/process.hpp"

namespace spare_shim_test {

using namespace berth;
using namespace berth::runtime;

namespace {

std::string berth_binary() {
  const char* env = std::getenv("BERTH_BIN");
  return std::filesystem::absolute(env ? env : "build/x86_64-linux-gnu/berth").string();
}

// Everything written to the read end of a pipe until its last writer closes it (or 10 s).
std::string read_until_closed(int fd) {
  std::string out;
  char buffer[512];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, 10000) > 0) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

bool process_exists(pid_t pid) { return ::kill(pid, 0) == 0; }

// The state letter of /proc/PID/stat ('Z' for a zombie), or 0 once the process is gone.
char process_state(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  const auto close_paren = stat->rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= stat->size()) return 0;
  return (*stat)[close_paren + 2];
}

// Polls every 5 ms for up to 10 s (the suite may share the machine with a compiler).
template <typename Condition>
bool eventually(Condition condition) {
  for (int i = 0; i < 2000; ++i) {
    if (condition()) return true;
    ::usleep(5000);
  }
  return condition();
}

bool dead(pid_t pid) {
  const char state = process_state(pid);
  return state == 0 || state == 'Z';
}

// The children of this test's thread, as the kernel lists them ("" when it has none).
std::string own_children() {
  const std::string tid = std::to_string(::gettid());
  return read_file("/proc/self/task/" + tid + "/children").value_or("?");
}

// A shim's options whose runc fails at once, so the shim reports a start error and exits.
ShimOptions failing_start(const std::string& dir) {
  ShimOptions options;
  options.id = "spare-test";
  options.bundle = dir;
  options.state_dir = dir;
  options.runc = "/bin/false";
  options.runc_root = dir + "/runc";
  options.log_path = dir + "/out.log";
  options.sync_fd = 3;  // what the saved arguments say; the handed pipe takes its place
  return options;
}

// Hands `spare` a failing start and checks the shim that took it reported the error on the pipe
// and in its exit record.
void hand_a_failing_start(SpareShim spare, const std::string& dir) {
  int sync[2];
  REQUIRE(::pipe2(sync, O_CLOEXEC) == 0);
  auto handed = std::move(spare).hand(failing_start(dir), sync[1]);
  ::close(sync[1]);
  if (!handed) FAIL("hand-over: " << handed.error().message);
  const std::string reply = read_until_closed(sync[0]);
  ::close(sync[0]);
  CHECK(reply.starts_with("error "));
  const auto exit_record = read_file(dir + "/exit.json");
  REQUIRE(exit_record.has_value());
  CHECK(exit_record->find("startError") != std::string::npos);
}

}  // namespace

TEST_CASE("a spare shim handed a container runs as its shim and reports on the pipe it was given", "[runtime][root]") {
  char pattern[] = "/tmp/berth-spare-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  const std::string children_before = own_children();
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  hand_a_failing_start(std::move(*spare), dir);
  CHECK(own_children() == children_before);  // nothing of the hand-over is left to reap
  auto removed = remove_all(dir);
  (void)removed;
}

TEST_CASE("a spare's first process has exited and been reaped when it is ready to be handed a container", "[runtime][root]") {
  const std::string children_before = own_children();
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  CHECK(own_children() == children_before);  // no zombie, and the spare itself is not ours
  CHECK(process_exists(spare->pid()));
  CHECK(process_state(spare->pid()) != 'Z');
}

TEST_CASE("a waiting spare has already left berth's session, and a SIGTERM still ends it", "[runtime][root]") {
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  const pid_t pid = spare->pid();
  // Set up before the hand-over (detach_shim), so that a start does not wait on it.
  CHECK(eventually([&] { return ::getsid(pid) == pid; }));
  // Its handled signals are blocked only once it has a container: stopping berth's service, which
  // signals the spare in berth's cgroup, must not wait for a kill.
  REQUIRE(::kill(pid, SIGTERM) == 0);
  CHECK(eventually([&] { return dead(pid); }));
}

TEST_CASE("a spare whose first process exits without reporting its child fails to start and leaves nothing", "[runtime][root]") {
  const std::string children_before = own_children();
  auto spare = SpareShim::start("/bin/false");  // exits 1 at once, saying nothing on the socket
  REQUIRE_FALSE(spare.has_value());
  CHECK(spare.error().message.find("did not start") != std::string::npos);
  CHECK(own_children() == children_before);  // reaped
}

TEST_CASE("a spare shim never handed a container exits when its owner lets go", "[runtime][root]") {
  pid_t pid = 0;
  {
    auto spare = SpareShim::start(berth_binary());
    REQUIRE(spare.has_value());
    pid = spare->pid();
    CHECK(process_exists(pid));
  }
  CHECK(eventually([&] { return dead(pid); }));  // exited; its reaper is init
}

TEST_CASE("handing a container to a spare that died fails, so the caller starts a shim itself", "[runtime][root]") {
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  const pid_t pid = spare->pid();
  REQUIRE(::kill(pid, SIGKILL) == 0);
  REQUIRE(eventually([&] { return dead(pid); }));
  int sync[2];
  REQUIRE(::pipe2(sync, O_CLOEXEC) == 0);
  auto handed = std::move(*spare).hand(failing_start("/nonexistent"), sync[1]);
  CHECK_FALSE(handed.has_value());
  ::close(sync[0]);
  ::close(sync[1]);
}

}  // namespace spare_shim_test
