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
#include "runtime/linux/process.hpp"

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

}  // namespace

TEST_CASE("a spare shim handed a container runs as its shim and reports on the pipe it was given", "[runtime][root]") {
  char pattern[] = "/tmp/berth-spare-XXXXXX";
  const std::string dir = ::mkdtemp(pattern);
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  ShimOptions options;
  options.id = "spare-test";
  options.bundle = dir;
  options.state_dir = dir;
  options.runc = "/bin/false";  // a runc that fails: the shim reports the start error
  options.runc_root = dir + "/runc";
  options.log_path = dir + "/out.log";
  options.sync_fd = 3;  // what the saved arguments say; the handed pipe takes its place
  int sync[2];
  REQUIRE(::pipe2(sync, O_CLOEXEC) == 0);
  auto first = std::move(*spare).hand(options, sync[1]);
  ::close(sync[1]);
  REQUIRE(first.has_value());
  CHECK(wait_exit_code(*first) == 0);  // the shim's first process, which returns at once
  const std::string reply = read_until_closed(sync[0]);
  ::close(sync[0]);
  CHECK(reply.starts_with("error "));
  const auto exit_record = read_file(dir + "/exit.json");
  REQUIRE(exit_record.has_value());
  CHECK(exit_record->find("startError") != std::string::npos);
  auto removed = remove_all(dir);
  (void)removed;
}

TEST_CASE("a spare shim never handed a container exits when its owner lets go", "[runtime][root]") {
  pid_t pid = 0;
  {
    auto spare = SpareShim::start(berth_binary());
    REQUIRE(spare.has_value());
    pid = spare->pid();
    CHECK(process_exists(pid));
  }
  CHECK_FALSE(process_exists(pid));  // exited and reaped by the destructor
}

TEST_CASE("handing a container to a spare that died fails, so the caller starts a shim itself", "[runtime][root]") {
  auto spare = SpareShim::start(berth_binary());
  REQUIRE(spare.has_value());
  const pid_t pid = spare->pid();
  REQUIRE(::kill(pid, SIGKILL) == 0);
  ShimOptions options;
  options.id = "x";
  int sync[2];
  REQUIRE(::pipe2(sync, O_CLOEXEC) == 0);
  // The spare may not have died yet when the message goes; then its end is closed unread at its
  // death and the pipe's writer with it, which the caller sees as a start with no report.
  for (int i = 0; i < 200 && ::kill(pid, 0) == 0; ++i) {
    char state = 0;
    auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (stat) {
      const auto close_paren = stat->rfind(')');
      if (close_paren != std::string::npos && close_paren + 2 < stat->size()) state = (*stat)[close_paren + 2];
    }
    if (state == 'Z') break;
    ::usleep(5000);
  }
  auto handed = std::move(*spare).hand(options, sync[1]);
  CHECK_FALSE(handed.has_value());
  CHECK_FALSE(process_exists(pid));  // reaped
  ::close(sync[0]);
  ::close(sync[1]);
}
