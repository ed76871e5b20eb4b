// The daemon's exec sessions (RuntimeContainerCommands) with a script standing in for runc: a
// session served through its hand-over, a hand-over after stop(), and one whose thread cannot
// start (no thread to join, the socket closed once, the daemon not aborted).
#include "cli/container_commands.hpp"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "agent/fake_runtime.hpp"
#include "common/files.hpp"
#include "fixtures/fixtures.hpp"
#include "fixtures/temp_dir.hpp"
#include "runtime/shim/attach_protocol.hpp"

namespace container_commands_test {

using namespace berth;
using berth::testing::FakeClock;
using berth::testing::FakeRuntime;
using berth::runtime::encode_frames;
using berth::runtime::FrameType;

namespace {

// Container c1 running, and a `runc` that runs its command line's command on the host:
// `runc --root R exec ID COMMAND...`.
struct CommandsFixture {
  FakeClock clock;
  FakeRuntime runtime{clock};
  berth::testing::TempDir dir;
  runtime::RuncPaths paths;

  CommandsFixture() {
    runtime.states["c1"] = runtime::ContainerStatus::State::running;
    paths.runc = dir.path + "/runc";
    paths.runc_root = dir.path + "/runc-root";
    paths.state_root = dir.path + "/containers";
    REQUIRE(write_file(paths.runc, "#!/bin/sh\nshift 4\nexec \"$@\"\n", 0755).has_value());
    REQUIRE(make_dirs(paths.state_root + "/c1").has_value());
  }
};

model::ExecSessionRequest request_for(std::vector<std::string> argv) {
  model::ExecSessionRequest request;
  request.task = "t";
  request.argv = std::move(argv);
  return request;
}

// Everything the peer of a session's socket receives until the socket is closed.
std::string read_to_end(int fd) {
  std::string all;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) all.append(buffer, static_cast<std::size_t>(n));
  return all;
}

}  // namespace

TEST_CASE_METHOD(CommandsFixture, "container commands: a session is served on its own thread through its hand-over",
                 "[cli][exec]") {
  cli::RuntimeContainerCommands commands(runtime, paths);
  auto takeover = commands.open_session("c1", request_for({"sh", "-c", "echo hi; exit 3"}));
  REQUIRE(takeover.has_value());
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  (*takeover)(pair[0], "");
  const std::string received = read_to_end(pair[1]);
  ::close(pair[1]);
  CHECK(received == encode_frames(FrameType::stdout_, "hi\n") + encode_frames(FrameType::exit, "3"));
  commands.stop();
  // Not running: refused before anything starts.
  runtime.states["c1"] = runtime::ContainerStatus::State::exited;
  CHECK_FALSE(commands.open_session("c1", request_for({"true"})).has_value());
}

TEST_CASE_METHOD(CommandsFixture, "container commands: a hand-over after stop() closes the socket and serves nothing",
                 "[cli][exec]") {
  cli::RuntimeContainerCommands commands(runtime, paths);
  auto takeover = commands.open_session("c1", request_for({"sh", "-c", "echo never"}));
  REQUIRE(takeover.has_value());
  commands.stop();
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  (*takeover)(pair[0], "");
  CHECK(read_to_end(pair[1]).empty());  // closed, nothing sent
  ::close(pair[1]);
  CHECK_FALSE(commands.open_session("c1", request_for({"true"})).has_value());  // berth is stopping
}

TEST_CASE_METHOD(CommandsFixture,
                 "container commands: a session whose thread cannot start leaves no session and closes its socket once",
                 "[cli][exec][root]") {
  // In a child process that may start no thread (RLIMIT_NPROC 0 binds a user other than root).
  int pair[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::signal(SIGABRT, SIG_DFL);  // an abort is this test's failure, for the parent to see
    ::close(pair[1]);
    const rlimit none{0, 0};
    if (::setgroups(0, nullptr) != 0 || ::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0 ||
        ::setrlimit(RLIMIT_NPROC, &none) != 0) {
      ::_exit(2);
    }
    {
      cli::RuntimeContainerCommands commands(runtime, paths);
      auto takeover = commands.open_session("c1", request_for({"true"}));
      if (!takeover) ::_exit(3);
      (*takeover)(pair[0], "");  // must neither throw nor leave the socket open
      // The socket's number is free again: the next descriptor takes it, and stays open.
      const int next = ::dup(STDERR_FILENO);
      if (next != pair[0]) ::_exit(4);
      commands.stop();  // nothing to join; must not abort
      if (::fcntl(next, F_GETFD) < 0) ::_exit(5);
    }
    ::_exit(0);
  }
  ::close(pair[0]);
  CHECK(read_to_end(pair[1]).empty());
  ::close(pair[1]);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace container_commands_test
